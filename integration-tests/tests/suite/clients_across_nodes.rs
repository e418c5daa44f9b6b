//! The client API across two real nodes, as two people in different
//! councils use it from their apps: they follow each other, read each
//! other's posts at home, are notified of follows, mentions and
//! favourites, boost each other's posts, and find a post that only the
//! other node has.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::{follow_across, in_home, resolved_posts};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn post(node: &ProcessNode, token: &str, text: &str) -> Value {
    let (status, body) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            token,
            json!({"status": text}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits until `token`'s notifications hold one of `kind` from `from`.
async fn notified(node: &ProcessNode, token: &str, kind: &str, from: &str) -> Value {
    wait::until(&format!("a {kind} notification from {from}"), || async {
        let (_, list) = node.api(Method::GET, "/api/v1/notifications", token).await;
        list.as_array()?
            .iter()
            .find(|n| n["type"] == kind && n["account"]["acct"] == from)
            .cloned()
    })
    .await
}

async fn boost(node: &ProcessNode, token: &str, id: &str) {
    let path = format!("/api/v1/statuses/{id}/reblog");
    let (status, body) = node.api(Method::POST, &path, token).await;
    assert_eq!(status, 200, "{body}");
}

async fn home_has(node: &ProcessNode, token: &str, text: &str) -> Value {
    wait::until(&format!("`{text}` at home"), || in_home(node, token, text)).await
}

#[tokio::test]
async fn two_people_on_two_nodes_follow_read_notify_and_search() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let ana = a.create_user("ana", "read write follow");
    let ben = b.create_user("ben", "read write follow");
    let cleo = b.create_user("cleo", "read write follow");
    let api = MastodonApi::get();

    follow_across(&a, &ana, &b, "ben").await;
    follow_across(&b, &ben, &a, "ana").await;
    let followed = notified(&b, &ben, "follow", &a.handle("ana")).await;
    api.assert_valid("GET", "/api/v1/notifications/{id}", 200, &followed);
    notified(&a, &ana, "follow", &b.handle("ben")).await;

    // Each sees the other's posts at home.
    post(&b, &ben, "Our parking permit pilot starts Monday").await;
    post(&a, &ana, "We tried permits last year: notes to follow").await;
    home_has(&a, &ana, "parking permit pilot").await;
    let from_ana = home_has(&b, &ben, "notes to follow").await;
    api.assert_valid("GET", "/api/v1/statuses/{id}", 200, &from_ana);

    // A mention and a favourite, each notified on the other node.
    post(
        &a,
        &ana,
        &format!("@{} can we compare results?", b.handle("ben")),
    )
    .await;
    let mention = notified(&b, &ben, "mention", &a.handle("ana")).await;
    assert!(mention["status"]["content"]
        .as_str()
        .unwrap()
        .contains("compare results"));
    let id = from_ana["id"].as_str().unwrap();
    let (status, _) = b
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{id}/favourite"),
            &ben,
        )
        .await;
    assert_eq!(status, 200);
    let favourite = notified(&a, &ana, "favourite", &b.handle("ben")).await;
    assert!(favourite["status"]["content"]
        .as_str()
        .unwrap()
        .contains("notes to follow"));

    // A post only B has: nobody on A follows Cleo.
    let only_on_b = post(&b, &cleo, "Winter gritting routes, 2026 edition").await;
    let uri = only_on_b["uri"].as_str().unwrap();
    let (_, unresolved) = a
        .api(
            Method::GET,
            &format!("/api/v2/search?q={uri}&type=statuses"),
            &ana,
        )
        .await;
    assert_eq!(
        unresolved["statuses"],
        json!([]),
        "not known before resolving"
    );
    assert_eq!(resolved_posts(&a, &ana, uri).await, 1);
    let (status, found) = a
        .api(
            Method::GET,
            &format!("/api/v2/search?q={uri}&resolve=true&type=statuses"),
            &ana,
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v2/search", 200, &found);
    assert_eq!(found["statuses"][0]["account"]["acct"], b.handle("cleo"));

    // Boosts cross too: Ben shares Cleo's post with his followers, Ana
    // among them; Ana's boost of Ben's post is news to Ben.
    boost(&b, &ben, only_on_b["id"].as_str().unwrap()).await;
    let shared = home_has(&a, &ana, "Winter gritting routes").await;
    assert_eq!(shared["boosted_by"]["acct"], b.handle("ben"));
    let bens = home_has(&a, &ana, "parking permit pilot").await;
    boost(&a, &ana, bens["id"].as_str().unwrap()).await;
    notified(&b, &ben, "reblog", &a.handle("ana")).await;
}
