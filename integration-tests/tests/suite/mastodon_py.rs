//! An independent client library, Mastodon.py from PyPI, drives a running
//! node through a member of staff's first session: see
//! `integration-tests/clients/mastodon_py_journey.py`.
//!
//! The library is installed once into `target/mastodon-py` (a virtual
//! environment) from `integration-tests/clients/requirements.txt`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use moot_testkit::TestNode;
use reqwest::Method;

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients")
}

/// The virtual environment's Python, made on first use.
fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/mastodon-py");
    let python = venv.join("bin/python");
    let ready = venv.join(".installed");
    if !ready.exists() {
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("running python3 (is it installed?)");
            assert!(
                out.status.success(),
                "{cmd:?} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(clients_dir().join("requirements.txt")));
        std::fs::write(&ready, "").unwrap();
    }
    python
}

#[tokio::test]
async fn mastodon_py_signs_in_posts_a_document_follows_a_group_and_streams() {
    let python = tokio::task::spawn_blocking(python).await.unwrap();
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
