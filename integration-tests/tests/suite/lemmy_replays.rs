//! Replays of what a Lemmy instance sends (0.19's shapes, played by the
//! scripted peer): a community relays its members' edits and votes, undoes
//! a vote under a fresh id, loses an answer to a follow; and what Moot sends
//! a community reads right there.

use moot_testkit::social::follow_by_uri;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// A node, a person on it, and a Lemmy-shaped peer with a community
/// (`housing`, a Group) and a member (`lemmy_user`).
struct Scene {
    node: TestNode,
    peer: FakePeer,
    jo: String,
    community: String,
    member: String,
}

async fn scene(adjust: impl FnOnce(&mut moot_core::Settings)) -> Scene {
    let node = TestNode::start_with(adjust).await;
    let jo = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let community = peer.add_actor("housing");
    peer.set_profile("housing", json!({"type": "Group", "name": "Housing"}));
    let member = peer.add_actor("lemmy_user");
    Scene {
        node,
        peer,
        jo,
        community,
        member,
    }
}

impl Scene {
    /// The community's relay of `activity` to the node's shared inbox.
    async fn relay(&self, n: u32, activity: Value) -> (u16, String) {
        let announce = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/announce/{n}", self.peer.base_url),
            "type": "Announce", "actor": self.community, "to": [PUBLIC],
            "cc": [format!("{}/followers", self.community)],
            "object": activity,
        });
        self.peer
            .post_signed("/users/housing", &self.node.url("/inbox"), &announce)
            .await
    }

    /// Jo joins the community: the Follow is sent and answered.
    async fn join(&self) {
        follow_by_uri(
            &self.node.http,
            &self.node.base_url,
            &self.jo,
            &self.community,
        )
        .await;
        let follow = self.sent("Follow").await;
        self.accept(&follow, 1).await;
    }

    async fn accept(&self, follow: &Value, n: u32) -> (u16, String) {
        let accept = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/accept/{n}", self.peer.base_url),
            "type": "Accept", "actor": self.community, "object": follow,
        });
        self.peer
            .post_signed("/users/housing", &self.node.url("/inbox"), &accept)
            .await
    }

    /// The first activity of `kind` the peer received.
    async fn sent(&self, kind: &str) -> Value {
        wait::until(&format!("a {kind} reaches the peer"), || async {
            self.peer.received().into_iter().find(|a| a["type"] == kind)
        })
        .await
    }

    async fn status(&self, id: &str) -> Value {
        let (status, post) = self
            .node
            .api(Method::GET, &format!("/api/v1/statuses/{id}"), &self.jo)
            .await;
        assert_eq!(status, 200, "{post}");
        post
    }

    async fn following_community(&self) -> bool {
        let (_, found) = self
            .node
            .api(
                Method::GET,
                &format!("/api/v2/search?q={}&type=accounts", self.community),
                &self.jo,
            )
            .await;
        let id = found["accounts"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (_, rels) = self
            .node
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={id}"),
                &self.jo,
            )
            .await;
        rels[0]["following"] == true
    }
}

#[tokio::test]
async fn an_edit_relayed_by_a_community_changes_the_post_and_keeps_its_history() {
    let s = scene(|_| {}).await;
    s.join().await;
    let post_id = format!("{}/post/1", s.peer.base_url);
    let page = |text: &str| {
        json!({"id": post_id, "type": "Page", "attributedTo": s.member, "name": "Damp survey",
               "audience": s.community, "to": [s.community, PUBLIC], "content": format!("<p>{text}</p>")})
    };
    s.peer.put("/post/1", page("first version"));
    let create = json!({"id": format!("{}/activities/create/1", s.peer.base_url), "type": "Create",
                        "actor": s.member, "to": [s.community, PUBLIC], "object": page("first version")});
    let (status, body) = s.relay(1, create).await;
    assert_eq!(status, 202, "{body}");
    let (_, found) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={post_id}&type=statuses"),
            &s.jo,
        )
        .await;
    let id = found["statuses"][0]["id"]
        .as_str()
        .expect("the post is kept")
        .to_owned();

    // The member edits it; the community relays the Update.
    s.peer.put("/post/1", page("second version"));
    let update = json!({"id": format!("{}/activities/update/1", s.peer.base_url), "type": "Update",
                        "actor": s.member, "to": [s.community, PUBLIC], "object": page("second version")});
    let (status, body) = s.relay(2, update).await;
    assert_eq!(status, 202, "{body}");
    assert!(s.status(&id).await["content"]
        .as_str()
        .unwrap()
        .contains("second version"));
    let (_, history) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v1/statuses/{id}/history"),
            &s.jo,
        )
        .await;
    let versions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["content"].as_str().unwrap())
        .collect();
    assert_eq!(versions.len(), 2, "{history}");
    assert!(versions[0].contains("first version") && versions[1].contains("second version"));
}

#[tokio::test]
async fn votes_relayed_by_a_community_count_once_per_person() {
    let s = scene(|_| {}).await;
    s.join().await;
    // Jo posts in the community; it carries a title for Lemmy to list.
    let (status, post) = s
        .node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &s.jo,
            json!({"status": format!("@housing@{} Gritting routes for winter\n\nThe depot map is attached.", s.peer.host())}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let create = s.sent("Create").await;
    assert_eq!(
        create["object"]["name"], "Gritting routes for winter",
        "{create}"
    );
    assert_eq!(create["object"]["audience"], s.community.as_str());
    let (id, uri) = (post["id"].as_str().unwrap(), post["uri"].as_str().unwrap());

    let vote = |n: u32, kind: &str| {
        json!({"id": format!("{}/activities/vote/{n}", s.peer.base_url), "type": kind,
               "actor": s.member, "object": uri, "audience": s.community})
    };
    assert_eq!(s.relay(3, vote(1, "Like")).await.0, 202);
    assert_eq!(s.status(id).await["favourites_count"], 1);
    // A Dislike from the same person replaces the Like.
    assert_eq!(s.relay(4, vote(2, "Dislike")).await.0, 202);
    assert_eq!(s.status(id).await["favourites_count"], 0);

    // A Like sent directly, then undone under an id Lemmy makes afresh.
    let (status, body) = s
        .peer
        .post_signed("lemmy_user", &s.node.url("/inbox"), &vote(3, "Like"))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(s.status(id).await["favourites_count"], 1);
    let undo = json!({"id": format!("{}/activities/undo/1", s.peer.base_url), "type": "Undo",
                      "actor": s.member, "object": vote(99, "Like")});
    let (status, body) = s
        .peer
        .post_signed("lemmy_user", &s.node.url("/inbox"), &undo)
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(s.status(id).await["favourites_count"], 0);

    // A group may not vouch for votes on posts that are not in it.
    let other = s.peer.add_actor("other_community");
    s.peer
        .set_profile("other_community", json!({"type": "Group"}));
    let announce = json!({"id": format!("{}/activities/announce/other", s.peer.base_url),
                          "type": "Announce", "actor": other, "to": [PUBLIC], "object": vote(4, "Like")});
    let (status, _) = s
        .peer
        .post_signed("other_community", &s.node.url("/inbox"), &announce)
        .await;
    assert!((400..500).contains(&status), "{status}");
    assert_eq!(s.status(id).await["favourites_count"], 0);
}

#[tokio::test]
async fn a_follow_left_unanswered_is_sent_again_and_completes_on_the_second_answer() {
    let s = scene(|settings| settings.federation.follow_resend_secs = 1).await;
    follow_by_uri(&s.node.http, &s.node.base_url, &s.jo, &s.community).await;
    let first = s.sent("Follow").await;
    // The peer's answer to the first Follow is lost; the node sends it again
    // under a new id.
    let second = wait::until("the Follow is sent again", || async {
        s.peer
            .received()
            .into_iter()
            .filter(|a| a["type"] == "Follow")
            .nth(1)
    })
    .await;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["object"], second["object"]);
    assert!(!s.following_community().await);
    let (status, body) = s.accept(&second, 2).await;
    assert_eq!(status, 202, "{body}");
    assert!(s.following_community().await);

    // Once answered it is not sent again.
    let sent = s
        .peer
        .received()
        .iter()
        .filter(|a| a["type"] == "Follow")
        .count();
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let later = s
        .peer
        .received()
        .iter()
        .filter(|a| a["type"] == "Follow")
        .count();
    assert_eq!(sent, later);
}

#[tokio::test]
async fn a_group_does_not_send_a_members_post_back_to_the_members_own_server() {
    let node = TestNode::start().await;
    node.create_user("owner", "read write follow").await;
    moot_app::groups::create(
        &moot_app::Context::new(node.db.clone(), node.settings.clone()),
        "walking",
        "owner",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();
    let group = node.url("/users/walking");
    let (lemmy, other) = tokio::join!(FakePeer::start(), FakePeer::start());
    let author = lemmy.add_actor("rambler");
    let reader = other.add_actor("reader");
    for (peer, name, actor) in [(&lemmy, "rambler", &author), (&other, "reader", &reader)] {
        let follow = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                            "actor": actor, "object": group});
        assert_eq!(
            peer.post_signed(name, &node.url("/inbox"), &follow).await.0,
            202
        );
    }
    let note = format!("{}/notes/1", lemmy.base_url);
    let create = json!({"id": format!("{}/creates/1", lemmy.base_url), "type": "Create",
        "actor": author, "to": [group, PUBLIC],
        "object": {"id": note, "type": "Note", "attributedTo": author, "audience": group,
                   "content": "<p>a walk</p>", "to": [group, PUBLIC]}});
    let (status, body) = lemmy
        .post_signed("rambler", &node.url("/inbox"), &create)
        .await;
    assert_eq!(status, 202, "{body}");
    wait::until(
        "the other member's server gets the group's Announce",
        || async {
            other
                .received()
                .into_iter()
                .find(|a| a["type"] == "Announce" && a["object"]["object"]["id"] == note.as_str())
        },
    )
    .await;
    let back: Vec<Value> = lemmy
        .received()
        .into_iter()
        .filter(|a| a["type"] == "Announce")
        .collect();
    assert!(back.is_empty(), "sent back to its origin: {back:?}");
}

#[tokio::test]
async fn a_communitys_lock_and_a_moderators_removal_hold_here() {
    let s = scene(|_| {}).await;
    s.join().await;
    let post_id = format!("{}/post/7", s.peer.base_url);
    let page = json!({"id": post_id, "type": "Page", "attributedTo": s.member, "name": "Winter gritting",
                      "audience": s.community, "to": [s.community, PUBLIC], "content": "<p>The plan</p>"});
    s.peer.put("/post/7", page.clone());
    let create = json!({"id": format!("{}/activities/create/7", s.peer.base_url), "type": "Create",
                        "actor": s.member, "to": [s.community, PUBLIC], "object": page});
    assert_eq!(s.relay(1, create).await.0, 202);
    let (_, found) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={post_id}&type=statuses"),
            &s.jo,
        )
        .await;
    let id = found["statuses"][0]["id"]
        .as_str()
        .expect("kept")
        .to_owned();
    let reply = || async {
        s.node
            .api_json(
                Method::POST,
                "/api/v1/statuses",
                &s.jo,
                json!({"status": "Salt stocks?", "in_reply_to_id": id}),
            )
            .await
            .0
    };

    // A moderator's Lock, as Lemmy sends it: by the moderator, announced
    // by the community. Replies are refused here until it is undone.
    let lock = json!({"id": format!("{}/activities/lock/1", s.peer.base_url), "type": "Lock",
                      "actor": s.member, "to": [s.community, PUBLIC], "object": post_id,
                      "summary": "Off topic now"});
    assert_eq!(s.relay(2, lock.clone()).await.0, 202);
    assert_eq!(reply().await, 422, "closed");
    let undo = json!({"id": format!("{}/activities/undo/1", s.peer.base_url), "type": "Undo",
                      "actor": s.member, "to": [s.community, PUBLIC], "object": lock});
    assert_eq!(s.relay(3, undo).await.0, 202);
    assert_eq!(reply().await, 200, "open again");

    // A moderator's removal announced by the community: gone here, though
    // the post's own server still serves it.
    let delete = json!({"id": format!("{}/activities/delete/1", s.peer.base_url), "type": "Delete",
                        "actor": s.member, "to": [s.community, PUBLIC], "object": post_id,
                        "summary": "Spam"});
    assert_eq!(s.relay(4, delete).await.0, 202);
    let (status, _) = s
        .node
        .api(Method::GET, &format!("/api/v1/statuses/{id}"), &s.jo)
        .await;
    assert_eq!(status, 404);
}
