//! An independent client library, Mastodon.py from PyPI, drives a running
//! node through a member of staff's first session: see
//! `integration-tests/clients/mastodon_py_journey.py`.
//!
//! The library is installed once into a virtual environment (see
//! `moot_testkit::clients`).

use std::time::Duration;

use moot_testkit::clients::{clients_dir, python_bin};
use moot_testkit::TestNode;
use reqwest::Method;

#[tokio::test]
async fn mastodon_py_signs_in_posts_a_document_follows_a_group_and_streams() {
    let python = tokio::task::spawn_blocking(python_bin)
        .await
        .unwrap()
        .join("python");
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read").await;
    moot_app::groups::create(
        &moot_app::Context::new(node.db.clone(), node.settings.clone()),
        "housing",
        "jo",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();

    let script = clients_dir().join("mastodon_py_journey.py");
    let journey = tokio::process::Command::new(&python)
        .arg(&script)
        .args([&node.base_url, "jo", "a long enough password", "housing"])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), journey)
        .await
        .expect("the journey finishes within 3 minutes")
        .expect("running the journey");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "journey failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("OK:"), "{stdout}");

    // What the client did is what the node holds.
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=housing", &jo)
        .await;
    assert_eq!(group["followers_count"], 1, "jo joined the group: {group}");
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert!(me["statuses_count"].as_i64().unwrap() >= 2, "{me}");
}
