//! Servers in "secure mode" (Mastodon's authorized fetch) answer only GETs
//! signed over `host` and `date`: Moot signs its fetches that way, so it
//! can find, follow and read people there.

use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::json;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

#[tokio::test]
async fn a_peer_that_wants_host_and_date_signed_serves_its_actor_and_posts() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let sam = peer.add_actor("sam");
    peer.require_signed_fetches();
    let unsigned = node.http.get(&sam).send().await.unwrap().status();
    assert_eq!(unsigned, 401, "the peer refuses what is not signed");

    // Found by address, and followed.
    let (status, found) = node
        .api(
            Method::GET,
            &format!(
                "/api/v2/search?q=@sam@{}&resolve=true&type=accounts",
                peer.host()
            ),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["accounts"][0]["acct"],
        format!("sam@{}", peer.host()),
        "{found}"
    );
    let id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{id}/follow"),
            &token,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("the Follow reaches the peer", || async {
        peer.received()
            .iter()
            .any(|a| a["type"] == "Follow")
            .then_some(())
    })
    .await;

    // A reply arrives; its parent, never seen here, is fetched and shown.
    let parent = format!("{}/notes/parent", peer.base_url);
    peer.put(
        "/notes/parent",
        json!({"id": parent, "type": "Note", "attributedTo": sam, "to": [PUBLIC],
               "content": "<p>the agenda for Thursday</p>"}),
    );
    let reply = format!("{}/notes/reply", peer.base_url);
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/reply", peer.base_url),
        "type": "Create", "actor": sam, "to": [PUBLIC],
        "object": {"id": reply, "type": "Note", "attributedTo": sam, "to": [PUBLIC],
                   "inReplyTo": parent, "content": "<p>and the minutes</p>"},
    });
    let (status, body) = peer
        .post_signed("sam", &node.url("/inbox"), &activity)
        .await;
    assert_eq!(status, 202, "{body}");
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={reply}&type=statuses"),
            &token,
        )
        .await;
    let reply_id = found["statuses"][0]["id"]
        .as_str()
        .expect("the reply is kept")
        .to_owned();
    let (_, context) = node
        .api(
            Method::GET,
            &format!("/api/v1/statuses/{reply_id}/context"),
            &token,
        )
        .await;
    assert!(
        context["ancestors"][0]["content"]
            .as_str()
            .is_some_and(|c| c.contains("the agenda for Thursday")),
        "{context}"
    );

    let (signed, refused) = peer.signed_fetches();
    assert_eq!(refused.len(), 1, "only the unsigned GET: {refused:?}");
    assert!(signed >= 2, "the actor and the parent were fetched signed");
}

#[tokio::test]
async fn a_delivery_signed_with_created_instead_of_date_is_taken() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let sam = peer.add_actor("sam");
    moot_testkit::social::follow_by_uri(&node.http, &node.base_url, &token, &sam).await;
    let note = format!("{}/notes/created-style", peer.base_url);
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/created-style", peer.base_url),
        "type": "Create", "actor": sam, "to": [PUBLIC],
        "object": {"id": note, "type": "Note", "attributedTo": sam, "to": [PUBLIC],
                   "content": "<p>signed the newer way</p>"},
    });
    let (status, body) = peer
        .post_signed_with_created("sam", &node.url("/inbox"), &activity)
        .await;
    assert_eq!(status, 202, "{body}");
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={note}&type=statuses"),
            &token,
        )
        .await;
    assert_eq!(found["statuses"].as_array().unwrap().len(), 1, "{found}");
}
