//! A group's page: its discussions (as each person may see them), pinned
//! posts and members, and posting a new discussion from the browser.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use reqwest::Method;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn a_group_page_shows_what_each_person_may_see() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read").await;
    node.create_user("kim", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut kim = WebClient::new(&node.url(""));
    kim.sign_in("kim", PASSWORD).await;
    kim.submit("/groups/housing", "/groups/housing/join", &[])
        .await;
    let posted = kim
        .submit(
            "/groups/housing",
            "/groups/housing/posts",
            &[("text", "Who has a **damp** checklist?")],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let empty = kim
        .submit(
            "/groups/housing",
            "/groups/housing/posts",
            &[("text", "  ")],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Enter your post"));

    let post = node
        .post(
            &jo,
            &format!(
                "@housing@{} Read this first: the repairs policy.",
                node.settings.server.hostname
            ),
        )
        .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=housing", &jo)
        .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let (status, pinned) = node
        .api(
            Method::POST,
            &format!("/api/moot/v1/groups/{group_id}/pins/{post_id}"),
            &jo,
        )
        .await;
    assert!(status == 200, "{status} {pinned}");

    let page = kim.get("/groups/housing").await.body;
    assert!(page.contains("<strong>damp</strong> checklist"), "{page}");
    assert!(page.contains("Pinned"), "{page}");
    assert!(page.contains("the repairs policy"));
    assert!(
        page.contains("jo</a> (owner)"),
        "members are listed: {page}"
    );

    // Jo blocks Sam: Sam no longer sees Jo's posts in the group.
    let (_, sam_account) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=sam", &jo)
        .await;
    let sam_id = sam_account["id"].as_str().unwrap();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{sam_id}/block"),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    let _ = sam;
    let mut sam_web = WebClient::new(&node.url(""));
    sam_web.sign_in("sam", PASSWORD).await;
    let page = sam_web.get("/groups/housing").await.body;
    assert!(page.contains("checklist"), "Kim's post is there for Sam");
    assert!(!page.contains("the repairs policy"), "Jo's is not: {page}");
}
