//! A group's moderators keep it in order across three real nodes: the
//! group lives on A, Bob posts into it from B, Carol reads it on C. A
//! report about Bob's post reaches the group's owner on A (not an
//! administrator), who removes the post from the group (gone on A, B and
//! C) and resolves the report; then closes a thread to new replies (a
//! reply from B is refused there, and from A), and opens it again.

use moot_testkit::social::{follow_across, in_home, make_group};
use moot_testkit::web::WebClient;
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn reply(node: &ProcessNode, token: &str, to: &str, text: &str) -> (u16, Value) {
    node.api_json(
        Method::POST,
        "/api/v1/statuses",
        token,
        json!({"status": text, "in_reply_to_id": to}),
    )
    .await
}

#[tokio::test]
async fn group_moderators_remove_posts_resolve_reports_and_lock_threads_across_nodes() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let (ann, ann_password) = a.create_user_with_password("ann", "read write follow");
    let (dan, dan_password) = a.create_user_with_password("dan", "read write follow");
    let (admin, _) = a.create_admin("keeper", "read admin:read");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let group = make_group(&a, &ann, "housing", "ann", "open").await;
    follow_across(&b, &bob, &a, "housing").await;
    follow_across(&c, &carol, &a, "housing").await;
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{group}/follow"),
            &dan,
        )
        .await;
    assert_eq!(status, 200);

    // Bob's post into the group reaches everyone.
    let (status, _) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            json!({"status": format!("@housing@{} Selling cheap boilers, message me", a.hostname)}),
        )
        .await;
    assert_eq!(status, 200);
    let on_c = wait::until("C has it", || in_home(&c, &carol, "cheap boilers")).await;
    let on_a = wait::until("A has it", || in_home(&a, &dan, "cheap boilers")).await;
    let on_b = in_home(&b, &bob, "cheap boilers").await.expect("Bob's own");
    let post_on_a = on_a["id"].as_str().unwrap().to_owned();

    // Dan reports it on A; the group's owner (no administrator) sees it.
    let (status, report) = a
        .api_json(
            Method::POST,
            "/api/v1/reports",
            &dan,
            json!({"account_id": on_a["account"]["id"], "status_ids": [post_on_a],
                   "category": "spam", "comment": "Adverts in the group"}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let mut ann_web = WebClient::new(&a.base_url);
    ann_web.sign_in("ann", &ann_password).await;
    let manage = "/groups/housing/manage";
    let page = ann_web.get(manage).await.body;
    assert!(
        page.contains("Adverts in the group") && page.contains("cheap boilers"),
        "{page}"
    );

    // A member who does not moderate cannot act.
    let mut dan_web = WebClient::new(&a.base_url);
    dan_web.sign_in("dan", &dan_password).await;
    let remove = format!("{manage}/posts/{post_on_a}/remove");
    let token = dan_web.get("/settings").await.csrf_token().unwrap();
    let refused = dan_web
        .post(&remove, &[("csrf_token", &token), ("reason", "x")])
        .await;
    assert_eq!(refused.status, 403);

    let removed = ann_web
        .submit(manage, &remove, &[("reason", "Selling in the group")])
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let (status, _) = a
        .api(Method::GET, &format!("/api/v1/statuses/{post_on_a}"), &dan)
        .await;
    assert_eq!(status, 404, "gone on A");
    for (node, token, copy, name) in [(&c, &carol, &on_c, "C"), (&b, &bob, &on_b, "B")] {
        let path = format!("/api/v1/statuses/{}", copy["id"].as_str().unwrap());
        wait::until(&format!("the removal reaches {name}"), || async {
            let (status, _) = node.api(Method::GET, &path, token).await;
            (status == 404).then_some(())
        })
        .await;
    }
    let report_id = report["id"].as_str().unwrap();
    let resolved = ann_web
        .submit(
            manage,
            &format!("{manage}/reports/{report_id}/resolve"),
            &[],
        )
        .await;
    assert_eq!(resolved.status, 303, "{}", resolved.body);
    let (_, done) = a
        .api(Method::GET, "/api/v1/admin/reports?resolved=true", &admin)
        .await;
    assert_eq!(done[0]["id"], report_id);
    assert_eq!(done[0]["action_taken_by_account"]["username"], "ann");

    // A thread closed to new replies, on every node.
    let (_, root) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &ann,
            json!({"status": "@housing Gritting plan for this winter"}),
        )
        .await;
    let root_id = root["id"].as_str().unwrap().to_owned();
    let root_on_b = wait::until("B has the plan", || in_home(&b, &bob, "Gritting plan")).await;
    let root_on_b = root_on_b["id"].as_str().unwrap().to_owned();
    let thread = format!("/posts/{root_id}");
    assert!(ann_web
        .get(&thread)
        .await
        .body
        .contains("Close to new replies"));
    assert!(!dan_web
        .get(&thread)
        .await
        .body
        .contains("Close to new replies"));
    let lock = format!("{manage}/posts/{root_id}/lock");
    let closed = ann_web.submit(&thread, &lock, &[("locked", "true")]).await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    let page = dan_web.get(&thread).await.body;
    assert!(
        page.contains("closed to new replies") && !page.contains("Your reply"),
        "{page}"
    );
    let (status, _) = reply(&a, &dan, &root_id, "Salt stocks?").await;
    assert_eq!(status, 422, "closed on A");
    wait::until("B hears the thread is closed", || async {
        let (status, _) = reply(&b, &bob, &root_on_b, "What about cycle lanes?").await;
        (status == 422).then_some(())
    })
    .await;

    let opened = ann_web.submit(&thread, &lock, &[("locked", "false")]).await;
    assert_eq!(opened.status, 303);
    wait::until("B hears it is open again", || async {
        let (status, _) = reply(&b, &bob, &root_on_b, "What about cycle lanes?").await;
        (status == 200).then_some(())
    })
    .await;
    wait::until("Bob's reply reaches A", || async {
        let (_, context) = a
            .api(
                Method::GET,
                &format!("/api/v1/statuses/{root_id}/context"),
                &ann,
            )
            .await;
        context["descendants"]
            .as_array()
            .filter(|d| {
                d.iter().any(|p| {
                    p["content"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("cycle lanes")
                })
            })
            .map(|_| ())
    })
    .await;

    let (_, log) = a
        .api(Method::GET, "/api/moot/v1/admin/audit_log", &admin)
        .await;
    let actions: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    for expected in [
        "group.remove_post",
        "report.resolve",
        "group.lock",
        "group.unlock",
    ] {
        assert!(
            actions.contains(&(expected, "@ann")),
            "{expected} by @ann in {log}"
        );
    }
    let removal = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "group.remove_post")
        .unwrap();
    assert_eq!(removal["reason"], "Selling in the group");
}
