//! A person on node B works in a group of node A through B's web app, in
//! Chromium: finds the group, joins it (and sees what it kept before),
//! creates and edits a wiki page, adds a document and a new version,
//! answers an event made before they joined and proposes one of their own. A decides each step; each then
//! shows on A's pages and on B's.

use moot_testkit::documents::{sha256, AGREED_PDF, DRAFT_PDF};
use moot_testkit::social::make_group;
use moot_testkit::web::WebClient;
use moot_testkit::ProcessNode;
use serde_json::json;

#[tokio::test]
async fn a_person_on_another_node_works_in_a_group_from_their_own_web_app() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let (alice, alice_password) = a.create_user_with_password("alice", "read write follow");
    let (_, bob_password) = b.create_user_with_password("bob", "read write follow");
    make_group(&a, &alice, "records", "alice", "open").await;
    let mut on_a = WebClient::new(&a.base_url);
    on_a.sign_in("alice", &alice_password).await;
    let made = on_a
        .submit(
            "/groups/records/new-event",
            "/groups/records/new-event",
            &[("title", "Records day"), ("starts_at", "2030-07-01T14:00")],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let event_on_a = made.location.unwrap();
    let kept = on_a
        .submit(
            "/groups/records/new-wiki-page",
            "/groups/records/new-wiki-page",
            &[("title", "Handbook"), ("body", "How we keep records.")],
        )
        .await;
    assert_eq!(kept.status, 303, "{}", kept.body);

    let files = tempfile::tempdir().unwrap();
    let (v1, v2) = (
        files.path().join("minutes.pdf"),
        files.path().join("minutes-agreed.pdf"),
    );
    std::fs::write(&v1, DRAFT_PDF).unwrap();
    std::fs::write(&v2, AGREED_PDF).unwrap();
    let handle = format!("records@{}", a.hostname);
    let second = "Retention: six years.\n\nDisposal is logged.";
    let report = moot_testkit::browser::run(
        "two_node_journey.mjs",
        json!({
            "base": b.base_url,
            "login": "bob",
            "password": bob_password,
            "group": handle,
            "page": "Retention schedule",
            "first": "Retention: six years.",
            "second": second,
            "document": "Board minutes",
            "v1": v1,
            "v2": v2,
            "event": "Records day",
            "kept": "Handbook",
            "newEvent": "Retention clinic",
        }),
    )
    .await;
    let done: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ok"] == true)
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        done,
        [
            "signed in",
            "found the group",
            "joined",
            "sees what the group kept before",
            "created a wiki page",
            "edited the wiki page",
            "history shows both revisions",
            "added a document",
            "added a new version",
            "answered the event",
            "proposed an event",
        ],
        "{report}"
    );

    // A decided every step: its own pages show them, made by Bob.
    let wiki = on_a.get("/groups/records/wiki/retention-schedule").await;
    assert_eq!(wiki.status, 200);
    assert!(wiki.body.contains("Disposal is logged."), "{}", wiki.body);
    let history = on_a
        .get("/groups/records/wiki/retention-schedule/history")
        .await;
    assert_eq!(
        history.body.matches("<tr>").count(),
        3,
        "a header and two revisions: {}",
        history.body
    );
    assert!(history.body.contains("Edited from another node"));
    let bob_on_a = format!("href=\"/@bob@{}\"", b.hostname);
    assert_eq!(
        history.body.matches(&bob_on_a).count(),
        2,
        "Bob made both revisions: {}",
        history.body
    );
    let library = on_a.get("/groups/records/library").await;
    let item = library
        .body
        .split("href=\"/groups/records/library/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the document is in A's library")
        .to_owned();
    let document = on_a.get(&format!("/groups/records/library/{item}")).await;
    assert!(document.body.contains("Board minutes"));
    assert!(
        document.body.contains(&sha256(DRAFT_PDF)),
        "{}",
        document.body
    );
    assert!(document.body.contains(&sha256(AGREED_PDF)));
    let event = on_a.get(&event_on_a).await;
    assert!(event.body.contains("1 going"), "{}", event.body);
    let events = on_a.get("/groups/records/events").await;
    assert!(events.body.contains("Retention clinic"), "{}", events.body);
    assert!(events.body.contains("Council chamber"));
}
