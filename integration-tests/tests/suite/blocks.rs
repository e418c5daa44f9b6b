//! Blocks and mutes: what each hides, from whom, and what other nodes are
//! told.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn id_of(node: &TestNode, token: &str, acct: &str) -> String {
    let (_, account) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/lookup?acct={acct}"),
            token,
        )
        .await;
    account["id"].as_str().unwrap().to_owned()
}

async fn act(node: &TestNode, token: &str, id: &str, action: &str) -> Value {
    let (status, relationship) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{id}/{action}"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{action}: {relationship}");
    MastodonApi::get().assert_valid(
        "POST",
        &format!("/api/v1/accounts/{{id}}/{action}"),
        200,
        &relationship,
    );
    relationship
}

async fn home_texts(node: &TestNode, token: &str) -> Vec<String> {
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    home.as_array()
        .unwrap()
        .iter()
        .map(|p| p["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn notification_count(node: &TestNode, token: &str) -> usize {
    let (_, list) = node.api(Method::GET, "/api/v1/notifications", token).await;
    list.as_array().unwrap().len()
}

#[tokio::test]
async fn a_block_parts_two_people_both_ways() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let sam_id = id_of(&node, &jo, "sam").await;
    let jo_id = id_of(&node, &sam, "jo").await;
    act(&node, &sam, &jo_id, "follow").await;
    act(&node, &jo, &sam_id, "follow").await;
    let post = node.post(&jo, "Gully cleaning schedule").await;
    let post_id = post["id"].as_str().unwrap();

    let relationship = act(&node, &jo, &sam_id, "block").await;
    assert_eq!(relationship["blocking"], true);
    assert_eq!(relationship["following"], false, "the follow ended");
    let (_, theirs) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/relationships?id[]={jo_id}"),
            &sam,
        )
        .await;
    assert_eq!(theirs[0]["blocked_by"], true);
    assert_eq!(theirs[0]["following"], false);

    // Sam can no longer follow Jo, nor see Jo's posts.
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{jo_id}/follow"),
            &sam,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .api(Method::GET, &format!("/api/v1/statuses/{post_id}"), &sam)
        .await;
    assert_eq!(status, 404);
    // Jo hears nothing from Sam and sees none of Sam's posts.
    let before = notification_count(&node, &jo).await;
    node.post(&sam, "@jo are you there?").await;
    assert_eq!(notification_count(&node, &jo).await, before);
    let (_, public) = node.api(Method::GET, "/api/v1/timelines/public", &jo).await;
    assert!(public
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["account"]["username"] != "sam"));
    let (_, blocked) = node.api(Method::GET, "/api/v1/blocks", &jo).await;
    MastodonApi::get().assert_valid("GET", "/api/v1/blocks", 200, &blocked);
    assert_eq!(blocked[0]["username"], "sam");

    let relationship = act(&node, &jo, &sam_id, "unblock").await;
    assert_eq!(relationship["blocking"], false);
    let (status, _) = node
        .api(Method::GET, &format!("/api/v1/statuses/{post_id}"), &sam)
        .await;
    assert_eq!(status, 200);
    act(&node, &sam, &jo_id, "follow").await;
}

#[tokio::test]
async fn a_mute_quiets_timelines_and_notifications_for_a_while() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let kim_id = id_of(&node, &jo, "kim").await;
    act(&node, &jo, &kim_id, "follow").await;
    node.post(&kim, "Before the mute").await;

    let relationship = act(&node, &jo, &kim_id, "mute").await;
    assert_eq!(relationship["muting"], true);
    assert_eq!(relationship["muting_notifications"], true);
    assert_eq!(relationship["following"], true, "a mute keeps the follow");
    assert!(home_texts(&node, &jo).await.is_empty());
    node.post(&kim, "@jo while muted").await;
    assert_eq!(notification_count(&node, &jo).await, 0);
    let (_, muted) = node.api(Method::GET, "/api/v1/mutes", &jo).await;
    assert_eq!(muted[0]["username"], "kim");

    // Muting posts only: mentions still notify.
    let (status, relationship) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{kim_id}/mute"),
            &jo,
            json!({"notifications": false, "duration": 1}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(relationship["muting_notifications"], false);
    node.post(&kim, "@jo a mention that notifies").await;
    assert_eq!(notification_count(&node, &jo).await, 1);
    // A mute for a second runs out by itself.
    let home = wait::until("the mute runs out", || async {
        let home = home_texts(&node, &jo).await;
        (!home.is_empty()).then_some(home)
    })
    .await;
    assert_eq!(home.len(), 3, "{home:?}");
    let (status, _) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{kim_id}/mute"),
            &jo,
            json!({"duration": "soon"}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn blocks_cross_to_other_nodes_and_back() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let troll = peer.add_actor("troll");
    let inbox = node.url("/inbox");
    let follow = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                        "actor": troll, "object": node.url("/users/jo")});
    let (status, _) = peer.post_signed("troll", &inbox, &follow).await;
    assert_eq!(status, 202);
    let troll_id = id_of(&node, &jo, &format!("troll@{}", peer.host())).await;

    act(&node, &jo, &troll_id, "block").await;
    let block = wait::until("the Block reaches the peer", || async {
        peer.received().into_iter().find(|a| a["type"] == "Block")
    })
    .await;
    assert_eq!(block["object"], troll.as_str());
    let (_, followers) = node
        .api(
            Method::GET,
            &format!(
                "/api/v1/accounts/{}/followers",
                id_of(&node, &jo, "jo").await
            ),
            &jo,
        )
        .await;
    assert_eq!(followers, json!([]), "the blocked follower is gone");
    act(&node, &jo, &troll_id, "unblock").await;
    wait::until("the Undo reaches the peer", || async {
        peer.received()
            .into_iter()
            .find(|a| a["type"] == "Undo" && a["object"]["type"] == "Block")
    })
    .await;

    // Blocked from over there, and then not.
    let their_block = json!({"id": format!("{}/blocks/1", peer.base_url), "type": "Block",
                             "actor": troll, "object": node.url("/users/jo")});
    let (status, body) = peer.post_signed("troll", &inbox, &their_block).await;
    assert_eq!(status, 202, "{body}");
    let rel_path = format!("/api/v1/accounts/relationships?id[]={troll_id}");
    assert_eq!(
        node.api(Method::GET, &rel_path, &jo).await.1[0]["blocked_by"],
        true
    );
    let undo = json!({"id": format!("{}/undos/1", peer.base_url), "type": "Undo",
                      "actor": troll, "object": their_block});
    let (status, body) = peer.post_signed("troll", &inbox, &undo).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        node.api(Method::GET, &rel_path, &jo).await.1[0]["blocked_by"],
        false
    );

    // A moderator's ban (Lemmy: a Block with a target) is not a personal
    // block.
    let ban = json!({"id": format!("{}/blocks/2", peer.base_url), "type": "Block",
                     "actor": troll, "object": node.url("/users/jo"),
                     "target": format!("{}/c/main", peer.base_url)});
    let (status, body) = peer.post_signed("troll", &inbox, &ban).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        node.api(Method::GET, &rel_path, &jo).await.1[0]["blocked_by"],
        false
    );
}

/// A mention of jo from `actor` on the peer, as a Create to jo.
fn mention(peer: &FakePeer, actor: &str, n: u32, jo_uri: &str) -> Value {
    let note = format!("{}/notes/{actor}-{n}", peer.base_url);
    json!({"id": format!("{note}/activity"), "type": "Create", "actor": peer.actor(actor),
           "to": [jo_uri],
           "object": {"id": note, "type": "Note", "attributedTo": peer.actor(actor),
                      "content": format!("<p>Hello {n}</p>"), "to": [jo_uri],
                      "tag": [{"type": "Mention", "href": jo_uri}]}})
}

#[tokio::test]
async fn a_person_hides_a_whole_node_from_themself() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let troll = peer.add_actor("troll");
    peer.add_actor("friend");
    let (inbox, jo_uri) = (node.url("/inbox"), node.url("/users/jo"));
    let follow = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                        "actor": troll, "object": jo_uri});
    assert_eq!(peer.post_signed("troll", &inbox, &follow).await.0, 202);
    assert_eq!(
        peer.post_signed("friend", &inbox, &mention(&peer, "friend", 1, &jo_uri))
            .await
            .0,
        202
    );
    assert_eq!(
        notification_count(&node, &jo).await,
        2,
        "a follow and a mention"
    );

    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/domain_blocks",
            &jo,
            json!({"domain": peer.host()}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, listed) = node.api(Method::GET, "/api/v1/domain_blocks", &jo).await;
    MastodonApi::get().assert_valid("GET", "/api/v1/domain_blocks", 200, &listed);
    assert_eq!(listed, json!([peer.host()]));

    // What came from there is hidden, what comes now is not told, and the
    // follower from there is gone (their node told so).
    assert_eq!(notification_count(&node, &jo).await, 0);
    peer.post_signed("friend", &inbox, &mention(&peer, "friend", 2, &jo_uri))
        .await;
    assert_eq!(notification_count(&node, &jo).await, 0);
    let troll_id = id_of(&node, &jo, &format!("troll@{}", peer.host())).await;
    let (_, rel) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/relationships?id[]={troll_id}"),
            &jo,
        )
        .await;
    assert_eq!(rel[0]["domain_blocking"], true, "{rel}");
    assert_eq!(rel[0]["followed_by"], false, "{rel}");
    wait::until("the peer hears the follow is rejected", || async {
        peer.received().into_iter().find(|a| a["type"] == "Reject")
    })
    .await;

    // Refusals: not a domain; this node itself.
    for bad in ["not a domain", node.settings.server.hostname.as_str()] {
        let (status, _) = node
            .api_json(
                Method::POST,
                "/api/v1/domain_blocks",
                &jo,
                json!({"domain": bad}),
            )
            .await;
        assert_eq!(status, 422, "{bad}");
    }

    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("/api/v1/domain_blocks?domain={}", peer.host()),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    // What came before shows again; what came while hidden was never told.
    assert_eq!(notification_count(&node, &jo).await, 2);
}
