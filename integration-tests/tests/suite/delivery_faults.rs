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

/// Some servers answer a delivery with a body (`"ok"`); the node reads it,
/// so the peer's connection is used again rather than opened anew for each
/// activity.
/// Posts each of `texts`, in order, as the token's owner.
async fn post_each(node: &TestNode, token: &str, texts: &[String]) {
    for text in texts {
        node.post(token, text).await;
    }
}

#[tokio::test]
async fn a_peer_answering_with_a_body_keeps_one_connection() {
    let node = TestNode::start().await;
    let token = node.create_user("author", "read write").await;
    let peer = FakePeer::start().await;
    peer.answer_with_body("\"ok\"");
    follower_on(&node, &peer).await;
    let expected: Vec<String> = (1..=3).map(|i| format!("note {i}")).collect();
    post_each(&node, &token, &expected).await;
    wait::until("every post arrives", || async {
        (posts(&peer).len() == expected.len()).then_some(())
    })
    .await;
    assert_eq!(posts(&peer), expected);
    assert_eq!(
        peer.inbox_connections(),
        1,
        "one connection for every delivery"
    );
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
    post_each(&node, &token, &expected).await;

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
    post_each(&node, &token, &expected).await;
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
