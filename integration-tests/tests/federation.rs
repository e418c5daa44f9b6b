//! Several real `moot serve` processes, each on its own database, talking
//! ActivityPub over HTTP. Tests act only through public interfaces: the
//! client API, the CLI and the ActivityPub endpoints.

use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::Value;

/// Resolves `handle` from `node` as `token`'s owner would; returns the local id.
async fn resolve(node: &ProcessNode, token: &str, handle: &str) -> String {
    let (status, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q=@{handle}&resolve=true&type=accounts"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["accounts"][0]["acct"], handle, "{found}");
    found["accounts"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_person_follows_a_person_on_another_node() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");

    let bob_id = resolve(&a, &alice, &b.handle("bob")).await;
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{rel}");
    // Requested until the Accept arrives (it may already have).
    assert!(
        rel["requested"] == true || rel["following"] == true,
        "{rel}"
    );

    wait::until("the Accept reaches A", || async {
        let (_, rels) = a
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={bob_id}"),
                &alice,
            )
            .await;
        (rels[0]["following"] == Value::Bool(true)).then_some(())
    })
    .await;

    let (_, bob_self) = b
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
        .await;
    assert_eq!(bob_self["followers_count"], 1, "{bob_self}");
    let (_, alice_self) = a
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &alice)
        .await;
    assert_eq!(alice_self["following_count"], 1, "{alice_self}");

    // Following again changes nothing.
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);
}
