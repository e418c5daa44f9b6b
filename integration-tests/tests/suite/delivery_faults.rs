//! Delivery against peers that fail: a peer that is down for a while does
//! not hold up the others and catches up in order; an activity a peer
//! refuses does not block the ones after it.

use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::json;

/// The contents of the posts a peer received, in arrival order.
fn posts(peer: &FakePeer) -> Vec<String> {
    peer.received()
        .iter()
        .filter(|a| a["type"] == "Create")
        .map(|a| {
            a["object"]["source"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn follower_on(node: &TestNode, peer: &FakePeer) {
    let actor = peer.add_actor("reader");
    let follow = json!({"id": format!("{actor}/follows/1"), "type": "Follow", "actor": actor,
                        "object": node.url("/users/author")});
    let (status, body) = peer
        .post_signed("reader", &node.url("/inbox"), &follow)
        .await;
    assert_eq!(status, 202, "{body}");
}

#[tokio::test]
async fn failing_and_refusing_peers_get_what_they_should_in_order() {
    let node = TestNode::start().await;
    let token = node.create_user("author", "read write").await;
    let (down_for_a_while, up, picky) = (
        FakePeer::start().await,
        FakePeer::start().await,
        FakePeer::start().await,
    );
    // Each peer's first delivery is the Accept of its follow.
    down_for_a_while.answer_next(&[202, 503, 500, 503]);
    picky.answer_next(&[202, 202, 400]);
    for peer in [&down_for_a_while, &up, &picky] {
        follower_on(&node, peer).await;
    }
    wait::until("every follow is accepted", || async {
        let (_, me) = node
            .api(Method::GET, "/api/v1/accounts/verify_credentials", &token)
            .await;
        (me["followers_count"] == 3).then_some(())
    })
    .await;

    let expected: Vec<String> = (1..=5).map(|i| format!("update {i}")).collect();
    for text in &expected {
        let (status, _) = node
            .api_json(
                Method::POST,
                "/api/v1/statuses",
                &token,
                json!({"status": text}),
            )
            .await;
        assert_eq!(status, 200);
    }

    // The healthy peer has everything while the other is still failing.
    wait::until("the healthy peer has all five", || async {
        (posts(&up) == expected).then_some(())
    })
    .await;
    assert!(
        posts(&down_for_a_while).len() < 5,
        "the failing peer is behind"
    );
    // Back up, the failing peer catches up, in order, with no duplicate.
    let caught_up = wait::until("the failing peer catches up", || async {
        let got = posts(&down_for_a_while);
        (got.len() >= 5).then_some(got)
    })
    .await;
    assert_eq!(caught_up, expected);
    // The peer that refused the second post got all the others after it.
    let mut without_second = expected.clone();
    without_second.remove(1);
    wait::until("the picky peer has the rest", || async {
        (posts(&picky) == without_second).then_some(())
    })
    .await;
}

#[tokio::test]
async fn several_requests_per_peer_under_a_small_total_deliver_everything_once() {
    // Four requests at once per peer, but only two in total: the windows
    // share the process-wide limit, and batches (32 activities) roll over.
    let node = TestNode::start_with(|s| {
        s.delivery.per_peer_concurrency = 4;
        s.delivery.concurrency = 2;
    })
    .await;
    let token = node.create_user("author", "read write").await;
    let peers = [
        FakePeer::start().await,
        FakePeer::start().await,
        FakePeer::start().await,
    ];
    for peer in &peers {
        follower_on(&node, peer).await;
    }
    let mut expected: Vec<String> = (1..=40).map(|i| format!("note {i}")).collect();
    for text in &expected {
        let (status, _) = node
            .api_json(
                Method::POST,
                "/api/v1/statuses",
                &token,
                json!({"status": text}),
            )
            .await;
        assert_eq!(status, 200);
    }
    expected.sort();
    for peer in &peers {
        let mut got = wait::until("a peer has all forty", || async {
            let got = posts(peer);
            (got.len() >= 40).then_some(got)
        })
        .await;
        got.sort();
        assert_eq!(got, expected, "each post once");
    }
}
