//! A group's pinned (announcement) posts across two real nodes: a
//! moderator on A pins a post made in the group; B shows it pinned on the
//! group's profile, and no longer once it is unpinned.

use moot_testkit::social::{follow_across, in_home, make_group, moot_api};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn pinned(node: &ProcessNode, token: &str, group: &str) -> Vec<Value> {
    let (status, posts) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{group}/statuses?pinned=true"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{posts}");
    posts.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_pinned_group_post_shows_as_pinned_on_another_node() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let dave = a.create_user("dave", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let group = make_group(&a, &alice, "roads", "alice", "open").await;
    let group_on_b = follow_across(&b, &bob, &a, "roads").await;
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{group}/follow"),
            &dave,
        )
        .await;
    assert_eq!(status, 200);

    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({ "status": "@roads Read this first: how we report potholes." }),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let post_id = post["id"].as_str().unwrap().to_owned();
    wait::until("the post reaches B", || async {
        in_home(&b, &bob, "how we report potholes").await
    })
    .await;

    let path = format!("/groups/{group}/pins/{post_id}");
    let template = "/groups/{id}/pins/{status_id}";
    let (status, _) = moot_api(&a, &dave, Method::POST, (template, &path), None).await;
    assert_eq!(status, 403, "a member who is not a moderator");
    let (status, _) = moot_api(&a, &alice, Method::POST, (template, &path), None).await;
    assert_eq!(status, 200);
    assert_eq!(pinned(&a, &alice, &group).await.len(), 1);
    wait::until("B shows the post pinned", || async {
        let posts = pinned(&b, &bob, &group_on_b).await;
        posts
            .first()
            .filter(|p| {
                p["content"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("potholes")
            })
            .map(|_| ())
    })
    .await;

    let (status, _) = moot_api(&a, &alice, Method::DELETE, (template, &path), None).await;
    assert_eq!(status, 200);
    wait::until("B unpins it", || async {
        pinned(&b, &bob, &group_on_b).await.is_empty().then_some(())
    })
    .await;
}
