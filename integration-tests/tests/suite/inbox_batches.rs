//! Posts arriving together are stored together (see
//! `moot_app::received_posts`): a burst of them, sent at once, must come
//! out exactly as if each had been stored alone: once each, replies linked
//! to parents that arrived in the same burst, hashtags, and the
//! notifications of those subscribed to the author, and one streaming
//! `update` for each post.

use futures_util::future::join_all;
use std::collections::HashSet;

use moot_testkit::{sse, wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
const POSTS: usize = 30;
/// Arrives before the post it answers, which comes in the burst.
const REPLY: usize = 5;
const PARENT: usize = 20;
/// Mentions the reader: stored the one-at-a-time way, beside the others.
const MENTION: usize = 7;
/// Sent three times at once.
const REPEATED: usize = 3;

fn note_id(peer: &FakePeer, n: usize) -> String {
    format!("{}/notes/{n}", peer.base_url)
}

fn create(peer: &FakePeer, n: usize, reader: &str) -> Value {
    let ana = peer.actor("ana");
    let tag = if n % 2 == 1 { " #roads" } else { "" };
    let mut note = json!({
        "id": note_id(peer, n), "type": "Note", "attributedTo": ana,
        "to": [PUBLIC], "cc": [format!("{ana}/followers")],
        "content": format!("<p>Report {n}{tag}</p>"),
    });
    if n == REPLY {
        note["inReplyTo"] = json!(note_id(peer, PARENT));
    }
    if n == MENTION {
        note["cc"] = json!([reader]);
        note["tag"] = json!([{"type": "Mention", "href": reader}]);
    }
    json!({
        "id": format!("{}/creates/{n}", peer.base_url), "type": "Create", "actor": ana,
        "to": note["to"], "cc": note["cc"], "object": note,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_posts_is_stored_as_each_would_be_alone() {
    let node = TestNode::start().await;
    let reader = node.create_user("reader", "read write follow").await;
    let reader_uri = node.url("/users/reader");
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");

    // The reader follows ana and asks to hear of her posts.
    let found = node
        .resolve_account(&reader, &format!("ana@{}", peer.host()))
        .await;
    let ana_id = found["id"].as_str().expect("ana found").to_owned();
    let (status, _) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{ana_id}/follow"),
            &reader,
            json!({"notify": true}),
        )
        .await;
    assert_eq!(status, 200);
    let follow = wait::until("the Follow reaches ana", || async {
        peer.received().into_iter().find(|a| a["type"] == "Follow")
    })
    .await;
    let accept = json!({
        "id": format!("{}/accepts/1", peer.base_url), "type": "Accept",
        "actor": ana, "object": follow,
    });
    let (status, body) = peer.post_signed("ana", &node.url("/inbox"), &accept).await;
    assert_eq!(status, 202, "{body}");

    let stream = node
        .http
        .get(node.url("/api/v1/streaming/public"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut stream = Box::pin(stream.bytes_stream());

    let inbox = node.url("/inbox");
    let reply = create(&peer, REPLY, &reader_uri);
    let (status, body) = peer.post_signed("ana", &inbox, &reply).await;
    assert_eq!(status, 202, "{body}");

    // The rest at once, one post three times over.
    let mut burst: Vec<Value> = (0..POSTS)
        .filter(|n| *n != REPLY)
        .map(|n| create(&peer, n, &reader_uri))
        .collect();
    burst.push(create(&peer, REPEATED, &reader_uri));
    burst.push(create(&peer, REPEATED, &reader_uri));
    let answers = join_all(burst.iter().map(|a| peer.post_signed("ana", &inbox, a))).await;
    for (status, body) in &answers {
        assert_eq!(*status, 202, "{body}");
    }

    // Accepted means stored: no waiting.
    let (_, posts) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{ana_id}/statuses?limit=40"),
            &reader,
        )
        .await;
    let posts = posts.as_array().expect("a list");
    assert_eq!(posts.len(), POSTS, "each post once");
    let by_text = |n: usize| {
        let (bare, tagged) = (format!("Report {n}<"), format!("Report {n} "));
        posts
            .iter()
            .find(|p| {
                let content = p["content"].as_str().unwrap();
                content.contains(&bare) || content.contains(&tagged)
            })
            .unwrap_or_else(|| panic!("post {n} stored"))
    };
    assert_eq!(
        by_text(REPLY)["in_reply_to_id"],
        by_text(PARENT)["id"],
        "the reply found its parent"
    );

    let (_, tagged) = node
        .api(Method::GET, "/api/v1/timelines/tag/roads?limit=40", &reader)
        .await;
    assert_eq!(tagged.as_array().unwrap().len(), POSTS / 2);

    let (_, notes) = node
        .api(Method::GET, "/api/v1/notifications?limit=80", &reader)
        .await;
    let kinds: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    let count = |kind: &str| kinds.iter().filter(|k| **k == kind).count();
    // Every post but the reply tells the subscriber; the mention also mentions.
    assert_eq!(count("status"), POSTS - 1, "{kinds:?}");
    assert_eq!(count("mention"), 1, "{kinds:?}");

    // Posts inserted together are announced together; each reaches clients.
    let mut streamed = HashSet::new();
    let mut buffer = String::new();
    while streamed.len() < POSTS {
        let update: Value =
            serde_json::from_str(&sse::next(&mut stream, &mut buffer, "update").await).unwrap();
        assert!(
            streamed.insert(update["id"].as_str().unwrap().to_owned()),
            "each post streamed once: {update}"
        );
    }
}
