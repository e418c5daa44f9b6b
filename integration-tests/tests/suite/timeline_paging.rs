//! Timelines page as Mastodon clients read them: `max_id` for older posts,
//! `since_id` for the newest posts above one, `min_id` for the posts just
//! above one (filling a gap upwards), always newest first, with `Link`
//! headers that lead to the next and previous pages.

use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

const POSTS: usize = 7;

async fn ids(node: &TestNode, token: &str, path: &str) -> Vec<String> {
    let (status, page) = node.api(Method::GET, path, token).await;
    assert_eq!(status, 200, "{path}: {page}");
    page.as_array()
        .unwrap_or_else(|| panic!("{path}: a list"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `rel="prev"` link of a page, as a path and query.
async fn prev_link(node: &TestNode, token: &str, path: &str) -> String {
    let response = node
        .http
        .get(node.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    let prev = link
        .split(", ")
        .find(|l| l.ends_with("rel=\"prev\""))
        .expect("a prev link");
    let url = prev.trim_start_matches('<').split('>').next().unwrap();
    let url = url::Url::parse(url).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_timeline_pages_up_and_down() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let (_, found) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=sam", &jo)
        .await;
    let sam_id = found["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{sam_id}/follow"),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    let (status, list) = node
        .api_json(
            Method::POST,
            "/api/v1/lists",
            &jo,
            json!({"title": "Roads"}),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let list_id = list["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/lists/{list_id}/accounts"),
            &jo,
            json!({"account_ids": [sam_id]}),
        )
        .await;
    assert_eq!(status, 200);

    let mut posts = Vec::new();
    for n in 0..POSTS {
        let post: Value = node.post(&sam, &format!("Gritting route {n} #roads")).await;
        posts.push(post["id"].as_str().unwrap().to_owned());
    }
    let newest_first = |range: std::ops::Range<usize>| -> Vec<String> {
        range.rev().map(|n| posts[n].clone()).collect()
    };

    for timeline in [
        "/api/v1/timelines/home".to_owned(),
        "/api/v1/timelines/public?local=true".to_owned(),
        "/api/v1/timelines/tag/roads".to_owned(),
        format!("/api/v1/timelines/list/{list_id}"),
        format!("/api/v1/accounts/{sam_id}/statuses"),
    ] {
        let at = |query: &str| match timeline.contains('?') {
            true => format!("{timeline}&{query}"),
            false => format!("{timeline}?{query}"),
        };
        assert_eq!(
            ids(&node, &jo, &at("limit=3")).await,
            newest_first(4..7),
            "{timeline}: the newest"
        );
        let older = at(&format!("limit=3&max_id={}", posts[4]));
        assert_eq!(ids(&node, &jo, &older).await, newest_first(1..4), "{older}");
        let since = at(&format!("limit=3&since_id={}", posts[1]));
        assert_eq!(ids(&node, &jo, &since).await, newest_first(4..7), "{since}");
        let min = at(&format!("limit=3&min_id={}", posts[1]));
        assert_eq!(ids(&node, &jo, &min).await, newest_first(2..5), "{min}");
        let between = at(&format!("min_id={}&max_id={}", posts[1], posts[5]));
        assert_eq!(
            ids(&node, &jo, &between).await,
            newest_first(2..5),
            "{between}"
        );
        // The previous page of the oldest three is the three above them.
        let prev = prev_link(&node, &jo, &older).await;
        assert_eq!(ids(&node, &jo, &prev).await, newest_first(4..7), "{prev}");
    }
}
