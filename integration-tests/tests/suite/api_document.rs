//! Moot's own API document tells the truth: schemathesis (from PyPI)
//! generates requests from `crates/moot_api/openapi.json`, valid and
//! invalid, sends them to a running node, and checks every answer with
//! all its checks: no server error, no status or content type the document
//! does not list, no schema-valid request refused, no invalid one taken,
//! every response matching its schema, 405 for undescribed methods.

use std::path::Path;
use std::time::Duration;

use moot_testkit::clients::{clients_dir, python_bin};
use moot_testkit::TestNode;
use serde_json::Value;

#[tokio::test]
async fn schemathesis_finds_nothing_the_document_does_not_say() {
    let bin = tokio::task::spawn_blocking(python_bin).await.unwrap();
    // Rate limits would answer most generated requests 429 (documented,
    // but it would test little else).
    let node = TestNode::start_with(|s| s.rate_limits.enabled = false).await;
    let token = node
        .create_admin("jo", "read write follow admin:read admin:write")
        .await;
    // Something for generated requests to find.
    let ctx = moot_app::Context::new(node.db.clone(), node.settings.clone());
    moot_app::groups::create(
        &ctx,
        "housing",
        "jo",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();

    let document = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/moot_api/openapi.json");
    let run = tokio::process::Command::new(bin.join("schemathesis"))
        .arg("--config-file")
        .arg(clients_dir().join("schemathesis.toml"))
        .arg("run")
        .arg(&document)
        .args(["--url", &node.url("/api/moot/v1")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all", "--max-examples", "40", "--seed", "1"])
        // One worker: every scenario of the stateful phase acts as the same
        // person on the same node, so two at once could undo each other's
        // steps (one leaves a private group the other is posting in) and
        // make a legitimate 404 look like a lost resource.
        .args(["--workers", "1", "--no-color"])
        // It keeps a cache of its own where it runs.
        .current_dir(std::env::temp_dir())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("schemathesis finishes within 10 minutes")
        .expect("running schemathesis");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every operation the document describes was selected and tested.
    let described: Value =
        serde_json::from_str(&std::fs::read_to_string(&document).unwrap()).unwrap();
    let operations = described["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().keys())
        .filter(|k| matches!(k.as_str(), "get" | "post" | "put" | "patch" | "delete"))
        .count();
    assert!(
        stdout.contains(&format!("{operations}/{operations}")),
        "every one of the {operations} operations was selected:\n{stdout}"
    );
}
