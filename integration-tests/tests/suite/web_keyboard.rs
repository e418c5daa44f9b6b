//! A keyboard-only journey through the web app in Chromium: sign in, join
//! a group, edit a wiki page, answer an event, with visible focus on every
//! element that takes it.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use serde_json::json;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn a_keyboard_alone_signs_in_joins_edits_and_answers() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    node.create_user("sam", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;
    jo.submit(
        "/groups/housing/new-wiki-page",
        "/groups/housing/new-wiki-page",
        &[
            ("title", "Damp and mould"),
            ("body", "Inspect within 14 days."),
        ],
    )
    .await;
    jo.submit(
        "/groups/housing/new-event",
        "/groups/housing/new-event",
        &[
            ("title", "Damp workshop"),
            ("starts_at", "2030-07-01T14:00"),
        ],
    )
    .await;

    let report = moot_testkit::browser::run(
        "keyboard_journey.mjs",
        json!({
            "base": node.url(""),
            "login": "sam",
            "password": PASSWORD,
            "group": "housing",
            "page": "Damp and mould",
            "event": "Damp workshop",
        }),
    )
    .await;
    let steps = report["steps"].as_array().unwrap();
    let done: Vec<&str> = steps
        .iter()
        .filter(|s| s["ok"] == true)
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        done,
        ["signed in", "joined", "edited", "answered"],
        "{report}"
    );
    assert_eq!(report["problems"], json!([]), "{report}");

    // What the keyboard did is on the node.
    let page = jo.get("/groups/housing/wiki/damp-and-mould").await;
    assert!(page.body.contains("Added from the keyboard."));
    let history = jo.get("/groups/housing/wiki/damp-and-mould/history").await;
    assert!(history.body.contains("Keyboard edit"));
}
