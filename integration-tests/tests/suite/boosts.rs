//! Boosts: a person shares a post with their followers, and a group shares
//! what is posted in it with its members; both show in home timelines as
//! Mastodon clients expect them (the booster's entry, the post inside).

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

/// The entries of `token`'s home timeline.
async fn home(node: &TestNode, token: &str) -> Vec<Value> {
    let (status, home) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    assert_eq!(status, 200, "{home}");
    MastodonApi::get().assert_valid("GET", "/api/v1/timelines/home", 200, &home);
    home.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_boost_reaches_the_boosters_followers_and_can_be_taken_back() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let (_, sam_account) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=sam", &kim)
        .await;
    let sam_id = sam_account["id"].as_str().unwrap();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{sam_id}/follow"),
            &kim,
        )
        .await;
    assert_eq!(status, 200);
    let post = node.post(&jo, "Winter gritting routes are out").await;
    let id = post["id"].as_str().unwrap();
    assert!(home(&node, &kim).await.is_empty(), "kim follows only sam");

    let boost_path = format!("/api/v1/statuses/{id}/reblog");
    let (status, boost) = node.api(Method::POST, &boost_path, &sam).await;
    assert_eq!(status, 200, "{boost}");
    api.assert_valid("POST", "/api/v1/statuses/{id}/reblog", 200, &boost);
    assert_eq!(boost["reblog"]["id"], id);
    assert_eq!(boost["account"]["username"], "sam");
    assert_eq!(boost["reblog"]["reblogged"], true);
    assert_eq!(boost["reblog"]["reblogs_count"], 1);
    // Boosting again is the same boost.
    let (_, again) = node.api(Method::POST, &boost_path, &sam).await;
    assert_eq!(again["id"], boost["id"]);

    let kims = home(&node, &kim).await;
    assert_eq!(kims.len(), 1, "{kims:?}");
    assert_eq!(kims[0]["id"], boost["id"]);
    assert_eq!(kims[0]["reblog"]["content"], post["content"]);
    let (_, told) = node
        .api(Method::GET, "/api/v1/notifications?types[]=reblog", &jo)
        .await;
    assert_eq!(told[0]["account"]["username"], "sam", "{told}");
    let (_, by) = node
        .api(
            Method::GET,
            &format!("/api/v1/statuses/{id}/reblogged_by"),
            &kim,
        )
        .await;
    assert_eq!(by[0]["username"], "sam", "{by}");
    let (_, profile) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{sam_id}/statuses"),
            &kim,
        )
        .await;
    api.assert_valid("GET", "/api/v1/accounts/{id}/statuses", 200, &profile);
    assert_eq!(profile[0]["reblog"]["id"], id, "{profile}");
    let (_, without) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{sam_id}/statuses?exclude_reblogs=true"),
            &kim,
        )
        .await;
    assert_eq!(without, json!([]));

    let (status, undone) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{id}/unreblog"),
            &sam,
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid("POST", "/api/v1/statuses/{id}/unreblog", 200, &undone);
    assert_eq!(undone["reblogged"], false);
    assert_eq!(undone["reblogs_count"], 0);
    assert!(home(&node, &kim).await.is_empty());
}

#[tokio::test]
async fn only_posts_for_everyone_can_be_boosted() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let (_, post) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "For my followers", "visibility": "private"}),
        )
        .await;
    let id = post["id"].as_str().unwrap();
    let (status, body) = node
        .api(Method::POST, &format!("/api/v1/statuses/{id}/reblog"), &jo)
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("boosted"));
    let (status, _) = node
        .api(Method::POST, "/api/v1/statuses/999999/reblog", &jo)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn group_posts_reach_members_as_the_groups_boosts() {
    let node = TestNode::start().await;
    let owner = node.create_user("owner", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let (status, group) = node
        .api_json(
            Method::POST,
            "/api/moot/v1/groups",
            &owner,
            json!({"name": "highways", "membership": "open"}),
        )
        .await;
    assert_eq!(status, 200, "{group}");
    let group_id = group["id"].as_str().unwrap();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{group_id}/follow"),
            &kim,
        )
        .await;
    assert_eq!(status, 200);

    let post = node
        .post(&owner, "@highways Salt stocks for the winter")
        .await;
    // The group is listed among the post's mentions on the author's node.
    assert_eq!(post["mentions"][0]["acct"], "highways", "{post}");
    let kims = home(&node, &kim).await;
    assert_eq!(kims.len(), 1, "{kims:?}");
    assert_eq!(kims[0]["account"]["id"], group_id);
    assert_eq!(kims[0]["account"]["group"], true);
    assert_eq!(kims[0]["reblog"]["id"], post["id"]);
    // The author sees their own post once, as their own.
    let owners = home(&node, &owner).await;
    assert_eq!(owners.len(), 1, "{owners:?}");
    assert_eq!(owners[0]["id"], post["id"]);
    assert!(owners[0]["reblog"].is_null());
    // The group's profile lists what was posted in it.
    let (_, listed) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{group_id}/statuses"),
            &kim,
        )
        .await;
    assert_eq!(listed[0]["reblog"]["id"], post["id"], "{listed}");
}
