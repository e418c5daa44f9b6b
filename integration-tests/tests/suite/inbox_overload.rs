//! The inbox under more load than it may take: peers are turned away with
//! 503 and `Retry-After` at once, and what it accepted is all stored. A
//! flood of forged signatures is refused without getting in the way.

use std::time::Duration;

use moot_testkit::load::{drive, Mix, Pace, Swarm, Work};
use moot_testkit::ProcessNode;
use url::Url;

/// A node that processes one activity at a time and lets none wait.
async fn narrow_node() -> ProcessNode {
    ProcessNode::start_configured(
        &["serve"],
        &[
            ("MOOT_FEDERATION__INBOX_CONCURRENCY", "1"),
            ("MOOT_FEDERATION__INBOX_BACKLOG", "0"),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_inbox_answers_503_with_retry_after_and_loses_nothing() {
    let node = narrow_node().await;
    let swarm = Swarm::start(5).await;
    let inbox = Url::parse(&format!("{}/inbox", node.base_url)).unwrap();
    let api = Url::parse(&node.base_url).unwrap();
    let http = drive::client();
    // Someone here follows the actors, so the node wants their posts.
    let token = node.create_user("jo", "read write follow");
    swarm.followed_by(&http, &api, &token).await;

    // 20 at once against room for one: most are turned away, then retried.
    let work = Work::once(
        swarm.sign(&inbox, swarm.activities(&Mix::creates_only(), 200)),
        true,
    );
    let outcome = drive::run(
        &http,
        inbox.as_str(),
        work.clone(),
        Pace::Concurrency(20),
        Duration::from_secs(120),
    )
    .await;

    assert_eq!(
        work.left(),
        0,
        "every activity was sent until accepted: {outcome:?}"
    );
    assert_eq!(outcome.accepted(), 200, "{}", outcome.summary());
    assert!(
        outcome.statuses.get(&503).is_some_and(|n| *n > 0),
        "{}",
        outcome.summary()
    );
    assert_eq!(
        outcome.refused_without_retry_after, 0,
        "a 503 says when to come back"
    );
    let unexpected: Vec<_> = outcome
        .statuses
        .keys()
        .filter(|s| !matches!(s, 202 | 503))
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 202 and 503: {}",
        outcome.summary()
    );
    assert_eq!(
        swarm.stored(&http, &api).await,
        Some(200),
        "accepted is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_signatures_by_a_known_key_are_refused_and_change_nothing() {
    let node = ProcessNode::start().await;
    let swarm = Swarm::start(2).await;
    let inbox = Url::parse(&format!("{}/inbox", node.base_url)).unwrap();
    let api = Url::parse(&node.base_url).unwrap();
    let http = drive::client();
    // Someone here follows the actors, so the node wants their posts.
    let token = node.create_user("jo", "read write follow");
    swarm.followed_by(&http, &api, &token).await;

    // Make the keys known: one genuine post each.
    let genuine = Work::once(
        swarm.sign(&inbox, swarm.activities(&Mix::creates_only(), 2)),
        false,
    );
    let outcome = drive::run(
        &http,
        inbox.as_str(),
        genuine,
        Pace::Concurrency(2),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(outcome.accepted(), 2, "{}", outcome.summary());

    // The same actors' posts with each other's signatures, and unsigned.
    let forged = swarm.forged(&inbox, 40, 4);
    let outcome = drive::run(
        &http,
        inbox.as_str(),
        Work::once(forged, false),
        Pace::Concurrency(8),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(
        outcome.statuses.get(&401),
        Some(&40),
        "{}",
        outcome.summary()
    );
    assert_eq!(
        swarm.stored(&http, &api).await,
        Some(2),
        "nothing forged was stored"
    );
}
