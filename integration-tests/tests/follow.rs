//! Following across two real nodes over HTTP: WebFinger resolution, a signed
//! Follow through the outbox, and the Accept coming back.

use moot_testkit::{wait, TestNode};
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn a_person_follows_a_person_on_another_node() {
    let a = TestNode::start().await;
    let b = TestNode::start().await;
    let alice = a.create_user("alice", "read write follow").await;
    let bob = b.create_user("bob", "read write follow").await;

    // Alice finds Bob through her own node.
    let (status, found) = a
        .api(
            Method::GET,
            &format!(
                "/api/v2/search?q=@{}&resolve=true&type=accounts",
                b.handle("bob")
            ),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    let bob_on_a = &found["accounts"][0];
    assert_eq!(bob_on_a["acct"], b.handle("bob"), "{found}");
    let bob_id = bob_on_a["id"].as_str().unwrap().to_owned();

    // She follows him: pending until his node accepts.
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

    // On B, Bob has one follower; on A, Alice follows one person.
    let (_, bob_on_b) = b
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
        .await;
    assert_eq!(bob_on_b["followers_count"], 1, "{bob_on_b}");
    let (_, alice_self) = a
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &alice)
        .await;
    assert_eq!(alice_self["following_count"], 1, "{alice_self}");

    // Following again changes nothing and sends nothing new.
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);
    a.stop().await;
    b.stop().await;
}
