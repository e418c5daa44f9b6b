//! Pinned posts (and the `featured` collection other nodes read), and the
//! bell: being told of each new post of someone one follows.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

async fn activity_json(node: &TestNode, path: &str) -> Value {
    let response = node
        .http
        .get(node.url(path))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

#[tokio::test]
async fn pinned_posts_top_the_profile_here_and_elsewhere() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let post = node.post(&jo, &format!("Guidance note {n}")).await;
        ids.push(post["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..5] {
        let (status, pinned) = node
            .api(Method::POST, &format!("/api/v1/statuses/{id}/pin"), &jo)
            .await;
        assert_eq!(status, 200, "{pinned}");
        api.assert_valid("POST", "/api/v1/statuses/{id}/pin", 200, &pinned);
        assert_eq!(pinned["pinned"], true);
    }
    let (status, body) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{}/pin", ids[5]),
            &jo,
        )
        .await;
    assert_eq!(status, 422, "a sixth pin: {body}");
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{}/pin", ids[0]),
            &sam,
        )
        .await;
    assert_eq!(status, 422, "someone else's post");

    let jo_id = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=jo", &sam)
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/accounts/{jo_id}/statuses?pinned=true");
    let (_, pinned) = node.api(Method::GET, &path, &sam).await;
    api.assert_valid("GET", "/api/v1/accounts/{id}/statuses", 200, &pinned);
    let shown: Vec<&str> = pinned
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(shown, [&ids[4], &ids[3], &ids[2], &ids[1], &ids[0]]);

    let (_, unpinned) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{}/unpin", ids[2]),
            &jo,
        )
        .await;
    assert_eq!(unpinned["pinned"], false);
    let featured = activity_json(&node, "/users/jo/featured").await;
    assert_eq!(featured["type"], "OrderedCollection");
    assert_eq!(featured["totalItems"], 4, "{featured}");
    assert_eq!(featured["orderedItems"][0]["type"], "Note");
    let actor = activity_json(&node, "/users/jo").await;
    assert_eq!(actor["featured"], node.url("/users/jo/featured"));
}

#[tokio::test]
async fn the_bell_tells_of_each_new_post() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let jo_id = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=jo", &sam)
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, relationship) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{jo_id}/follow"),
            &sam,
            json!({"notify": true}),
        )
        .await;
    assert_eq!(relationship["notifying"], true);
    let post = node.post(&jo, "Consultation opens today").await;
    let (_, told) = node
        .api(Method::GET, "/api/v1/notifications?types[]=status", &sam)
        .await;
    MastodonApi::get().assert_valid("GET", "/api/v1/notifications", 200, &told);
    assert_eq!(told.as_array().unwrap().len(), 1, "{told}");
    assert_eq!(told[0]["status"]["id"], post["id"]);

    // The bell off: following again changes only that.
    let (_, relationship) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{jo_id}/follow"),
            &sam,
            json!({"notify": false}),
        )
        .await;
    assert_eq!(relationship["notifying"], false);
    assert_eq!(relationship["following"], true);
    node.post(&jo, "A second post").await;
    let (_, told) = node
        .api(Method::GET, "/api/v1/notifications?types[]=status", &sam)
        .await;
    assert_eq!(told.as_array().unwrap().len(), 1);
}
