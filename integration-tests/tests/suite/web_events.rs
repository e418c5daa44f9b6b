//! Events in the browser: creating one in UK time, its page at its
//! ActivityPub address, answering, and the group's list and calendar.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn members_create_events_and_answer_them() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    node.create_user("sam", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;

    let bad = jo
        .submit(
            "/groups/housing/new-event",
            "/groups/housing/new-event",
            &[("title", "Damp workshop"), ("starts_at", "next tuesday")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("Enter when the event starts"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"Damp workshop\""),
        "the title is kept"
    );

    let created = jo
        .submit(
            "/groups/housing/new-event",
            "/groups/housing/new-event",
            &[
                ("title", "Damp workshop"),
                ("description", "Bring **case notes**."),
                // Summer: UK time is an hour ahead of UTC.
                ("starts_at", "2030-07-01T14:00"),
                ("ends_at", "2030-07-01T16:30"),
                ("place_name", "Town Hall, Room 2"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let event_path = created.location.clone().unwrap();
    assert!(event_path.starts_with("/events/"), "{event_path}");

    // The event's ActivityPub address answers a browser with its page ...
    let page = jo.get(&event_path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Monday 1 July 2030, 14:00"),
        "{}",
        page.body
    );
    assert!(page.body.contains("datetime=\"2030-07-01T13:00:00+00:00\""));
    assert!(page.body.contains("<strong>case notes</strong>"));
    // ... and an ActivityPub client with the document.
    let document = node
        .http
        .get(node.url(&event_path))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(document.status(), 200);
    let document: serde_json::Value = document.json().await.unwrap();
    assert_eq!(document["type"], "Event");
    assert_eq!(document["startTime"], "2030-07-01T13:00:00Z");

    let mut sam = WebClient::new(&node.url(""));
    sam.sign_in("sam", PASSWORD).await;
    sam.submit("/groups/housing", "/groups/housing/join", &[])
        .await;
    let answered = sam
        .submit(
            &event_path,
            &format!("{event_path}/answer"),
            &[("answer", "going")],
        )
        .await;
    assert_eq!(answered.status, 303);
    let page = sam.get(&event_path).await;
    assert!(page.body.contains("1 going, 0 maybe"), "{}", page.body);
    assert!(
        page.body.contains("value=\"going\" checked"),
        "{}",
        page.body
    );
    let changed = sam
        .submit(
            &event_path,
            &format!("{event_path}/answer"),
            &[("answer", "maybe")],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert!(sam.get(&event_path).await.body.contains("0 going, 1 maybe"));
    let nonsense = sam
        .submit(
            &event_path,
            &format!("{event_path}/answer"),
            &[("answer", "perhaps")],
        )
        .await;
    assert_eq!(nonsense.status, 400);

    let list = sam.get("/groups/housing/events").await;
    assert!(list.body.contains("Damp workshop"));
    assert!(list.body.contains("/users/housing/events.ics"));
    assert_eq!(sam.get("/events/999999").await.status, 404);
    assert_eq!(sam.get("/events/nope").await.status, 404);
}
