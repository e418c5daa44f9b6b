//! The node's health endpoint and error shapes, over real HTTP.

use moot_testkit::TestNode;
use serde_json::json;

#[tokio::test]
async fn healthz_reports_ok_with_a_working_database() {
    let node = TestNode::start().await;
    let (status, body) = node.get_json("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"status": "ok", "database": "ok"}));
    node.stop().await;
}

#[tokio::test]
async fn healthz_reports_503_naming_the_database_when_it_is_gone() {
    let node = TestNode::start().await;
    assert_eq!(node.get_json("/healthz").await.0, 200);
    moot_testkit::drop_database(&node.database.name).await;
    let (status, body) = node.get_json("/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "error");
    assert_eq!(body["database"], "unreachable");
    node.stop().await;
}

#[tokio::test]
async fn unknown_paths_get_a_404_naming_the_endpoint() {
    let node = TestNode::start().await;
    let (status, body) = node.get_json("/api/v1/does-not-exist").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"error": "Moot does not serve this endpoint: GET /api/v1/does-not-exist"})
    );
    node.stop().await;
}
