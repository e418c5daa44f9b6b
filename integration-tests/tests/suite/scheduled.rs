//! Scheduled posts through the client API: written now with
//! `scheduled_at`, listed, moved and cancelled, and published once when
//! due (the publisher is run here at once instead of waiting minutes).

use chrono::{Duration, Utc};
use diesel_async::RunQueryDsl;
use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

fn at(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes)).to_rfc3339()
}

async fn schedule(node: &TestNode, token: &str, text: &str, when: &str) -> (u16, Value) {
    node.api_json(
        Method::POST,
        "/api/v1/statuses",
        token,
        json!({"status": text, "scheduled_at": when, "visibility": "unlisted"}),
    )
    .await
}

#[tokio::test]
async fn a_scheduled_post_waits_then_is_published_once() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let api = MastodonApi::get();

    let (status, waiting) = schedule(&node, &jo, "Team meeting moved to 3pm", &at(60)).await;
    assert_eq!(status, 200, "{waiting}");
    api.assert_valid("POST", "/api/v1/statuses", 200, &waiting);
    assert_eq!(waiting["params"]["text"], "Team meeting moved to 3pm");
    assert_eq!(waiting["params"]["visibility"], "unlisted");
    let id = waiting["id"].as_str().unwrap().to_owned();

    // Too soon, or not a time: refused.
    assert_eq!(schedule(&node, &jo, "x", &at(1)).await.0, 422);
    assert_eq!(schedule(&node, &jo, "x", "next Tuesday").await.0, 422);

    let path = format!("/api/v1/scheduled_statuses/{id}");
    let (status, moved) = node
        .api_json(Method::PUT, &path, &jo, json!({"scheduled_at": at(120)}))
        .await;
    assert_eq!(status, 200, "{moved}");
    api.assert_valid("PUT", "/api/v1/scheduled_statuses/{id}", 200, &moved);
    let (_, listed) = node
        .api(Method::GET, "/api/v1/scheduled_statuses", &jo)
        .await;
    api.assert_valid("GET", "/api/v1/scheduled_statuses", 200, &listed);
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Nothing is published before its time.
    let ctx = node.ctx();
    assert_eq!(moot_app::scheduled::publish_due(&ctx).await.unwrap(), 0);
    let mut conn = node.db.conn().await.unwrap();
    diesel::sql_query("UPDATE scheduled_statuses SET scheduled_at = now() - interval '1 second'")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(moot_app::scheduled::publish_due(&ctx).await.unwrap(), 1);
    assert_eq!(moot_app::scheduled::publish_due(&ctx).await.unwrap(), 0);

    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    let (_, posts) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{}/statuses", me["id"].as_str().unwrap()),
            &jo,
        )
        .await;
    assert_eq!(posts.as_array().unwrap().len(), 1, "{posts}");
    assert_eq!(posts[0]["visibility"], "unlisted");
    assert!(posts[0]["content"]
        .as_str()
        .unwrap()
        .contains("Team meeting moved to 3pm"));
    assert_eq!(node.api(Method::GET, &path, &jo).await.0, 404);

    // Cancelled: never published.
    let (_, other) = schedule(&node, &jo, "Never mind", &at(30)).await;
    let other_path = format!(
        "/api/v1/scheduled_statuses/{}",
        other["id"].as_str().unwrap()
    );
    assert_eq!(node.api(Method::DELETE, &other_path, &jo).await.0, 200);
    assert_eq!(node.api(Method::GET, &other_path, &jo).await.0, 404);
}
