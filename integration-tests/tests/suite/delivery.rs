//! The outbox's bookkeeping against a real database: shards of peers that
//! do not overlap, batches of whole activities, progress that never goes
//! backwards, and pruning that keeps what a peer has not yet received.

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
    outbox::enqueue(
        &mut conn,
        Some(account.id),
        "https://x.example/a/1",
        "{}",
        &urls,
    )
    .await
    .unwrap()
}

async fn delivered(conn: &mut diesel_async::AsyncPgConnection, peer_id: i64, up_to: i64) {
    let progress = outbox::Progress {
        peer_id,
        delivered_up_to: up_to,
        retry_at: None,
        release: false,
    };
    outbox::record_progress(conn, &[progress]).await.unwrap();
}

#[tokio::test]
async fn shards_split_the_peers_without_overlap() {
    let node = TestNode::start_without_delivery().await;
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
    let node = TestNode::start_without_delivery().await;
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
    delivered(&mut conn, fast.id, id).await;
    // Retention 0 days: everything old enough, but the slow peer waits for it.
    assert_eq!(outbox::prune(&mut conn, 0).await.unwrap().0, 0);
    let slow = peers.iter().find(|p| p.domain == "slow.example").unwrap();
    delivered(&mut conn, slow.id, id).await;
    assert_eq!(outbox::prune(&mut conn, 0).await.unwrap().0, 1);
    // With the default retention nothing this young goes.
    let id2 = queue_for(&node, &["https://fast.example/inbox"]).await;
    delivered(&mut conn, fast.id, id2).await;
    assert_eq!(outbox::prune(&mut conn, 7).await.unwrap().0, 0);
}

#[tokio::test]
async fn batches_hold_whole_activities_and_progress_counts_failures() {
    let node = TestNode::start_without_delivery().await;
    node.create_user("sender", "read").await;
    // Three activities, each to two personal inboxes on one peer.
    let two = [
        "https://p.example/users/a/inbox",
        "https://p.example/users/b/inbox",
    ];
    let ids = [
        queue_for(&node, &two).await,
        queue_for(&node, &two).await,
        queue_for(&node, &two).await,
    ];
    let mut conn = node.db.conn().await.unwrap();
    let peer = outbox::lease_due_peers(&mut conn, 10, 60, (0, 1))
        .await
        .unwrap()
        .remove(0);
    // A limit of two activities gives all four of their rows, in order.
    let rows = outbox::next_for_peers(&mut conn, &[(peer.id, 0)], 2)
        .await
        .unwrap();
    let got: Vec<(i64, &str)> = rows
        .iter()
        .map(|r| (r.outbox_id, r.inbox_url.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (ids[0], two[0]),
            (ids[0], two[1]),
            (ids[1], two[0]),
            (ids[1], two[1])
        ]
    );

    // A failure after progress: progress kept, one attempt counted, lease
    // released but the peer not due before its retry time.
    let retry_at = chrono::Utc::now() + chrono::Duration::hours(1);
    let failed = outbox::Progress {
        peer_id: peer.id,
        delivered_up_to: ids[1],
        retry_at: Some(retry_at),
        release: true,
    };
    outbox::record_progress(&mut conn, &[failed]).await.unwrap();
    outbox::record_progress(&mut conn, &[failed]).await.unwrap();
    let status = outbox::peer_statuses(&mut conn).await.unwrap().remove(0);
    assert_eq!((status.last_delivered_id, status.backlog), (ids[1], 2));
    assert_eq!(status.attempts, 2);
    assert!(status.failing_since.is_some());
    let leased = outbox::lease_due_peers(&mut conn, 10, 60, (0, 1))
        .await
        .unwrap();
    assert!(leased.is_empty(), "not due before its retry time");

    // Progress never goes backwards; success clears the failure.
    delivered(&mut conn, peer.id, ids[0]).await;
    let status = outbox::peer_statuses(&mut conn).await.unwrap().remove(0);
    assert_eq!(status.last_delivered_id, ids[1]);
    assert_eq!((status.attempts, status.failing_since), (0, None));
    let rest = outbox::next_for_peers(&mut conn, &[(peer.id, ids[1])], 32)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|r| r.outbox_id == ids[2]));
}

/// Two changes queue for the same peer at once: the one that draws the
/// later outbox id commits after the other, so a worker reading what is
/// committed never passes over an earlier activity still to come.
#[tokio::test]
async fn changes_queuing_at_once_commit_in_the_order_of_their_ids() {
    use diesel_async::RunQueryDsl;
    let node = TestNode::start_without_delivery().await;
    node.create_user("sender", "read").await;
    let (account, _) = moot_app::accounts::find_local(&node.db, "sender")
        .await
        .unwrap()
        .unwrap();
    let inbox = [Url::parse("https://peer.example/inbox").unwrap()];
    // A peer known already (a new one's row would make them wait anyway).
    queue_for(&node, &["https://peer.example/inbox"]).await;
    let (mut first, mut second) = (node.db.conn().await.unwrap(), node.db.conn().await.unwrap());
    let begin = || diesel::sql_query("BEGIN");
    begin().execute(&mut first).await.unwrap();
    let early = outbox::enqueue(
        &mut first,
        Some(account.id),
        "https://x.example/a/1",
        "{}",
        &inbox,
    )
    .await
    .unwrap();
    let second_done = std::sync::atomic::AtomicBool::new(false);
    let later = async {
        begin().execute(&mut second).await.unwrap();
        let id = outbox::enqueue(
            &mut second,
            Some(account.id),
            "https://x.example/a/2",
            "{}",
            &inbox,
        )
        .await
        .unwrap();
        diesel::sql_query("COMMIT")
            .execute(&mut second)
            .await
            .unwrap();
        second_done.store(true, std::sync::atomic::Ordering::SeqCst);
        id
    };
    let first_commits = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        // (`load` by path: diesel's `load` is in scope too.)
        let waited =
            !std::sync::atomic::AtomicBool::load(&second_done, std::sync::atomic::Ordering::SeqCst);
        diesel::sql_query("COMMIT")
            .execute(&mut first)
            .await
            .unwrap();
        waited
    };
    let (late, waited) = tokio::join!(later, first_commits);
    assert!(
        waited,
        "the second change committed while the first, with an earlier id, was open"
    );
    assert!(late > early);
}
