//! A client retrying a post with the same Idempotency-Key gets the post it
//! already made, even when the retries race each other.

use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

async fn post_with_key(node: &TestNode, token: &str, key: &str, text: &str) -> Value {
    let response = node
        .http
        .post(node.url("/api/v1/statuses"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({"status": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_same_key_makes_one_post() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;

    let first = post_with_key(&node, &jo, "abc-1", "Agenda for Thursday").await;
    let again = post_with_key(&node, &jo, "abc-1", "Agenda for Thursday").await;
    assert_eq!(first["id"], again["id"]);

    // Five retries at once: still one post.
    let racing = futures_util::future::join_all(
        (0..5).map(|_| post_with_key(&node, &jo, "abc-2", "Minutes of Thursday")),
    )
    .await;
    assert!(
        racing.iter().all(|p| p["id"] == racing[0]["id"]),
        "{racing:?}"
    );

    // Another person's identical key is theirs alone.
    let sam = node.create_user("sam", "read write").await;
    let sams = post_with_key(&node, &sam, "abc-1", "Agenda for Friday").await;
    assert_ne!(sams["id"], first["id"]);

    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", &jo).await;
    assert_eq!(home.as_array().unwrap().len(), 2, "{home}");
}
