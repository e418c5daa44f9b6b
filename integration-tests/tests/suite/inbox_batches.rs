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

/// A node whose reader follows ana, on a peer.
struct Start {
    node: TestNode,
    peer: FakePeer,
    /// The reader's token.
    reader: String,
    reader_uri: String,
    /// Ana's account id on the node.
    ana_id: String,
}

/// The reader follows ana (and asks to hear of her posts), and ana's
/// server accepts.
async fn start() -> Start {
    let node = TestNode::start().await;
    let reader = node.create_user("reader", "read write follow").await;
    let reader_uri = node.url("/users/reader");
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");
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
    Start {
        node,
        peer,
        reader,
        reader_uri,
        ana_id,
    }
}

/// A writer whose database connection was cut (the database restarted, its
/// backend killed) opens a new one: no post is refused for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_whose_connection_was_cut_opens_a_new_one() {
    let run = start().await;
    let inbox = run.node.url("/inbox");
    let (peer, inbox, reader_uri) = (&run.peer, &inbox, &run.reader_uri);
    let send = |n: usize| async move {
        let note = create(peer, n, reader_uri);
        peer.post_signed("ana", inbox, &note).await
    };
    // One at a time, so that the writers take turns: each opens its own.
    for n in 0..4 {
        let (status, body) = send(n).await;
        assert_eq!(status, 202, "{body}");
    }

    // The writers' connections are cut.
    let database = &run.node.database.url;
    let (client, connection) = tokio_postgres::connect(database, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let cut = client
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = $1",
            &[&moot_app::received_posts::WRITER_NAME],
        )
        .await
        .unwrap();
    let cut: Vec<bool> = cut.iter().map(|row| row.get(0)).collect();
    assert!(!cut.is_empty() && cut.iter().all(|c| *c), "cut: {cut:?}");

    for n in 4..8 {
        let (status, body) = send(n).await;
        assert_eq!(status, 202, "post {n} after the cut: {body}");
    }
    let path = format!("/api/v1/accounts/{}/statuses", run.ana_id);
    let (_, posts) = run.node.api(Method::GET, &path, &run.reader).await;
    assert_eq!(posts.as_array().map(Vec::len), Some(8), "{posts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_posts_is_stored_as_each_would_be_alone() {
    let Start {
        node,
        peer,
        reader,
        reader_uri,
        ana_id,
    } = start().await;

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
