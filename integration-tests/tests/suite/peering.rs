//! Councils peer their nodes: both admins decide, the wire carries two
//! ordinary follows between instance actors, allow-lists follow the
//! peering, a block wins over it, and proposals from the wrong node or a
//! blocked one change nothing.

use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

/// `node`'s view of its peer `domain`, as its admin API shows it.
async fn peer(node: &ProcessNode, admin: &str, domain: &str) -> Option<Value> {
    let (status, peers) = node
        .api_json(Method::GET, "/api/moot/v1/peers", admin, Value::Null)
        .await;
    assert_eq!(status, 200, "{peers}");
    peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["domain"] == domain)
        .cloned()
}

/// Waits until `node` sees its peering with `domain` as `status`.
async fn until_status(node: &ProcessNode, admin: &str, domain: &str, status: &str) -> Value {
    wait::until(
        &format!("{} sees {domain} as {status}", node.hostname),
        || async {
            peer(node, admin, domain)
                .await
                .filter(|p| p["status"] == status)
        },
    )
    .await
}

/// The audit log's actions about `target`, oldest first.
async fn audited(node: &ProcessNode, admin: &str, target: &str) -> Vec<(String, String)> {
    let path = format!("/api/moot/v1/admin/audit_log?target={target}");
    let (status, entries) = node.api_json(Method::GET, &path, admin, Value::Null).await;
    assert_eq!(status, 200, "{entries}");
    let mut out: Vec<(String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_owned();
            (field("actor"), field("action"))
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn both_admins_decide_and_each_side_sees_the_peering() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let (a_admin, _) = a.create_admin("ada", "read admin:read");
    let (b_admin, _) = b.create_admin("bea", "read admin:read");
    let (c_admin, _) = c.create_admin("cal", "read admin:read");

    let out = a.cli_ok(&[
        "peer",
        "request",
        &b.hostname,
        "--message",
        "Housing teams across the region",
    ]);
    assert!(out.contains("proposed"), "{out}");
    a.cli_ok(&["peer", "request", &c.hostname]);
    let asked = until_status(&b, &b_admin, &a.hostname, "received").await;
    assert_eq!(asked["message"], "Housing teams across the region");
    assert_eq!(asked["proposed_by"], "them");
    until_status(&c, &c_admin, &a.hostname, "received").await;
    assert_eq!(
        peer(&a, &a_admin, &b.hostname).await.unwrap()["status"],
        "proposed"
    );

    // Asking again while waiting does not make a second proposal.
    let list = b.cli_ok(&["peer", "list"]);
    assert!(
        list.contains(&a.hostname) && list.contains("received"),
        "{list}"
    );
    assert!(list.contains("Housing teams across the region"), "{list}");

    assert!(b
        .cli_ok(&["peer", "accept", &a.hostname])
        .contains("active"));
    assert!(c
        .cli_ok(&["peer", "decline", &a.hostname])
        .contains("declined"));
    let on_a = until_status(&a, &a_admin, &b.hostname, "active").await;
    assert_eq!(on_a["proposed_by"], "us");
    until_status(&a, &a_admin, &c.hostname, "declined").await;
    until_status(&b, &b_admin, &a.hostname, "active").await;
    // B's follow back reached A and was accepted there: B's deliveries to A
    // leave nothing behind.
    wait::until("B's deliveries to A are done", || async {
        peer(&b, &b_admin, &a.hostname)
            .await
            .filter(|p| p["delivery"]["backlog"] == 0 && p["delivery"]["state"] == "ok")
    })
    .await;
    // Deciding twice is refused and changes nothing.
    let again = c.cli(&["peer", "accept", &a.hostname]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no proposal waiting"));

    // Both audit logs tell the story, naming who acted.
    let a_log = audited(&a, &a_admin, &b.hostname).await;
    assert!(
        a_log
            .iter()
            .any(|(who, what)| who.starts_with("cli:") && what == "peer_request"),
        "{a_log:?}"
    );
    let b_node = format!("node:{}", b.hostname);
    assert!(
        a_log.contains(&(b_node, "peer_accepted".into())),
        "{a_log:?}"
    );
    let b_log = audited(&b, &b_admin, &a.hostname).await;
    let a_node = format!("node:{}", a.hostname);
    assert!(
        b_log.contains(&(a_node.clone(), "peer_proposal".into())),
        "{b_log:?}"
    );
    assert!(
        b_log
            .iter()
            .any(|(who, what)| who.starts_with("cli:") && what == "peer_accept"),
        "{b_log:?}"
    );
    let c_log = audited(&c, &c_admin, &a.hostname).await;
    assert!(
        c_log.iter().any(|(_, what)| what == "peer_decline"),
        "{c_log:?}"
    );

    // Either side ends it; the other hears within seconds.
    assert!(b
        .cli_ok(&["peer", "remove", &a.hostname])
        .contains("removed"));
    until_status(&a, &a_admin, &b.hostname, "removed").await;
    let list = a.cli_ok(&["peer", "list"]);
    assert!(
        list.contains("removed") && list.contains("declined"),
        "{list}"
    );
    let _ = json!(null);
}
