//! Direct conversations across two real nodes: Alice on A writes to Bob on
//! B; both find the conversation in `/api/v1/conversations` with the other
//! person and the latest post (unread for Bob); Bob's answer moves it on
//! both and makes it unread for Alice; marking it read works. Checked
//! against Mastodon's API document.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::follow_across;
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn conversations(node: &ProcessNode, token: &str) -> Value {
    let (status, found) = node.api(Method::GET, "/api/v1/conversations", token).await;
    assert_eq!(status, 200, "{found}");
    MastodonApi::get().assert_valid("GET", "/api/v1/conversations", 200, &found);
    found
}

fn latest_text(found: &Value) -> String {
    found[0]["last_status"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_direct_conversation_shows_on_both_nodes_with_its_unread_state() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    // They know each other (so each node keeps the other's posts).
    follow_across(&b, &bob, &a, "alice").await;
    follow_across(&a, &alice, &b, "bob").await;

    let (status, first) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": format!("@bob@{} Can you share the damp survey?", b.hostname),
                   "visibility": "direct"}),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let on_a = conversations(&a, &alice).await;
    assert_eq!(on_a.as_array().unwrap().len(), 1);
    assert_eq!(on_a[0]["unread"], false, "her own post");
    assert_eq!(on_a[0]["accounts"][0]["acct"], b.handle("bob"));
    let on_b = wait::until("the conversation reaches B", || async {
        let found = conversations(&b, &bob).await;
        let some = found.as_array().is_some_and(|c| !c.is_empty());
        some.then_some(found)
    })
    .await;
    assert_eq!(on_b[0]["unread"], true);
    assert_eq!(on_b[0]["accounts"][0]["acct"], a.handle("alice"));
    assert!(latest_text(&on_b).contains("damp survey"));

    // Bob answers in the thread: one conversation on each node, moved on.
    let first_on_b = on_b[0]["last_status"]["id"].as_str().unwrap();
    let (status, _) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            json!({"status": format!("@alice@{} Here it is", a.hostname),
                   "visibility": "direct", "in_reply_to_id": first_on_b}),
        )
        .await;
    assert_eq!(status, 200);
    let on_a = wait::until("the answer reaches A", || async {
        let found = conversations(&a, &alice).await;
        latest_text(&found).contains("Here it is").then_some(found)
    })
    .await;
    assert_eq!(on_a.as_array().unwrap().len(), 1, "the same conversation");
    assert_eq!(on_a[0]["unread"], true, "unread for Alice now");
    let on_b = conversations(&b, &bob).await;
    assert_eq!(on_b.as_array().unwrap().len(), 1);
    assert!(latest_text(&on_b).contains("Here it is"));

    // The older direct timeline has both posts, newest first.
    let (status, direct) = a.api(Method::GET, "/api/v1/timelines/direct", &alice).await;
    assert_eq!(status, 200, "{direct}");
    MastodonApi::get().assert_valid("GET", "/api/v1/timelines/direct", 200, &direct);
    assert_eq!(direct.as_array().unwrap().len(), 2);
    assert!(direct[0]["content"]
        .as_str()
        .unwrap()
        .contains("Here it is"));

    // Marking read.
    let id = on_a[0]["id"].as_str().unwrap();
    let (status, read) = a
        .api(
            Method::POST,
            &format!("/api/v1/conversations/{id}/read"),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{read}");
    MastodonApi::get().assert_valid("POST", "/api/v1/conversations/{id}/read", 200, &read);
    assert_eq!(read["unread"], false);
    assert_eq!(conversations(&a, &alice).await[0]["unread"], false);
    // Someone else's conversation is not theirs to touch.
    let carol = a.create_user("carol", "read write");
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/conversations/{id}/read"),
            &carol,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(conversations(&a, &carol).await, json!([]));
    let (status, _) = a
        .api(
            Method::DELETE,
            &format!("/api/v1/conversations/{id}"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(conversations(&a, &alice).await, json!([]));
}
