//! Lists: a person's own groupings of accounts they follow, read as
//! timelines of their own.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

async fn texts(node: &TestNode, token: &str, path: &str) -> Vec<String> {
    let (status, posts) = node.api(Method::GET, path, token).await;
    assert_eq!(status, 200, "{posts}");
    posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_list_is_kept_read_and_kept_to_its_owner() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    node.create_user("lee", "read write follow").await;
    let mut ids = Vec::new();
    for name in ["sam", "kim", "lee"] {
        let (_, account) = node
            .api(
                Method::GET,
                &format!("/api/v1/accounts/lookup?acct={name}"),
                &jo,
            )
            .await;
        ids.push(account["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..2] {
        node.api(Method::POST, &format!("/api/v1/accounts/{id}/follow"), &jo)
            .await;
    }

    let (status, list) = node
        .api_json(
            Method::POST,
            "/api/v1/lists",
            &jo,
            json!({"title": "Flood wardens", "replies_policy": "list"}),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    api.assert_valid("POST", "/api/v1/lists", 200, &list);
    let list_id = list["id"].as_str().unwrap().to_owned();
    let at = |rest: &str| format!("/api/v1/lists/{list_id}{rest}");
    let (status, _) = node
        .api_json(
            Method::POST,
            &at("/accounts"),
            &jo,
            json!({"account_ids": [ids[0]]}),
        )
        .await;
    assert_eq!(status, 200);
    // Only accounts one follows: Lee is refused, and nothing is added.
    let (status, _) = node
        .api_json(
            Method::POST,
            &at("/accounts"),
            &jo,
            json!({"account_ids": [ids[1], ids[2]]}),
        )
        .await;
    assert_eq!(status, 422);
    let (_, members) = node.api(Method::GET, &at("/accounts"), &jo).await;
    api.assert_valid("GET", "/api/v1/lists/{id}/accounts", 200, &members);
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["username"], "sam");
    let (_, holding) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{}/lists", ids[0]),
            &jo,
        )
        .await;
    assert_eq!(holding[0]["title"], "Flood wardens");

    node.post(&sam, "River levels rising").await;
    node.post(&kim, "Unrelated news").await;
    let timeline = format!("/api/v1/timelines/list/{list_id}");
    let (_, listed) = node.api(Method::GET, &timeline, &jo).await;
    api.assert_valid("GET", "/api/v1/timelines/list/{list_id}", 200, &listed);
    let listed = texts(&node, &jo, &timeline).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].contains("River levels"));

    // Exclusive: the list's members leave the home timeline.
    let (_, changed) = node
        .api_json(
            Method::PUT,
            &at(""),
            &jo,
            json!({"title": "Wardens", "exclusive": true}),
        )
        .await;
    api.assert_valid("PUT", "/api/v1/lists/{id}", 200, &changed);
    assert_eq!(changed["title"], "Wardens");
    let home = texts(&node, &jo, "/api/v1/timelines/home").await;
    assert!(home.iter().all(|t| !t.contains("River levels")), "{home:?}");
    assert!(home.iter().any(|t| t.contains("Unrelated news")));

    // Someone else's list does not exist for them.
    for (method, path) in [(Method::GET, at("")), (Method::GET, timeline.clone())] {
        let (status, _) = node.api(method, &path, &kim).await;
        assert_eq!(status, 404);
    }
    let (status, _) = node
        .api_json(Method::POST, "/api/v1/lists", &jo, json!({"title": "  "}))
        .await;
    assert_eq!(status, 422);

    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("{}?account_ids[]={}", at("/accounts"), ids[0]),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    assert!(texts(&node, &jo, &timeline).await.is_empty());
    let (status, _) = node.api(Method::DELETE, &at(""), &jo).await;
    assert_eq!(status, 200);
    let (_, all) = node.api(Method::GET, "/api/v1/lists", &jo).await;
    assert_eq!(all, Value::Array(Vec::new()));
}
