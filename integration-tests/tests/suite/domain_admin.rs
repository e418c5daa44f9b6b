//! Federation rules through the admin API (Mastodon's shape) against a
//! real node and database: who may call it, what it does, the public list
//! of blocks, and the audit log of every change.

use moot_testkit::openapi::MootApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn only_administrators_with_admin_scopes_change_rules_and_every_change_is_audited() {
    let node = TestNode::start().await;
    let admin = node
        .create_admin("itadmin", "read admin:read admin:write")
        .await;
    let admin_read_only = moot_app::tokens::issue(&node.db, "itadmin", "admin:read")
        .await
        .unwrap();
    let staff = node
        .create_user("staff", "read admin:read admin:write")
        .await;

    // No token: 401. A non-administrator, whatever the scopes: 403.
    let anonymous = node
        .http
        .get(node.url("/api/v1/admin/domain_blocks"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    for (method, path) in [
        (Method::GET, "/api/v1/admin/domain_blocks"),
        (Method::GET, "/api/v1/admin/domain_allows"),
        (Method::GET, "/api/moot/v1/admin/audit_log"),
    ] {
        let (status, _) = node.api(method, path, &staff).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            &staff,
            json!({"domain": "spam.example", "severity": "suspend"}),
        )
        .await;
    assert_eq!(status, 403);
    // An administrator's read-only token cannot write.
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            &admin_read_only,
            json!({"domain": "spam.example"}),
        )
        .await;
    assert_eq!(status, 403);

    // Create, read, update, delete a block.
    let (status, block) = node
        .api_json(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            &admin,
            json!({"domain": "Loud.Example", "severity": "silence", "reject_media": true,
                   "public_comment": "Floods timelines", "private_comment": "ticket 4411"}),
        )
        .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["domain"], "loud.example");
    assert_eq!(block["severity"], "silence");
    assert_eq!(block["reject_media"], true);
    let id = block["id"].as_str().unwrap().to_owned();
    let (status, again) = node
        .api_json(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            &admin,
            json!({"domain": "loud.example", "severity": "suspend"}),
        )
        .await;
    assert_eq!(status, 422, "a second block of a domain is refused");
    assert_eq!(again["existing_domain_block"]["id"], id.as_str());
    let (status, bad) = node
        .api_json(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            &admin,
            json!({"domain": "not a domain", "severity": "suspend"}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    let (status, updated) = node
        .api_json(
            Method::PUT,
            &format!("/api/v1/admin/domain_blocks/{id}"),
            &admin,
            json!({"severity": "suspend"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["severity"], "suspend");
    assert_eq!(updated["reject_media"], true, "unchanged fields stay");
    let (status, fetched) = node
        .api(
            Method::GET,
            &format!("/api/v1/admin/domain_blocks/{id}"),
            &admin_read_only,
        )
        .await;
    assert_eq!((status, &fetched["severity"]), (200, &json!("suspend")));

    // The public list shows the public comment only.
    let (status, public) = node.get_json("/api/v1/instance/domain_blocks").await;
    assert_eq!(status, 200);
    assert_eq!(
        public,
        json!([{"domain": "loud.example", "digest": fetched["digest"], "severity": "suspend",
                "comment": "Floods timelines"}])
    );

    // Allows, as a form like most clients send.
    let response = node
        .http
        .post(node.url("/api/v1/admin/domain_allows"))
        .bearer_auth(&admin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("domain=council-b.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let allow: serde_json::Value = response.json().await.unwrap();
    let (_, allows) = node
        .api(Method::GET, "/api/v1/admin/domain_allows", &admin)
        .await;
    assert_eq!(allows[0]["domain"], "council-b.example");
    let allow_id = allow["id"].as_str().unwrap();
    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/domain_allows/{allow_id}"),
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/domain_blocks/{id}"),
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/domain_blocks/{id}"),
            &admin,
        )
        .await;
    assert_eq!(status, 404);

    // Every change, newest first, with who and why; refused attempts left no trace.
    let (status, log) = node
        .api(Method::GET, "/api/moot/v1/admin/audit_log", &admin)
        .await;
    assert_eq!(status, 200);
    MootApi::get().assert_valid("GET", "/admin/audit_log", 200, &log);
    let actions: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("@itadmin", "remove_block", "loud.example"),
            ("@itadmin", "remove_allow", "council-b.example"),
            ("@itadmin", "allow", "council-b.example"),
            ("@itadmin", "block", "loud.example"),
            ("@itadmin", "block", "loud.example"),
        ]
    );
    assert_eq!(log[4]["reason"], "ticket 4411");
    assert_eq!(log[4]["details"]["severity"], "silence");
    assert_eq!(log[3]["details"]["severity"], "suspend");
}
