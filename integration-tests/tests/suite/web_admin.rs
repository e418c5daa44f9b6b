//! The node's administrators handle reports in the browser: the list, a
//! report with its posts, removing a post and resolving the report. Every
//! admin page and action answers 403 to anyone else, and actions need the
//! form's CSRF token.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::json;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn an_administrator_removes_a_reported_post_and_resolves_the_report() {
    let node = TestNode::start().await;
    node.create_admin("keeper", "read").await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read write").await;
    let post = node.post(&jo, "Cheap road salt, message me").await;
    let post_id = post["id"].as_str().unwrap();
    let (_, jo_account) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let (status, report) = node
        .api_json(
            Method::POST,
            "/api/v1/reports",
            &sam,
            json!({"account_id": jo_account["id"], "status_ids": [post_id],
                   "category": "spam", "comment": "Selling in the forum"}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let report_id = report["id"].as_str().unwrap();

    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    let list = keeper.get("/admin/reports").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Selling in the forum"), "{}", list.body);
    let page = format!("/admin/reports/{report_id}");
    let shown = keeper.get(&page).await;
    assert!(shown.body.contains("Cheap road salt"), "{}", shown.body);

    // Without the form's token nothing happens.
    let forged = keeper
        .post(
            &format!("/admin/statuses/{post_id}/remove"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let removed = keeper
        .submit(
            &page,
            &format!("/admin/statuses/{post_id}/remove"),
            &[("reason", "advertising"), ("report_id", report_id)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let (status, _) = node
        .api(Method::GET, &format!("/api/v1/statuses/{post_id}"), &jo)
        .await;
    assert_eq!(status, 404, "the post is gone");

    let resolved = keeper
        .submit(&page, &page, &[("decision", "resolve")])
        .await;
    assert_eq!(resolved.status, 303, "{}", resolved.body);
    assert!(keeper.get(&page).await.body.contains("Resolved by"));
    assert!(!keeper
        .get("/admin/reports")
        .await
        .body
        .contains("Selling in the forum"));
    assert!(keeper
        .get("/admin/reports?resolved=1")
        .await
        .body
        .contains("Selling in the forum"));

    // Nobody else reaches them.
    let mut other = WebClient::new(&node.url(""));
    other.sign_in("sam", PASSWORD).await;
    assert_eq!(other.get("/admin/reports").await.status, 403);
    assert_eq!(other.get(&page).await.status, 403);
    let token_page = other.get("/settings").await.csrf_token().unwrap();
    for path in [page.clone(), format!("/admin/statuses/{post_id}/remove")] {
        let tried = other
            .post(
                &path,
                &[("csrf_token", token_page.as_str()), ("decision", "reopen")],
            )
            .await;
        assert_eq!(tried.status, 403, "{path}");
    }
    assert!(
        !other.get("/").await.body.contains("/admin/reports"),
        "no link for others"
    );
}

#[tokio::test]
async fn people_report_posts_and_people_from_the_web_app() {
    let node = TestNode::start().await;
    let keeper = node.create_admin("keeper", "read admin:read").await;
    let jo = node.create_user("jo", "read write").await;
    node.create_user("sam", "read write").await;
    let ctx = node.ctx();
    let keeper_account = moot_app::directory::local_any(&ctx, "keeper")
        .await
        .unwrap()
        .unwrap();
    let rule = moot_app::node_texts::add_rule(&ctx, &keeper_account, "No selling", "")
        .await
        .unwrap();
    let post = node.post(&jo, "Cheap road salt, message me").await;
    let post_id = post["id"].as_str().unwrap();

    let mut sam = WebClient::new(&node.url(""));
    sam.sign_in("sam", PASSWORD).await;
    let thread = sam.get(&format!("/posts/{post_id}")).await.body;
    let page = format!("/report?status={post_id}");
    assert!(thread.contains(&page), "a report link under the post");
    let form = sam.get(&page).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("No selling"),
        "the node's rules to choose from"
    );
    // A violation needs the rules it breaks.
    let incomplete = sam
        .submit(
            &page,
            "/report",
            &[
                ("account_id", "0"),
                ("status_id", post_id),
                ("category", "violation"),
            ],
        )
        .await;
    assert_eq!(incomplete.status, 400);
    assert!(incomplete.body.contains("Choose the rules it breaks"));
    let rule_id = rule.id.to_string();
    let sent = sam
        .submit(
            &page,
            "/report",
            &[
                ("status_id", post_id),
                ("category", "violation"),
                ("rule_ids", &rule_id),
                ("comment", "Selling in the forum"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/posts/{post_id}").as_str())
    );

    let (_, reports) = node
        .api(Method::GET, "/api/v1/admin/reports", &keeper)
        .await;
    assert_eq!(reports[0]["category"], "violation", "{reports}");
    assert_eq!(reports[0]["rules"][0]["text"], "No selling", "{reports}");
    assert_eq!(reports[0]["statuses"][0]["id"], post_id);
    assert_eq!(reports[0]["target_account"]["username"], "jo");

    // A person, from their profile.
    let profile = sam.get("/@jo").await.body;
    assert!(
        profile.contains("/report?account="),
        "a report link on the profile"
    );
    let (_, jo_json) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let jo_id = jo_json["id"].as_str().unwrap();
    let person_page = format!("/report?account={jo_id}");
    let sent = sam
        .submit(
            &person_page,
            "/report",
            &[("account_id", jo_id), ("category", "spam")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let (_, reports) = node
        .api(Method::GET, "/api/v1/admin/reports", &keeper)
        .await;
    assert_eq!(reports.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_nodes_rules_terms_and_privacy_policy_are_written_in_the_browser_and_served_to_apps() {
    use moot_testkit::openapi::MastodonApi;

    let node = TestNode::start().await;
    node.create_admin("keeper", "read").await;
    let api = MastodonApi::get();
    let (status, _) = node.get_json("/api/v1/instance/privacy_policy").await;
    assert_eq!(status, 404, "not written yet");
    let (_, none) = node.get_json("/api/v1/instance/rules").await;
    assert_eq!(none, json!([]));

    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    for (text, hint) in [
        (
            "Share only what your council may publish",
            "No personal data.",
        ),
        ("Be kind", ""),
    ] {
        let added = keeper
            .submit(
                "/admin/rules",
                "/admin/rules",
                &[("text", text), ("hint", hint)],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
    }
    for (kind, field, text) in [
        ("terms_of_service", "terms", "# Terms\n\nUse it for work."),
        (
            "privacy_policy",
            "privacy",
            "# Privacy\n\nWe keep your email <script>x</script>address.",
        ),
    ] {
        let saved = keeper
            .submit(
                "/admin/rules",
                &format!("/admin/rules/documents/{kind}"),
                &[(field, text)],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
    }

    let (status, rules) = node.get_json("/api/v1/instance/rules").await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/instance/rules", 200, &rules);
    assert_eq!(rules[0]["text"], "Share only what your council may publish");
    assert_eq!(rules[0]["hint"], "No personal data.");
    assert_eq!(rules[1]["text"], "Be kind");
    let (_, instance) = node.get_json("/api/v2/instance").await;
    api.assert_valid("GET", "/api/v2/instance", 200, &instance);
    assert_eq!(instance["rules"], rules);
    let (_, privacy) = node.get_json("/api/v1/instance/privacy_policy").await;
    api.assert_valid("GET", "/api/v1/instance/privacy_policy", 200, &privacy);
    let content = privacy["content"].as_str().unwrap();
    assert!(content.contains("<h1>Privacy</h1>"), "{content}");
    assert!(!content.contains("<script"), "sanitized: {content}");
    let (_, terms) = node.get_json("/api/v1/instance/terms_of_service").await;
    api.assert_valid("GET", "/api/v1/instance/terms_of_service", 200, &terms);
    assert_eq!(terms["effective"], true);

    let mut visitor = WebClient::new(&node.url(""));
    assert!(visitor.get("/about/rules").await.body.contains("Be kind"));
    assert!(visitor
        .get("/terms")
        .await
        .body
        .contains("Use it for work."));
    assert!(visitor
        .get("/privacy")
        .await
        .body
        .contains("We keep your email"));

    // A rule is changed and removed; each change is audited.
    let id = rules[1]["id"].as_str().unwrap();
    keeper
        .submit(
            "/admin/rules",
            &format!("/admin/rules/{id}"),
            &[("text", "Be kind and patient"), ("hint", "")],
        )
        .await;
    let (_, rules) = node.get_json("/api/v1/instance/rules").await;
    assert_eq!(rules[1]["text"], "Be kind and patient");
    let first = rules[0]["id"].as_str().unwrap();
    keeper
        .submit("/admin/rules", &format!("/admin/rules/{first}/remove"), &[])
        .await;
    let (_, rules) = node.get_json("/api/v1/instance/rules").await;
    assert_eq!(rules.as_array().unwrap().len(), 1);
    let log = keeper.get("/admin/audit?action=node").await.body;
    for action in [
        "node.rule_add",
        "node.rule_change",
        "node.rule_remove",
        "node.document",
    ] {
        assert!(log.contains(action), "{action} in the audit log page");
    }
    let csv = keeper.get("/admin/audit.csv?action=node").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .starts_with("id,when,actor,action,target,reason,details\n"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 1 + 6, "{}", csv.body);
}

#[tokio::test]
async fn administrators_grant_the_role_and_retry_a_node_that_stopped_answering() {
    let node = TestNode::start().await;
    node.create_admin("keeper", "read").await;
    node.create_user("jo", "read").await;
    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;
    assert_eq!(jo.get("/admin").await.status, 403);

    let (_, jo_json) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let page = format!("/admin/accounts/{}", jo_json["id"].as_str().unwrap());
    let granted = keeper
        .submit(&page, &format!("{page}/role"), &[("admin", "true")])
        .await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    assert_eq!(jo.get("/admin").await.status, 200, "an administrator now");
    let removed = keeper
        .submit(&page, &format!("{page}/role"), &[("admin", "false")])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(jo.get("/admin").await.status, 403, "no longer");
    // Nobody removes their own role (a node keeps the one who acts).
    let (_, keeper_json) = node.get_json("/api/v1/accounts/lookup?acct=keeper").await;
    let own = format!("/admin/accounts/{}", keeper_json["id"].as_str().unwrap());
    assert!(!keeper
        .get(&own)
        .await
        .body
        .contains("Remove administrator role"));
    let refused = keeper
        .submit(&own, &format!("{own}/role"), &[("admin", "false")])
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);

    // A node that stopped answering: shown as such, and retried at once.
    let mut conn = node.db.conn().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "INSERT INTO peers (domain, attempts, failing_since, next_attempt_at)
             VALUES ('down.example', 9, now() - interval '3 days', now() + interval '6 hours')",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let federation = keeper.get("/admin/federation").await.body;
    assert!(
        federation.contains("down.example") && federation.contains("Not answering"),
        "{federation}"
    );
    let retried = keeper
        .submit(
            "/admin/federation",
            "/admin/federation/peers/down.example/retry",
            &[],
        )
        .await;
    assert_eq!(retried.status, 303, "{}", retried.body);
    let due: bool = diesel_async::RunQueryDsl::get_result::<Due>(
        diesel::sql_query(
            "SELECT next_attempt_at <= now() AS due FROM peers WHERE domain = 'down.example'",
        ),
        &mut conn,
    )
    .await
    .unwrap()
    .due;
    assert!(due, "due at once");
    let log = keeper.get("/admin/audit?action=delivery").await.body;
    assert!(log.contains("delivery.retry") && log.contains("down.example"));
    let log = keeper.get("/admin/audit?action=account").await.body;
    assert!(log.contains("account.grant_admin") && log.contains("account.remove_admin"));
}

#[derive(diesel::QueryableByName)]
struct Due {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    due: bool,
}
