//! Group rules against a scripted remote member: open joining, bans.

use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

#[tokio::test]
async fn an_open_group_admits_at_once_and_a_ban_shuts_the_door() {
    let node = TestNode::start().await;
    let owner = node.create_user("owner", "read write follow").await;
    moot_app::groups::create(
        &moot_app::Context::new(node.db.clone(), node.settings.clone()),
        "walking",
        "owner",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=walking", &owner)
        .await;
    let group_uri = group["uri"].as_str().unwrap().to_owned();
    let group_id = group["id"].as_str().unwrap().to_owned();
    let inbox = node.url("/inbox");

    let peer = FakePeer::start().await;
    let member = peer.add_actor("rambler");
    let follow = |n: u32| json!({"id": format!("{}/follows/{n}", peer.base_url), "type": "Follow", "actor": member, "object": group_uri});
    let (status, body) = peer.post_signed("rambler", &inbox, &follow(1)).await;
    assert_eq!(status, 202, "{body}");
    // Open: accepted at once.
    wait::until("the Accept reaches the peer", || async {
        peer.received()
            .iter()
            .any(|a| a["type"] == "Accept")
            .then_some(())
    })
    .await;

    let post = |n: u32| {
        let note = format!("{}/notes/{n}", peer.base_url);
        json!({
            "id": format!("{}/creates/{n}", peer.base_url), "type": "Create", "actor": member,
            "to": [group_uri, PUBLIC],
            "object": {"id": note, "type": "Note", "attributedTo": member, "audience": group_uri,
                       "content": format!("<p>walk {n}</p>"), "to": [group_uri, PUBLIC]},
        })
    };
    let (status, body) = peer.post_signed("rambler", &inbox, &post(1)).await;
    assert_eq!(status, 202, "a member posts: {body}");

    // The moderator bans the member (only moderators may).
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q=@rambler@{}&type=accounts", peer.host()),
            &owner,
        )
        .await;
    let member_id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
    let stranger = node.create_user("stranger", "read write follow").await;
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/moot/groups/{group_id}/bans/{member_id}"),
            &stranger,
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = node
        .api(
            Method::POST,
            &format!("/api/v1/moot/groups/{group_id}/bans/{member_id}"),
            &owner,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Banned: posts are refused, and asking to join again is rejected.
    let (status, _) = peer.post_signed("rambler", &inbox, &post(2)).await;
    assert_eq!(status, 403);
    let (status, _) = peer.post_signed("rambler", &inbox, &follow(2)).await;
    assert_eq!(status, 202);
    wait::until("the Reject reaches the peer", || async {
        peer.received()
            .iter()
            .any(|a| a["type"] == "Reject")
            .then_some(())
    })
    .await;
    let (_, g) = node
        .api(Method::GET, &format!("/api/v1/accounts/{group_id}"), &owner)
        .await;
    assert_eq!(
        g["followers_count"],
        Value::from(1),
        "only the owner remains"
    );
}

#[tokio::test]
async fn the_owner_appoints_moderators_from_the_members() {
    let node = TestNode::start().await;
    let owner = node.create_user("owner", "read write follow").await;
    let helper = node.create_user("helper", "read write follow").await;
    let ctx = moot_app::Context::new(node.db.clone(), node.settings.clone());
    moot_app::groups::create(
        &ctx,
        "planning",
        "owner",
        moot_app::groups::MembershipMode::Approval,
    )
    .await
    .unwrap();
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=planning", &owner)
        .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &helper)
        .await;
    let helper_id = me["id"].as_str().unwrap().to_owned();
    let appoint = format!("/api/v1/moot/groups/{group_id}/moderators/{helper_id}");

    let (status, _) = node.api(Method::POST, &appoint, &owner).await;
    assert_eq!(status, 422, "not a member yet");
    node.api(
        Method::POST,
        &format!("/api/v1/accounts/{group_id}/follow"),
        &helper,
    )
    .await;
    let requests = format!("/api/v1/moot/groups/{group_id}/requests");
    let (_, pending) = node.api(Method::GET, &requests, &owner).await;
    assert_eq!(pending[0]["id"], helper_id.as_str());
    node.api(
        Method::POST,
        &format!("{requests}/{helper_id}/authorize"),
        &owner,
    )
    .await;

    let (status, _) = node.api(Method::POST, &appoint, &helper).await;
    assert_eq!(status, 403, "only the owner appoints");
    let (status, body) = node.api(Method::POST, &appoint, &owner).await;
    assert_eq!(status, 200, "{body}");
    // The new moderator sees join requests and is listed on the group.
    let (status, _) = node.api(Method::GET, &requests, &helper).await;
    assert_eq!(status, 200);
    let moderators: Value = node
        .http
        .get(node.url("/users/planning/moderators"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moderators["totalItems"], 2);
}
