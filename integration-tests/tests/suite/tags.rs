//! Hashtags, local and from other nodes: tag timelines, tags and mentions
//! on posts, hashtag search.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::follow_by_uri;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::json;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The contents of the `gritting` tag timeline, newest first.
async fn tagged(node: &TestNode, token: &str, query: &str) -> Vec<String> {
    let (status, posts) = node
        .api(
            Method::GET,
            &format!("/api/v1/timelines/tag/gritting{query}"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{posts}");
    MastodonApi::get().assert_valid("GET", "/api/v1/timelines/tag/{hashtag}", 200, &posts);
    posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn hashtags_make_tag_timelines_from_here_and_elsewhere() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    node.create_user("sam", "read write follow").await;

    let first = node
        .post(&jo, "Our #Gritting plan, with @sam for the depot")
        .await;
    api.assert_valid("POST", "/api/v1/statuses", 200, &first);
    assert_eq!(first["tags"][0]["name"], "gritting", "{first}");
    assert_eq!(first["mentions"][0]["acct"], "sam");
    node.post(&jo, "Nothing tagged here").await;
    let (_, private) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "Followers only #gritting", "visibility": "private"}),
        )
        .await;
    assert_eq!(private["tags"][0]["name"], "gritting");

    // A post from another node, its tag marked up as Mastodon does.
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");
    follow_by_uri(&node.http, &node.base_url, &jo, &ana).await;
    let note = format!("{}/notes/1", peer.base_url);
    let create = json!({
        "id": format!("{}/creates/1", peer.base_url), "type": "Create", "actor": ana,
        "to": [PUBLIC],
        "object": {"id": note, "type": "Note", "attributedTo": ana, "to": [PUBLIC],
                   "content": "<p>Salt barns full <a href=\"https://x.example/tags/gritting\" class=\"mention hashtag\">#<span>gritting</span></a></p>"},
    });
    let (status, body) = peer.post_signed("ana", &node.url("/inbox"), &create).await;
    assert_eq!(status, 202, "{body}");

    let all = wait::until("the remote post is tagged", || async {
        let all = tagged(&node, &jo, "").await;
        (all.len() == 2).then_some(all)
    })
    .await;
    assert!(
        all[0].contains("Salt barns") && all[1].contains("<span>Gritting</span></a> plan"),
        "{all:?}"
    );
    assert_eq!(tagged(&node, &jo, "?local=true").await.len(), 1);
    let remote = tagged(&node, &jo, "?remote=true").await;
    assert!(remote.len() == 1 && remote[0].contains("Salt barns"));

    let (_, found) = node
        .api(Method::GET, "/api/v2/search?q=%23grit&type=hashtags", &jo)
        .await;
    api.assert_valid("GET", "/api/v2/search", 200, &found);
    assert_eq!(found["hashtags"][0]["name"], "gritting", "{found}");
    let (status, tag) = node.api(Method::GET, "/api/v1/tags/Gritting", &jo).await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/tags/{name}", 200, &tag);

    // An edit that drops the tag takes the post off the timeline.
    let id = first["id"].as_str().unwrap();
    let (status, edited) = node
        .api_json(
            Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            &jo,
            json!({"status": "Our plan, untagged"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(edited["tags"], json!([]));
    let left: Vec<String> = tagged(&node, &jo, "").await;
    assert_eq!(left.len(), 1, "{left:?}");
}

#[tokio::test]
async fn a_followed_hashtag_brings_public_posts_home() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let (status, tag) = node
        .api(Method::POST, "/api/v1/tags/Flooding/follow", &kim)
        .await;
    assert_eq!(status, 200, "{tag}");
    api.assert_valid("POST", "/api/v1/tags/{name}/follow", 200, &tag);
    assert_eq!(tag["following"], true);
    node.post(&jo, "Sandbags at the depot #flooding").await;
    node.post(&jo, "Untagged").await;
    node.api_json(
        Method::POST,
        "/api/v1/statuses",
        &jo,
        json!({"status": "Followers only #flooding", "visibility": "private"}),
    )
    .await;
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", &kim).await;
    let texts: Vec<&str> = home
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["content"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("Sandbags"));
    let (_, followed) = node.api(Method::GET, "/api/v1/followed_tags", &kim).await;
    api.assert_valid("GET", "/api/v1/followed_tags", 200, &followed);
    assert_eq!(followed[0]["name"], "flooding");
    let (_, shown) = node.api(Method::GET, "/api/v1/tags/flooding", &kim).await;
    assert_eq!(shown["following"], true);
    node.api(Method::POST, "/api/v1/tags/flooding/unfollow", &kim)
        .await;
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", &kim).await;
    assert_eq!(home, json!([]));
    let (status, _) = node
        .api(Method::POST, "/api/v1/tags/not%20a%20tag/follow", &kim)
        .await;
    assert_eq!(status, 404);
}
