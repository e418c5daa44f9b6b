//! Edited posts keep their history, and people who favourited a post are
//! told when it changes.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn edits_are_kept_as_history_and_notified() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read write").await;
    let api = MastodonApi::get();
    let post = node.post(&jo, "Draft one").await;
    let id = post["id"].as_str().unwrap();
    node.api(
        Method::POST,
        &format!("/api/v1/statuses/{id}/favourite"),
        &sam,
    )
    .await;
    for text in ["Draft two", "Final text"] {
        let (status, _) = node
            .api_json(
                Method::PUT,
                &format!("/api/v1/statuses/{id}"),
                &jo,
                json!({"status": text}),
            )
            .await;
        assert_eq!(status, 200);
    }

    let (status, history) = node
        .api(Method::GET, &format!("/api/v1/statuses/{id}/history"), &sam)
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/statuses/{id}/history", 200, &history);
    let texts: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["content"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 3, "{history}");
    assert!(texts[0].contains("Draft one") && texts[1].contains("Draft two"));
    assert!(texts[2].contains("Final text"));
    assert_eq!(history[2]["account"]["username"], "jo");

    let (_, told) = node
        .api(Method::GET, "/api/v1/notifications?types[]=update", &sam)
        .await;
    api.assert_valid("GET", "/api/v1/notifications", 200, &told);
    assert_eq!(told[0]["type"], "update", "{told}");
    assert_eq!(told[0]["status"]["id"], id);
    // The author is not told of their own edits.
    let (_, own) = node
        .api(Method::GET, "/api/v1/notifications?types[]=update", &jo)
        .await;
    assert_eq!(own, json!([]));
}
