//! A post's first link gets a preview card (title, description, picture)
//! from the linked page, fetched once in the background and kept; a node
//! can turn previews off.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PAGE: &str = r#"<!doctype html><html><head>
<title>Report 2026</title>
<meta property="og:title" content="Winter gritting report">
<meta property="og:description" content="How the routes held up in the cold snap.">
<meta property="og:image" content="/pictures/map.png">
<meta property="og:site_name" content="Council B">
</head><body><h1>Report</h1></body></html>"#;

async fn shown(node: &TestNode, token: &str, id: &str) -> Value {
    let (status, post) = node
        .api(Method::GET, &format!("/api/v1/statuses/{id}"), token)
        .await;
    assert_eq!(status, 200, "{post}");
    MastodonApi::get().assert_valid("GET", "/api/v1/statuses/{id}", 200, &post);
    post
}

#[tokio::test]
async fn the_first_link_of_a_post_gets_a_card_from_the_page() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let peer = FakePeer::start().await;
    peer.put_page("/report", PAGE);
    let page = format!("{}/report", peer.base_url);

    let id = node
        .post(&jo, &format!("#Gritting: read {page} today"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = wait::until("the card is made", || async {
        let post = shown(&node, &jo, &id).await;
        (!post["card"].is_null()).then(|| post["card"].clone())
    })
    .await;
    assert_eq!(card["url"], page.as_str());
    assert_eq!(card["title"], "Winter gritting report");
    assert_eq!(
        card["description"],
        "How the routes held up in the cold snap."
    );
    assert_eq!(
        card["image"],
        format!("{}/pictures/map.png", peer.base_url).as_str()
    );
    assert_eq!(card["provider_name"], "Council B");
    assert_eq!(card["type"], "link");

    // Another post with the same link: the card kept is used.
    let again = node.post(&jo, &format!("Again: {page}")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait::until("the second post has the card", || async {
        let post = shown(&node, &jo, &again).await;
        (post["card"]["title"] == "Winter gritting report").then_some(())
    })
    .await;
    assert_eq!(peer.page_fetches("/report"), 1, "fetched once");

    // What is not a web page gives no card.
    peer.put(
        "/data",
        json!({"id": format!("{}/data", peer.base_url), "type": "Note"}),
    );
    let plain = node
        .post(&jo, &format!("Data: {}/data", peer.base_url))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(shown(&node, &jo, &plain).await["card"].is_null());
}

#[tokio::test]
async fn a_node_with_previews_off_fetches_no_page() {
    let node = TestNode::start_with(|s| s.federation.link_previews = false).await;
    let jo = node.create_user("jo", "read write").await;
    let peer = FakePeer::start().await;
    peer.put_page("/report", PAGE);
    let id = node
        .post(&jo, &format!("Read {}/report", peer.base_url))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(shown(&node, &jo, &id).await["card"].is_null());
    assert_eq!(peer.page_fetches("/report"), 0);
}
