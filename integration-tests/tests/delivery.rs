//! The outbox's bookkeeping against a real database: shards of peers that
//! do not overlap, and pruning that keeps what a peer has not yet received.

use moot_db::outbox;
use moot_testkit::TestNode;
use url::Url;

async fn queue_for(node: &TestNode, inboxes: &[&str]) -> i64 {
    let (account, _) = moot_app::accounts::find_local(&node.db, "sender")
        .await
        .unwrap()
        .unwrap();
    let mut conn = node.db.conn().await.unwrap();
    let urls: Vec<Url> = inboxes.iter().map(|i| Url::parse(i).unwrap()).collect();
    outbox::enqueue(&mut conn, account.id, "https://x.example/a/1", "{}", &urls)
        .await
        .unwrap()
}

#[tokio::test]
async fn shards_split_the_peers_without_overlap() {
    let node = TestNode::start().await;
    node.create_user("sender", "read").await;
    let inboxes: Vec<String> = (0..6)
        .map(|i| format!("https://peer{i}.example/inbox"))
        .collect();
    let refs: Vec<&str> = inboxes.iter().map(String::as_str).collect();
    queue_for(&node, &refs).await;
    let mut conn = node.db.conn().await.unwrap();
    let zero = outbox::lease_due_peers(&mut conn, 100, 60, (0, 2))
        .await
        .unwrap();
    let one = outbox::lease_due_peers(&mut conn, 100, 60, (1, 2))
        .await
        .unwrap();
    assert_eq!(zero.len() + one.len(), 6);
    assert!(zero.iter().all(|p| p.id % 2 == 0) && one.iter().all(|p| p.id % 2 == 1));
    // Leased peers are not handed out again until released or expired.
    let again = outbox::lease_due_peers(&mut conn, 100, 60, (0, 1))
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    outbox::release(&mut conn, zero[0].id).await.unwrap();
    let released = outbox::lease_due_peers(&mut conn, 100, 60, (0, 1))
        .await
        .unwrap();
    assert_eq!(released.len(), 1);
}

#[tokio::test]
async fn pruning_keeps_what_a_peer_still_needs() {
    let node = TestNode::start().await;
    node.create_user("sender", "read").await;
    let id = queue_for(
        &node,
        &["https://fast.example/inbox", "https://slow.example/inbox"],
    )
    .await;
    let mut conn = node.db.conn().await.unwrap();
    let peers = outbox::lease_due_peers(&mut conn, 10, 60, (0, 1))
        .await
        .unwrap();
    let fast = peers.iter().find(|p| p.domain == "fast.example").unwrap();
    outbox::mark_delivered(&mut conn, fast.id, id)
        .await
        .unwrap();
    // Retention 0 days: everything old enough, but the slow peer waits for it.
    assert_eq!(outbox::prune(&mut conn, 0).await.unwrap().0, 0);
    let slow = peers.iter().find(|p| p.domain == "slow.example").unwrap();
    outbox::mark_delivered(&mut conn, slow.id, id)
        .await
        .unwrap();
    assert_eq!(outbox::prune(&mut conn, 0).await.unwrap().0, 1);
    // With the default retention nothing this young goes.
    let id2 = queue_for(&node, &["https://fast.example/inbox"]).await;
    outbox::mark_delivered(&mut conn, fast.id, id2)
        .await
        .unwrap();
    assert_eq!(outbox::prune(&mut conn, 7).await.unwrap().0, 0);
}
