//! What a person types in an app is shown as they typed it: plain text with
//! its web addresses, mentions and hashtags as links (as Mastodon shows it),
//! or Markdown when the app or the person's setting asks for it; on the
//! author's node and on the node of the person mentioned alike.

use moot_testkit::social::resolve;
use moot_testkit::wait;
use moot_testkit::web::WebClient;
use moot_testkit::ProcessNode;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

/// The `href`s of the links in a post's HTML, in order.
fn links(content: &str) -> Vec<String> {
    content
        .split("<a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

fn check_typed_post(post: &Value, bob_profile: &str, tag_page: &str) {
    let content = post["content"].as_str().unwrap();
    assert_eq!(
        links(content),
        vec!["https://example.org/report", tag_page, bob_profile],
        "{content}"
    );
    assert!(content.contains("2*3*4"), "{content}");
    assert!(content.contains("class=\"u-url mention\""), "{content}");
    assert!(content.contains("class=\"mention hashtag\""), "{content}");
    let tags: Vec<&str> = post["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["housing"], "{post}");
}

#[tokio::test]
async fn a_post_typed_in_an_app_links_its_address_hashtag_and_mention_on_both_nodes() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    resolve(&a, &alice, &b.handle("bob")).await;

    let typed = format!(
        "Read https://example.org/report #Housing @{} 2*3*4",
        b.handle("bob")
    );
    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": typed, "visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let bob_profile = format!("{}/@bob", b.base_url);
    check_typed_post(&post, &bob_profile, &format!("{}/tags/housing", a.base_url));
    assert_eq!(post["mentions"][0]["acct"], b.handle("bob"), "{post}");
    assert_eq!(post["mentions"][0]["url"], bob_profile.as_str());

    // On Bob's node: a mention of Bob, with the same links and tag.
    let copy = wait::until("Bob is told of the mention", || async {
        let (_, found) = b
            .api(Method::GET, "/api/v1/notifications?types[]=mention", &bob)
            .await;
        found.as_array()?.first().map(|n| n["status"].clone())
    })
    .await;
    check_typed_post(&copy, &bob_profile, &format!("{}/tags/housing", a.base_url));
    assert_eq!(copy["mentions"][0]["acct"], "bob", "{copy}");
    let (_, tagged) = b
        .api(Method::GET, "/api/v1/timelines/tag/housing", &bob)
        .await;
    assert_eq!(tagged[0]["id"], copy["id"], "{tagged}");

    // Markdown when the app asks for it.
    let (status, marked) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": "# Agenda\n\n**damp** and #Housing", "content_type": "text/markdown"}),
        )
        .await;
    assert_eq!(status, 200, "{marked}");
    let content = marked["content"].as_str().unwrap();
    assert!(content.contains("<h1>Agenda</h1>"), "{content}");
    assert!(content.contains("<strong>damp</strong>"), "{content}");
    assert!(content.contains("class=\"mention hashtag\""), "{content}");

    let (status, refused) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": "x", "content_type": "text/html"}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"].as_str().unwrap().contains("content_type"));
}

#[tokio::test]
async fn a_person_who_prefers_markdown_gets_it_from_apps_that_do_not_say() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write").await;
    let post = |text: &'static str| {
        let (node, token) = (&node, token.clone());
        async move {
            let (status, post) = node
                .api_json(
                    Method::POST,
                    "/api/v1/statuses",
                    &token,
                    json!({"status": text}),
                )
                .await;
            assert_eq!(status, 200, "{post}");
            post["content"].as_str().unwrap().to_owned()
        }
    };
    assert!(post("**plain** by default").await.contains("**plain**"));

    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", "a long enough password").await;
    let saved = jo
        .submit(
            "/settings",
            "/settings/writing",
            &[("format", "text/markdown")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(jo
        .get("/settings")
        .await
        .body
        .contains("value=\"text/markdown\" checked"));
    assert!(post("**marked** now")
        .await
        .contains("<strong>marked</strong>"));
}
