//! Reports across two real nodes: a person on B reports a post made on A
//! and asks for it to be sent on; A's administrator finds the report (as
//! Mastodon's admin API shows it), removes the post (gone on both nodes)
//! and resolves the report, which the audit logs record. Only
//! administrators reach the admin API.

use moot_testkit::clients::{clients_dir, python_bin};
use moot_testkit::openapi::{MastodonApi, MootApi};
use moot_testkit::social::{follow_across, in_home};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

/// Bob's app reports through Mastodon.py; the node's answer, as JSON.
async fn report_with_mastodon_py(
    node: &ProcessNode,
    token: &str,
    account_id: &str,
    status_id: &str,
    comment: &str,
) -> Value {
    let python = tokio::task::spawn_blocking(python_bin)
        .await
        .unwrap()
        .join("python");
    let out = tokio::process::Command::new(python)
        .arg(clients_dir().join("mastodon_py_report.py"))
        .args([&node.base_url, token, account_id, status_id, comment])
        .kill_on_drop(true)
        .output()
        .await
        .expect("running Mastodon.py");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "Mastodon.py failed:\n{stdout}\n{stderr}"
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test]
async fn a_report_from_another_node_reaches_the_admin_who_resolves_it() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let (admin, _) = a.create_admin("moderator_a", "read write admin:read admin:write");
    let bob = b.create_user("bob", "read write follow");
    let alice_on_b = follow_across(&b, &bob, &a, "alice").await;

    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": "Buy cheap road salt at scam.example", "visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let copy = wait::until("the post reaches B", || {
        in_home(&b, &bob, "cheap road salt")
    })
    .await;

    // Bob reports it on B from his app (Mastodon.py) and has it sent on.
    let report = report_with_mastodon_py(
        &b,
        &bob,
        &alice_on_b,
        copy["id"].as_str().unwrap(),
        "Selling things in the gritting group",
    )
    .await;
    assert_eq!(report["forwarded"], true, "{report}");
    assert_eq!(report["category"], "spam");
    assert_eq!(report["target_account"]["acct"], a.handle("alice"));

    // A report kept on B alone: the API's answer is Mastodon's `Report`.
    let (status, kept) = b
        .api_json(
            Method::POST,
            "/api/v1/reports",
            &bob,
            json!({"account_id": alice_on_b, "comment": "Keeps posting adverts"}),
        )
        .await;
    assert_eq!(status, 200, "{kept}");
    MastodonApi::get().assert_valid("POST", "/api/v1/reports", 200, &kept);
    assert_eq!(kept["forwarded"], false);
    assert_eq!(kept["category"], "other");

    // A's administrator sees it, with the post, as from B.
    let open = wait::until("the report reaches A", || async {
        let (_, found) = a.api(Method::GET, "/api/v1/admin/reports", &admin).await;
        found.as_array().filter(|r| !r.is_empty()).cloned()
    })
    .await;
    let on_a = &open[0];
    MastodonApi::get().assert_entity("AdminReport", on_a);
    assert_eq!(on_a["comment"], "Selling things in the gritting group");
    assert_eq!(on_a["target_account"]["username"], "alice");
    assert_eq!(on_a["statuses"][0]["id"], post["id"], "{on_a}");
    assert!(
        on_a["account"]["domain"].as_str().is_some(),
        "reported from B: {on_a}"
    );
    let id = on_a["id"].as_str().unwrap();

    // The administrator removes the post: gone on A, and on B once told.
    let post_id = post["id"].as_str().unwrap();
    let (status, removed) = a
        .api_json(
            Method::POST,
            &format!("/api/moot/v1/admin/statuses/{post_id}/remove"),
            &admin,
            json!({"reason": format!("advertising (report {id})")}),
        )
        .await;
    assert_eq!(status, 200, "{removed}");
    MootApi::get().assert_valid("POST", "/admin/statuses/{id}/remove", 200, &removed);
    let (status, _) = a
        .api(Method::GET, &format!("/api/v1/statuses/{post_id}"), &alice)
        .await;
    assert_eq!(status, 404, "gone on A");
    let copy_id = copy["id"].as_str().unwrap().to_owned();
    wait::until("the removal reaches B", || async {
        let (status, _) = b
            .api(Method::GET, &format!("/api/v1/statuses/{copy_id}"), &bob)
            .await;
        (status == 404).then_some(())
    })
    .await;

    let (status, resolved) = a
        .api(
            Method::POST,
            &format!("/api/v1/admin/reports/{id}/resolve"),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    MastodonApi::get().assert_entity("AdminReport", &resolved);
    assert_eq!(resolved["action_taken"], true);
    assert_eq!(
        resolved["action_taken_by_account"]["username"],
        "moderator_a"
    );
    let (_, open) = a.api(Method::GET, "/api/v1/admin/reports", &admin).await;
    assert_eq!(open, json!([]), "no open report left");
    let (_, done) = a
        .api(Method::GET, "/api/v1/admin/reports?resolved=true", &admin)
        .await;
    assert_eq!(done[0]["id"], id);
    let (_, log) = a
        .api(Method::GET, "/api/moot/v1/admin/audit_log", &admin)
        .await;
    let entry = |log: &Value, action: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .cloned()
            .unwrap_or_else(|| panic!("no {action} in the audit log: {log}"))
    };
    let resolve = entry(&log, "report.resolve");
    assert_eq!(resolve["actor"], "@moderator_a");
    assert_eq!(resolve["target"], format!("report:{id}"));
    let remove = entry(&log, "status.remove");
    assert_eq!(remove["target"], format!("status:{post_id}"));
    assert_eq!(remove["reason"], format!("advertising (report {id})"));

    // Bob's own node keeps his report too (as sent on).
    let (b_admin, _) = b.create_admin("keeper", "admin:read");
    let (_, on_b) = b.api(Method::GET, "/api/v1/admin/reports", &b_admin).await;
    let forwarded: Vec<&Value> = on_b
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["forwarded"])
        .collect();
    assert_eq!(forwarded, [false, true], "{on_b}");

    // A report about a post that is not the account's is refused.
    let (status, _) = b
        .api_json(
            Method::POST,
            "/api/v1/reports",
            &bob,
            json!({"account_id": alice_on_b, "status_ids": ["999999"]}),
        )
        .await;
    assert_eq!(status, 422);

    // Nobody else reaches the admin API.
    for (method, path) in [
        (Method::GET, "/api/v1/admin/reports".to_owned()),
        (Method::GET, format!("/api/v1/admin/reports/{id}")),
        (Method::POST, format!("/api/v1/admin/reports/{id}/resolve")),
        (Method::POST, format!("/api/v1/admin/reports/{id}/reopen")),
        (
            Method::POST,
            "/api/moot/v1/admin/statuses/1/remove".to_owned(),
        ),
    ] {
        let (status, body): (u16, Value) = a.api(method.clone(), &path, &alice).await;
        assert_eq!(status, 403, "{method} {path}: {body}");
    }
}
