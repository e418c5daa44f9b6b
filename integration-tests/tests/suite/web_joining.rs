//! Joining a node: invitation links admit people while registration is
//! closed (from the browser and from apps), and stop once used up,
//! expired or withdrawn; sign-ups that need approval are approved and
//! rejected from the browser and through Mastodon's admin API; a password
//! reset link works once.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough password";

/// The invitation links shown on the admin page, newest first.
async fn invite_links(admin: &mut WebClient) -> Vec<String> {
    let page = admin.get("/admin/invites").await.body;
    page.split("/invite/")
        .skip(1)
        .map(|rest| rest.split(['<', '"']).next().unwrap().to_owned())
        .collect()
}

/// Signs up through the web form (reached from `start`).
async fn sign_up(web: &mut WebClient, start: &str, username: &str, reason: &str) -> u16 {
    let form = web.get(start).await;
    let Some(token) = form.csrf_token() else {
        return form.status;
    };
    let invite = form
        .body
        .split("name=\"invite\" value=\"")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .unwrap_or_default();
    let email = format!("{username}@council.example");
    let answer = web
        .post(
            "/signup",
            &[
                ("csrf_token", &token),
                ("invite", &invite),
                ("username", username),
                ("email", &email),
                ("password", PASSWORD),
                ("reason", reason),
                ("agreement", "true"),
            ],
        )
        .await;
    answer.status
}

#[tokio::test]
async fn invitation_links_admit_people_while_registration_is_closed() {
    let node = TestNode::start_with(|s| {
        s.registration.mode = moot_core::settings::RegistrationMode::Closed;
    })
    .await;
    node.create_admin("keeper", "read").await;
    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;

    // Closed: no form for anyone without an invitation.
    let mut visitor = WebClient::new(&node.url(""));
    assert_eq!(visitor.get("/signup").await.status, 403);

    let made = keeper
        .submit(
            "/admin/invites",
            "/admin/invites",
            &[
                ("comment", "Housing team"),
                ("max_uses", "1"),
                ("expires", "7d"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let code = invite_links(&mut keeper).await.remove(0);
    let link = format!("/invite/{code}");
    let opened = visitor.get(&link).await;
    assert_eq!(opened.status, 303);
    let start = opened.location.unwrap();
    assert_eq!(sign_up(&mut visitor, &start, "newbie", "").await, 303);
    let mut newbie = WebClient::new(&node.url(""));
    assert_eq!(
        newbie.sign_in("newbie", PASSWORD).await.status,
        303,
        "approved at once"
    );

    // Used up: the link and the form both refuse a second person.
    assert_eq!(visitor.get(&link).await.status, 403);
    assert_eq!(sign_up(&mut visitor, &start, "second", "").await, 403);
    assert_eq!(
        WebClient::new(&node.url(""))
            .sign_in("second", PASSWORD)
            .await
            .status,
        401
    );

    // Expired and withdrawn invitations are refused too, from apps as well.
    let ctx = node.ctx();
    let keeper_account = moot_app::directory::local_any(&ctx, "keeper")
        .await
        .unwrap()
        .unwrap();
    let lapsing = moot_app::invites::create(&ctx, &keeper_account, Default::default())
        .await
        .unwrap();
    let mut conn = node.db.conn().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE invites SET expires_at = now() - interval '1 minute' WHERE id = $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(lapsing.id),
        &mut conn,
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(
        visitor
            .get(&format!("/invite/{}", lapsing.code))
            .await
            .status,
        403
    );
    let app = crate::oauth::app_token(&node, "read write").await;
    let by_app = |code: String, username: &'static str| {
        let (node, app) = (&node, app.clone());
        async move {
            node.api_json(
                Method::POST,
                "/api/v1/accounts",
                &app,
                json!({"username": username, "email": format!("{username}@council.example"),
                       "password": PASSWORD, "agreement": true, "invite_code": code}),
            )
            .await
        }
    };
    let (status, _) = by_app(lapsing.code.clone(), "late").await;
    assert_eq!(status, 403, "expired");

    keeper
        .submit(
            "/admin/invites",
            "/admin/invites",
            &[("max_uses", ""), ("expires", "1d")],
        )
        .await;
    let many = invite_links(&mut keeper).await.remove(0);
    let (status, grant) = by_app(many.clone(), "from_app").await;
    assert_eq!(status, 200, "{grant}");
    let (status, me) = node
        .api(
            Method::GET,
            "/api/v1/accounts/verify_credentials",
            grant["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!((status, me["username"].as_str()), (200, Some("from_app")));
    let page = keeper.get("/admin/invites").await.body;
    let id = page
        .split("/admin/invites/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let withdrawn = keeper
        .submit(
            "/admin/invites",
            &format!("/admin/invites/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let (status, _) = by_app(many.clone(), "after").await;
    assert_eq!(status, 403, "withdrawn");
    assert_eq!(visitor.get(&format!("/invite/{many}")).await.status, 403);
}

#[tokio::test]
async fn pending_sign_ups_are_approved_and_rejected_in_the_browser_and_the_admin_api() {
    let node = TestNode::start().await;
    let admin = node
        .create_admin("keeper", "read admin:read:accounts admin:write:accounts")
        .await;
    let member = node.create_user("member", "read admin:read").await;
    let mut visitor = WebClient::new(&node.url(""));
    for (name, reason) in [("ann", "I run the housing team"), ("ben", "Curious")] {
        assert_eq!(sign_up(&mut visitor, "/signup", name, reason).await, 303);
    }
    let refused = WebClient::new(&node.url("")).sign_in("ann", PASSWORD).await;
    assert!(
        refused.body.contains("waiting for an admin"),
        "{}",
        refused.body
    );

    // In the browser: the pending list, Ann's reason, approval.
    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    let pending = keeper.get("/admin/accounts?status=pending").await.body;
    assert!(
        pending.contains("ann") && pending.contains("ben"),
        "{pending}"
    );
    let (_, listed) = node
        .api(
            Method::GET,
            "/api/v2/admin/accounts?status=pending&origin=local",
            &admin,
        )
        .await;
    let id_of = |listed: &Value, name: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .unwrap_or_else(|| panic!("{name} in {listed}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for account in listed.as_array().unwrap() {
        MastodonApi::get().assert_entity("AdminAccount", account);
        assert_eq!(account["approved"], false);
    }
    let ann = id_of(&listed, "ann");
    let ben = id_of(&listed, "ben");
    assert_eq!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "ann")
            .unwrap()["invite_request"],
        "I run the housing team"
    );
    let page = format!("/admin/accounts/{ann}");
    assert!(keeper
        .get(&page)
        .await
        .body
        .contains("I run the housing team"));
    let approved = keeper.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert_eq!(
        WebClient::new(&node.url(""))
            .sign_in("ann", PASSWORD)
            .await
            .status,
        303
    );

    // Through the admin API: Ben is rejected (and gone); a third approved.
    let (status, rejected) = node
        .api(
            Method::POST,
            &format!("/api/v1/admin/accounts/{ben}/reject"),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{rejected}");
    MastodonApi::get().assert_entity("AdminAccount", &rejected);
    let (status, _) = node.get_json("/api/v1/accounts/lookup?acct=ben").await;
    assert_eq!(status, 404, "a rejected sign-up is removed");
    assert_eq!(
        sign_up(&mut visitor, "/signup", "cy", "New starter").await,
        303
    );
    let (_, listed) = node
        .api(Method::GET, "/api/v1/admin/accounts?pending=true", &admin)
        .await;
    let cy = id_of(&listed, "cy");
    let (status, shown) = node
        .api(
            Method::POST,
            &format!("/api/v1/admin/accounts/{cy}/approve"),
            &admin,
        )
        .await;
    assert_eq!((status, &shown["approved"]), (200, &json!(true)), "{shown}");
    let (_, left) = node
        .api(Method::GET, "/api/v1/admin/accounts?pending=true", &admin)
        .await;
    assert_eq!(left, json!([]));
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/admin/accounts/{cy}/approve"),
            &admin,
        )
        .await;
    assert_eq!(status, 409, "approved already");

    // Only administrators with the scope.
    let (status, _) = node
        .api(Method::GET, "/api/v1/admin/accounts", &member)
        .await;
    assert_eq!(status, 403);
    let read_only = node.create_admin("reader", "read").await;
    let (status, _) = node
        .api(Method::GET, "/api/v2/admin/accounts", &read_only)
        .await;
    assert_eq!(status, 403, "no admin scope");

    let (_, log) = node
        .api(
            Method::GET,
            "/api/moot/v1/admin/audit_log?action=account",
            &node.create_admin("auditor", "admin:read").await,
        )
        .await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["account.approve", "account.reject", "account.approve"],
        "{log}"
    );
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_signs_out_everywhere() {
    let node = TestNode::start().await;
    node.create_admin("keeper", "read").await;
    let jo = node.create_user("jo", "read").await;
    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    let (_, jo_json) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let page = format!("/admin/accounts/{}", jo_json["id"].as_str().unwrap());
    let made = keeper.submit(&page, &format!("{page}/reset"), &[]).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let link = made
        .body
        .split("/reset/")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .map(|token| format!("/reset/{token}"))
        .expect("the link is shown");

    let mut jo_web = WebClient::new(&node.url(""));
    let changed = jo_web
        .submit(&link, &link, &[("password", "a brand new long password")])
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let (status, _) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert_eq!(status, 401, "signed out everywhere");
    assert_eq!(
        WebClient::new(&node.url(""))
            .sign_in("jo", "a brand new long password")
            .await
            .status,
        303
    );
    assert_eq!(jo_web.get(&link).await.status, 410, "used once");
}
