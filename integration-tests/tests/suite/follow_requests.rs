//! A person who approves followers by hand: requests wait, are listed, and
//! are authorized or rejected, for local people and people elsewhere.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_locked_person_answers_requests_from_here_and_elsewhere() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let (status, _) = node
        .api_json(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            &jo,
            json!({"locked": true}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=jo", &sam)
        .await;
    assert_eq!(me["locked"], true);
    let jo_id = me["id"].as_str().unwrap().to_owned();
    let follow_path = format!("/api/v1/accounts/{jo_id}/follow");
    for token in [&sam, &kim] {
        let (_, relationship) = node.api(Method::POST, &follow_path, token).await;
        assert_eq!(relationship["requested"], true, "{relationship}");
        assert_eq!(relationship["following"], false);
    }
    let peer = FakePeer::start().await;
    let fan = peer.add_actor("fan");
    let follow = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                        "actor": fan, "object": node.url("/users/jo")});
    let (status, _) = peer.post_signed("fan", &node.url("/inbox"), &follow).await;
    assert_eq!(status, 202);

    let (_, told) = node
        .api(
            Method::GET,
            "/api/v1/notifications?types[]=follow_request",
            &jo,
        )
        .await;
    assert_eq!(told.as_array().unwrap().len(), 3, "{told}");
    let (status, waiting) = node.api(Method::GET, "/api/v1/follow_requests", &jo).await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/follow_requests", 200, &waiting);
    let names: Vec<&str> = waiting
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sam", "kim", "fan"]);
    let id_of = |n: usize| waiting[n]["id"].as_str().unwrap().to_owned();

    let (status, relationship) = node
        .api(
            Method::POST,
            &format!("/api/v1/follow_requests/{}/authorize", id_of(0)),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid(
        "POST",
        "/api/v1/follow_requests/{account_id}/authorize",
        200,
        &relationship,
    );
    assert_eq!(relationship["followed_by"], true);
    let (_, rels) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/relationships?id[]={jo_id}"),
            &sam,
        )
        .await;
    assert_eq!(rels[0]["following"], true);

    let (_, relationship) = node
        .api(
            Method::POST,
            &format!("/api/v1/follow_requests/{}/reject", id_of(1)),
            &jo,
        )
        .await;
    assert_eq!(relationship["requested_by"], false);
    assert_eq!(relationship["followed_by"], false);

    node.api(
        Method::POST,
        &format!("/api/v1/follow_requests/{}/authorize", id_of(2)),
        &jo,
    )
    .await;
    let accept = wait::until("the Accept reaches the peer", || async {
        peer.received().into_iter().find(|a| a["type"] == "Accept")
    })
    .await;
    assert_eq!(accept["object"]["id"], follow["id"]);
    let (_, left) = node.api(Method::GET, "/api/v1/follow_requests", &jo).await;
    assert_eq!(left, json!([]));
    // Nothing to answer: not found.
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/follow_requests/{}/authorize", id_of(1)),
            &jo,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_person_removes_followers_from_here_and_elsewhere() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    node.follow_local(&sam, "jo").await;
    let peer = FakePeer::start().await;
    let fan = peer.add_actor("fan");
    let follow = json!({"id": format!("{}/follows/7", peer.base_url), "type": "Follow",
                        "actor": fan, "object": node.url("/users/jo")});
    let (status, _) = peer.post_signed("fan", &node.url("/inbox"), &follow).await;
    assert_eq!(status, 202);
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert_eq!(me["followers_count"], 2);

    let (_, sam_json) = node.get_json("/api/v1/accounts/lookup?acct=sam").await;
    let path = format!(
        "/api/v1/accounts/{}/remove_from_followers",
        sam_json["id"].as_str().unwrap()
    );
    let (status, relationship) = node.api(Method::POST, &path, &jo).await;
    assert_eq!(status, 200, "{relationship}");
    api.assert_valid(
        "POST",
        "/api/v1/accounts/{id}/remove_from_followers",
        200,
        &relationship,
    );
    assert_eq!(relationship["followed_by"], false);
    let (status, _) = node.api(Method::POST, &path, &jo).await;
    assert_eq!(status, 404, "no longer a follower");

    // Someone elsewhere: their node gets a Reject of their follow.
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={fan}&type=accounts"),
            &jo,
        )
        .await;
    let fan_id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{fan_id}/remove_from_followers"),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    let reject = wait::until("the fan's node hears of it", || async {
        peer.received().into_iter().find(|a| a["type"] == "Reject")
    })
    .await;
    assert_eq!(reject["object"]["id"], follow["id"], "{reject}");
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert_eq!(me["followers_count"], 0);
}
