//! A group's moderators in the browser: requests to join, bans,
//! moderators, and the group's settings; and the refusal others get.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";

/// The `account_id` of `username` in the page's first form about them.
fn account_id(body: &str, username: &str) -> String {
    let at = body.find(&format!("/@{username}\"")).expect(username);
    let field = body[at..].find("name=\"account_id\" value=\"").unwrap() + at + 25;
    body[field..field + body[field..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn moderators_decide_requests_bans_roles_and_settings() {
    let node = TestNode::start().await;
    for person in ["owner", "sam", "kim"] {
        node.create_user(person, "read").await;
    }
    node.create_group(
        "planning",
        "owner",
        moot_app::groups::MembershipMode::Approval,
    )
    .await;
    let mut owner = WebClient::new(&node.url(""));
    owner.sign_in("owner", PASSWORD).await;
    let mut sam = WebClient::new(&node.url(""));
    sam.sign_in("sam", PASSWORD).await;
    let mut kim = WebClient::new(&node.url(""));
    kim.sign_in("kim", PASSWORD).await;

    let asked = sam
        .submit("/groups/planning", "/groups/planning/join", &[])
        .await;
    assert_eq!(asked.status, 303);
    assert!(sam
        .get("/groups/planning")
        .await
        .body
        .contains("Withdraw request"));
    kim.submit("/groups/planning", "/groups/planning/join", &[])
        .await;

    // Only moderators may manage the group.
    let refused = sam.get("/groups/planning/manage").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Only the group"));

    let manage = owner.get("/groups/planning/manage").await;
    assert_eq!(manage.status, 200);
    let sam_id = account_id(&manage.body, "sam");
    let kim_id = account_id(&manage.body, "kim");
    let accepted = owner
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/accept",
            &[("account_id", &sam_id)],
        )
        .await;
    assert_eq!(accepted.status, 303);
    owner
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/reject",
            &[("account_id", &kim_id)],
        )
        .await;
    assert!(sam.get("/groups/planning").await.body.contains("Leave"));
    assert!(kim
        .get("/groups/planning")
        .await
        .body
        .contains("Ask to join"));

    // The owner makes Sam a moderator; Sam can then manage, and bans Kim.
    owner
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/promote",
            &[("account_id", &sam_id)],
        )
        .await;
    assert_eq!(sam.get("/groups/planning/manage").await.status, 200);
    let banned = sam
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/ban",
            &[("account_id", &kim_id)],
        )
        .await;
    assert_eq!(banned.status, 303);
    let manage = sam.get("/groups/planning/manage").await;
    assert!(manage.body.contains("Lift the ban"));
    let again = kim
        .submit("/groups/planning", "/groups/planning/join", &[])
        .await;
    assert_eq!(again.status, 403, "{}", again.body);
    // A moderator cannot change roles, even their own: only the owner can.
    let demote = sam
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/demote",
            &[("account_id", &sam_id)],
        )
        .await;
    assert_eq!(demote.status, 403);

    let saved = owner
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/settings",
            &[
                ("display_name", "Planning officers"),
                ("description", "For **planning** officers across councils."),
                ("mode", "open"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = kim.get("/groups/planning").await;
    assert!(page.body.contains("Planning officers"));
    assert!(page.body.contains("<strong>planning</strong>"));
    assert!(page.body.contains("Open"));
    let bad = owner
        .submit(
            "/groups/planning/manage",
            "/groups/planning/manage/ban",
            &[("account_id", "abc")],
        )
        .await;
    assert_eq!(bad.status, 400);
}
