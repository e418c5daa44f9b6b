//! Account moderation across two real nodes: an administrator suspends a
//! local person in the browser; their tokens and browser sessions stop at
//! once (open streams end within seconds), their posts stop showing, and
//! the nodes of their followers are told (the actor arrives marked
//! `suspended`, and hides them there too). Lifting the suspension restores
//! sign-in and tells the followers again. Another node's account
//! suspended here is hidden here only.

use moot_testkit::social::{follow_across, in_home};
use moot_testkit::web::WebClient;
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn a_suspension_signs_out_hides_and_reaches_the_followers_node() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let (alice, alice_password) = a.create_user_with_password("alice", "read write follow");
    let (admin, keeper_password) = a.create_admin("keeper", "read admin:read admin:write");
    let bob = b.create_user("bob", "read write follow");
    let alice_on_b = follow_across(&b, &bob, &a, "alice").await;
    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({"status": "Minutes of the gritting meeting", "visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let copy = wait::until("the post reaches B", || {
        in_home(&b, &bob, "gritting meeting")
    })
    .await;
    let mut alice_web = WebClient::new(&a.base_url);
    assert_eq!(
        alice_web.sign_in("alice", &alice_password).await.status,
        303
    );
    assert_eq!(alice_web.get("/settings").await.status, 200);

    let mut stream = reqwest::Client::new()
        .get(format!("{}/api/v1/streaming/user", a.base_url))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200, "her app streams");

    // The administrator suspends Alice from her page in the browser.
    let (_, found) = a
        .api(Method::GET, "/api/v1/admin/accounts?username=alice", &admin)
        .await;
    let alice_id = found[0]["id"].as_str().unwrap().to_owned();
    let mut keeper = WebClient::new(&a.base_url);
    assert_eq!(keeper.sign_in("keeper", &keeper_password).await.status, 303);
    let page = format!("/admin/accounts/{alice_id}");
    assert!(keeper.get(&page).await.body.contains("Take action"));
    let done = keeper
        .submit(
            &page,
            &format!("{page}/act"),
            &[("action", "suspend"), ("text", "Advertising in groups")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    // At once: her token and her browser session no longer work.
    let (status, _) = a
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &alice)
        .await;
    assert_eq!(status, 401, "her token stops at once");
    assert_ne!(alice_web.get("/settings").await.status, 200, "signed out");
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "her open stream ends");
    let refused = WebClient::new(&a.base_url)
        .sign_in("alice", &alice_password)
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("suspended"), "{}", refused.body);
    // Her posts stop showing here.
    let post_id = post["id"].as_str().unwrap();
    let (status, _) = a
        .api(Method::GET, &format!("/api/v1/statuses/{post_id}"), &admin)
        .await;
    assert_eq!(status, 404);
    let (_, public) = a.api(Method::GET, "/api/v1/timelines/public", &admin).await;
    assert!(!public.to_string().contains("gritting meeting"), "{public}");

    // B is told: Alice is suspended there too, and her post hidden.
    let account_on_b = |suspended: bool| {
        let (b, bob, id) = (&b, &bob, alice_on_b.clone());
        async move {
            let (_, account) = b
                .api(Method::GET, &format!("/api/v1/accounts/{id}"), bob)
                .await;
            (account
                .get("suspended")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                == suspended)
                .then_some(account)
        }
    };
    let shown = wait::until("B hears of the suspension", || account_on_b(true)).await;
    assert_eq!(shown["display_name"], "", "{shown}");
    let copy_id = copy["id"].as_str().unwrap();
    let (status, _) = b
        .api(Method::GET, &format!("/api/v1/statuses/{copy_id}"), &bob)
        .await;
    assert_eq!(status, 404, "hidden on B");

    // Lifting it restores sign-in, and B hears of that too.
    let lifted = keeper
        .submit(&page, &format!("{page}/undo"), &[("what", "suspend")])
        .await;
    assert_eq!(lifted.status, 303, "{}", lifted.body);
    let mut again = WebClient::new(&a.base_url);
    assert_eq!(again.sign_in("alice", &alice_password).await.status, 303);
    assert_eq!(again.get("/settings").await.status, 200);
    wait::until("B hears the suspension is lifted", || account_on_b(false)).await;
    let (status, _) = b
        .api(Method::GET, &format!("/api/v1/statuses/{copy_id}"), &bob)
        .await;
    assert_eq!(status, 200, "shown again on B");

    let (_, log) = a
        .api(
            Method::GET,
            "/api/moot/v1/admin/audit_log?action=account",
            &admin,
        )
        .await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["account.unsuspend", "account.suspend"], "{log}");
    assert_eq!(log[1]["reason"], "Advertising in groups");
    assert_eq!(log[1]["target"], "@alice");
}

#[tokio::test]
async fn warnings_limits_and_sensitive_marks_reach_the_person_and_what_others_see() {
    use moot_testkit::openapi::MastodonApi;
    use moot_testkit::TestNode;

    let node = TestNode::start().await;
    let admin = node
        .create_admin("keeper", "read admin:read:accounts admin:write:accounts")
        .await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read").await;
    let (_, jo_json) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let jo_id = jo_json["id"].as_str().unwrap().to_owned();
    let act = |kind: &'static str, text: &'static str| {
        let (node, admin, jo_id) = (&node, admin.clone(), jo_id.clone());
        async move {
            let (status, body) = node
                .api_json(
                    Method::POST,
                    &format!("/api/v1/admin/accounts/{jo_id}/action"),
                    &admin,
                    json!({"type": kind, "text": text}),
                )
                .await;
            assert_eq!((status, &body), (200, &json!({})), "{kind}");
        }
    };
    let in_public = |text: &'static str| {
        let (node, sam) = (&node, sam.clone());
        async move {
            let (_, public) = node
                .api(Method::GET, "/api/v1/timelines/public", &sam)
                .await;
            public.to_string().contains(text)
        }
    };
    node.post(&jo, "Road closures this weekend").await;
    assert!(in_public("Road closures").await);

    // A warning: a notification from the administrators, as Mastodon's.
    act("none", "Please keep to the group's topic").await;
    let (_, notes) = node.api(Method::GET, "/api/v1/notifications", &jo).await;
    MastodonApi::get().assert_valid("GET", "/api/v1/notifications", 200, &notes);
    assert_eq!(notes[0]["type"], "moderation_warning", "{notes}");
    assert_eq!(notes[0]["moderation_warning"]["action"], "none");
    assert_eq!(
        notes[0]["moderation_warning"]["text"],
        "Please keep to the group's topic"
    );

    // Limited: out of the public timeline, and shown as limited.
    act("silence", "Posting the same thing everywhere").await;
    assert!(!in_public("Road closures").await, "limited");
    let (_, admin_view) = node
        .api(
            Method::GET,
            &format!("/api/v1/admin/accounts/{jo_id}"),
            &admin,
        )
        .await;
    MastodonApi::get().assert_entity("AdminAccount", &admin_view);
    assert_eq!(admin_view["silenced"], true);
    let (_, shown) = node
        .api(Method::GET, &format!("/api/v1/accounts/{jo_id}"), &sam)
        .await;
    assert_eq!(shown["limited"], true, "{shown}");
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/admin/accounts/{jo_id}/unsilence"),
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    assert!(in_public("Road closures").await, "no longer limited");

    // Sensitive: their files show as sensitive, whatever they chose.
    act("sensitive", "").await;
    let (status, media) = crate::media::upload(
        &node,
        &jo,
        crate::media::file("plan.pdf", "application/pdf", crate::media::PDF),
    )
    .await;
    assert_eq!(status, 200, "{media}");
    let (_, with_file) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "The gritting plan", "media_ids": [media["id"]]}),
        )
        .await;
    assert_eq!(with_file["sensitive"], true, "{with_file}");
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/admin/accounts/{jo_id}/unsensitive"),
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    let (_, again) = node
        .api(
            Method::GET,
            &format!("/api/v1/statuses/{}", with_file["id"].as_str().unwrap()),
            &sam,
        )
        .await;
    assert_eq!(again["sensitive"], false, "{again}");

    // An administrator cannot act on their own account.
    let (_, keeper_json) = node.get_json("/api/v1/accounts/lookup?acct=keeper").await;
    let (status, _) = node
        .api_json(
            Method::POST,
            &format!(
                "/api/v1/admin/accounts/{}/action",
                keeper_json["id"].as_str().unwrap()
            ),
            &admin,
            json!({"type": "suspend"}),
        )
        .await;
    assert_eq!(status, 422);
}
