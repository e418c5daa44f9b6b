//! Events across three real nodes, through public interfaces only: an
//! event in a group on A gets answers from B and C (and from A itself);
//! A's counts are right and reach the other nodes; the event and the
//! group's feed are iCalendar that a standard parser reads.

use moot_testkit::social::{follow_across, make_group, moot_api};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn group_events(node: &ProcessNode, token: &str, group: &str) -> Vec<Value> {
    let (status, events) = moot_api(
        node,
        token,
        Method::GET,
        ("/groups/{id}/events", &format!("/groups/{group}/events")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{events}");
    events.as_array().cloned().unwrap_or_default()
}

async fn answer(node: &ProcessNode, token: &str, id: &str, answer: &str) -> (u16, Value) {
    moot_api(
        node,
        token,
        Method::POST,
        ("/events/{id}/rsvp", &format!("/events/{id}/rsvp")),
        Some(json!({ "answer": answer })),
    )
    .await
}

async fn event(node: &ProcessNode, token: &str, id: &str) -> Value {
    let (status, event) = moot_api(
        node,
        token,
        Method::GET,
        ("/events/{id}", &format!("/events/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{event}");
    event
}

/// The VEVENTs of an iCalendar document, read by the `ical` crate, each as
/// its properties' names and values.
fn vevents(text: &str) -> Vec<Vec<(String, String)>> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a calendar that parses");
    assert!(calendars.next().is_none(), "exactly one calendar");
    calendar
        .events
        .iter()
        .map(|e| {
            e.properties
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
                .collect()
        })
        .collect()
}

fn property<'a>(event: &'a [(String, String)], name: &str) -> &'a str {
    event
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {event:?}"))
}

#[tokio::test]
async fn an_event_gets_answers_from_three_nodes_and_exports_as_icalendar() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let dave = a.create_user("dave", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let on_a = make_group(&a, &alice, "planning", "alice", "open").await;
    let (on_b, on_c) = tokio::join!(
        follow_across(&b, &bob, &a, "planning"),
        follow_across(&c, &carol, &a, "planning")
    );

    // Refused: an end before the start, a time zone that is not one.
    for bad in [
        json!({ "title": "Backwards", "starts_at": "2026-12-10T10:00:00Z", "ends_at": "2026-12-10T09:00:00Z" }),
        json!({ "title": "Nowhere", "starts_at": "2026-12-10T10:00:00Z", "timezone": "Not a zone!" }),
    ] {
        let (status, _) =
            moot_api(&a, &alice, Method::POST, ("/events", "/events"), Some(bad)).await;
        assert_eq!(status, 422);
    }

    let (status, created) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/events", "/events"),
        Some(json!({
            "title": "Planning forum", "description": "Local plans, **in person** and online.",
            "starts_at": "2026-12-10T10:00:00Z", "ends_at": "2026-12-10T12:30:00Z",
            "timezone": "Europe/London", "place_name": "Town Hall",
            "place_address": "1 High Street, Leeds", "online_url": "https://meet.example/forum",
            "group_id": on_a,
        })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["local"], true);
    let id_on_a = created["id"].as_str().unwrap().to_owned();

    // The event reaches B and C; their people answer there.
    let (copy_b, copy_c) = tokio::join!(
        wait::until("the event reaches B", || async {
            group_events(&b, &bob, &on_b).await.into_iter().next()
        }),
        wait::until("the event reaches C", || async {
            group_events(&c, &carol, &on_c).await.into_iter().next()
        })
    );
    assert_eq!(copy_b["title"], "Planning forum");
    assert_eq!(copy_b["local"], false);
    assert_eq!(copy_b["timezone"], "Europe/London");
    assert_eq!(copy_b["starts_at"], created["starts_at"]);
    assert_eq!(copy_b["place"]["name"], "Town Hall");
    assert_eq!(copy_b["online_url"], "https://meet.example/forum");
    assert!(copy_b["description"]
        .as_str()
        .unwrap()
        .contains("<strong>in person</strong>"));
    let (id_on_b, id_on_c) = (
        copy_b["id"].as_str().unwrap().to_owned(),
        copy_c["id"].as_str().unwrap().to_owned(),
    );
    let (status, answered) = answer(&b, &bob, &id_on_b, "going").await;
    assert_eq!(
        (status, &answered["answer"]),
        (200, &json!("going")),
        "{answered}"
    );
    let (status, _) = answer(&c, &carol, &id_on_c, "maybe").await;
    assert_eq!(status, 200);
    let (status, _) = answer(&a, &dave, &id_on_a, "going").await;
    assert_eq!(status, 200);
    let (status, _) = answer(&a, &dave, &id_on_a, "perhaps").await;
    assert_eq!(status, 422);

    // A counts every answer once, and the counts spread.
    let counted = wait::until("A counts two going and one maybe", || async {
        let e = event(&a, &alice, &id_on_a).await;
        (e["going_count"] == 2 && e["maybe_count"] == 1).then_some(e)
    })
    .await;
    assert_eq!(counted["answer"], Value::Null, "Alice did not answer");
    // Carol changes her mind; Bob answers again the same.
    let (status, _) = answer(&c, &carol, &id_on_c, "not_going").await;
    assert_eq!(status, 200);
    let (status, _) = answer(&b, &bob, &id_on_b, "going").await;
    assert_eq!(status, 200);
    wait::until("A counts two going and no maybe", || async {
        let e = event(&a, &alice, &id_on_a).await;
        (e["going_count"] == 2 && e["maybe_count"] == 0).then_some(())
    })
    .await;
    wait::until("B sees A's counts", || async {
        let e = event(&b, &bob, &id_on_b).await;
        (e["going_count"] == 2 && e["maybe_count"] == 0 && e["answer"] == "going").then_some(())
    })
    .await;

    // iCalendar: the event, and the group's feed.
    let ics_url = counted["ics_url"].as_str().unwrap();
    let response = a.http.get(ics_url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let events = vevents(&response.text().await.unwrap());
    assert_eq!(events.len(), 1);
    let one = &events[0];
    assert_eq!(property(one, "SUMMARY"), "Planning forum");
    assert_eq!(property(one, "DTSTART"), "20261210T100000Z");
    assert_eq!(property(one, "DTEND"), "20261210T123000Z");
    assert_eq!(
        property(one, "LOCATION"),
        "Town Hall\\, 1 High Street\\, Leeds"
    );
    assert_eq!(property(one, "UID"), created["uri"].as_str().unwrap());
    assert_eq!(property(one, "STATUS"), "CONFIRMED");
    let feed = a
        .http
        .get(format!("{}/users/planning/events.ics", a.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let listed = vevents(&feed);
    assert_eq!(listed.len(), 1);
    assert_eq!(property(&listed[0], "SUMMARY"), "Planning forum");

    // The organizer cancels: the change reaches B.
    let (status, changed) = moot_api(
        &a,
        &alice,
        Method::PUT,
        ("/events/{id}", &format!("/events/{id_on_a}")),
        Some(json!({
            "title": "Planning forum", "starts_at": "2026-12-10T10:00:00Z",
            "timezone": "Europe/London", "status": "cancelled",
        })),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    wait::until("B sees the cancellation", || async {
        (event(&b, &bob, &id_on_b).await["status"] == "cancelled").then_some(())
    })
    .await;
    // Only the organizer or a moderator may change it.
    let (status, _) = moot_api(
        &a,
        &dave,
        Method::DELETE,
        ("/events/{id}", &format!("/events/{id_on_a}")),
        None,
    )
    .await;
    assert_eq!(status, 403);
}
