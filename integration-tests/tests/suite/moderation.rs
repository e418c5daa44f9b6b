//! Account moderation across two real nodes: an administrator suspends a
//! local person in the browser; their tokens and browser sessions stop at
//! once, their posts stop showing, and the nodes of their followers are
//! told (the actor arrives marked `suspended`, and hides them there too).
//! Lifting the suspension restores sign-in and tells the followers again.

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
