//! Hostile and broken peers: every bad request is refused with a 4xx and
//! leaves nothing stored; a good one from the same peer gets through.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::follow_by_uri;
use moot_testkit::{FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

struct Scene {
    node: TestNode,
    peer: FakePeer,
    token: String,
    inbox: String,
}

async fn scene() -> Scene {
    let node = TestNode::start().await;
    let token = node.create_user("target", "read write follow").await;
    let peer = FakePeer::start().await;
    peer.add_actor("mallory");
    // Followed here, so a good post of theirs is wanted.
    follow_by_uri(&node.http, &node.base_url, &token, &peer.actor("mallory")).await;
    let inbox = node.url("/inbox");
    Scene {
        node,
        peer,
        token,
        inbox,
    }
}

fn create(peer: &FakePeer, actor: &str, note_id: &str, author: &str, text: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{}", peer.base_url, text.replace(' ', "-")),
        "type": "Create",
        "actor": peer.actor(actor),
        "to": [PUBLIC],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": author,
            "content": format!("<p>{text}</p>"),
            "to": [PUBLIC],
        },
    })
}

/// How many posts with this id the node has (search without fetching).
async fn stored(s: &Scene, note_id: &str) -> usize {
    let (status, found) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={note_id}&type=statuses"),
            &s.token,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    found["statuses"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_well_signed_post_is_stored_once_however_often_it_arrives() {
    let s = scene().await;
    let note = format!("{}/notes/good", s.peer.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &note,
        &s.peer.actor("mallory"),
        "good post",
    );
    for _ in 0..3 {
        let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
        assert_eq!(status, 202, "{body}");
    }
    assert_eq!(stored(&s, &note).await, 1);
}

#[tokio::test]
async fn unsigned_or_wrongly_signed_requests_are_refused() {
    let s = scene().await;
    s.peer.add_actor("other");
    let note = format!("{}/notes/forged", s.peer.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &note,
        &s.peer.actor("mallory"),
        "forged post",
    );
    let body = activity.to_string().into_bytes();

    let (status, _) = s.peer.post_raw(&s.inbox, body.clone(), vec![]).await;
    assert_eq!(status, 401, "unsigned");

    // Signed with another actor's key while claiming to be mallory's key.
    let mallory_key = format!("{}#main-key", s.peer.actor("mallory"));
    let (status, _) = s
        .peer
        .post_signed_as("other", &mallory_key, &s.inbox, &body)
        .await;
    assert_eq!(status, 401, "wrong key");

    // A body changed after signing (the digest and signature are for another).
    let key_id = format!("{}#main-key", s.peer.actor("mallory"));
    let decoy = create(&s.peer, "mallory", &note, &s.peer.actor("mallory"), "decoy").to_string();
    let headers = s
        .peer
        .signature_headers("mallory", &key_id, &s.inbox, decoy.as_bytes());
    let (status, _) = s.peer.post_raw(&s.inbox, body.clone(), headers).await;
    assert_eq!(status, 401, "tampered body");
    assert_eq!(stored(&s, &note).await, 0, "nothing stored");

    // Control: the same request properly signed goes through.
    let (status, text) = s
        .peer
        .post_signed_as("mallory", &key_id, &s.inbox, &body)
        .await;
    assert_eq!(status, 202, "{text}");
    assert_eq!(stored(&s, &note).await, 1);
}

#[tokio::test]
async fn a_key_from_another_origin_than_the_actor_is_refused() {
    let s = scene().await;
    let elsewhere = FakePeer::start().await;
    elsewhere.add_actor("mallory");
    let note = format!("{}/notes/spoofed", s.peer.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &note,
        &s.peer.actor("mallory"),
        "spoofed",
    );
    // Signed by the key of a same-named actor on another origin.
    let (status, body) = elsewhere.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(stored(&s, &note).await, 0);
}

#[tokio::test]
async fn an_embedded_object_of_another_origin_or_author_is_refused() {
    let s = scene().await;
    let elsewhere = FakePeer::start().await;
    elsewhere.add_actor("victim");
    // The post claims to live on, and be written by, another server.
    let foreign = format!("{}/notes/planted", elsewhere.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &foreign,
        &elsewhere.actor("victim"),
        "planted",
    );
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(stored(&s, &foreign).await, 0);

    // Same origin, but attributed to someone else.
    s.peer.add_actor("bystander");
    let note = format!("{}/notes/misattributed", s.peer.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &note,
        &s.peer.actor("bystander"),
        "misattributed",
    );
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(stored(&s, &note).await, 0);
}

#[tokio::test]
async fn a_huge_body_is_refused_before_it_is_read() {
    let s = scene().await;
    let mut activity = create(&s.peer, "mallory", "x", &s.peer.actor("mallory"), "huge");
    activity["object"]["content"] = json!("a".repeat(10 * 1024 * 1024));
    let (status, _) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn unknown_activity_types_and_garbage_get_a_clear_4xx() {
    let s = scene().await;
    let mv = json!({
        "id": format!("{}/activities/move", s.peer.base_url),
        "type": "Move",
        "actor": s.peer.actor("mallory"),
        "object": s.peer.actor("mallory"),
        "target": "https://elsewhere.example/users/m",
    });
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &mv).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("activities of type `Move` are not taken here"),
        "{body}"
    );

    // Each refusal names the field and what was expected, in plain words.
    let mallory = s.peer.actor("mallory");
    let id = |n: u32| format!("{}/activities/bad/{n}", s.peer.base_url);
    let cases = [
        (
            json!({"id": id(1), "type": "Create", "actor": mallory, "object": {"id": id(11), "content": "x"}}),
            "`object.type` is missing: expected one of Note",
        ),
        (
            json!({"id": id(2), "type": "Create", "actor": mallory, "object": id(12)}),
            "`object` must be the object itself",
        ),
        (
            json!({"id": id(3), "type": "Follow", "actor": mallory}),
            "this `Follow` is not understood: missing field `object`",
        ),
        (
            json!({"id": id(4), "type": "Create", "actor": mallory,
                   "object": {"id": id(14), "type": "Note", "attributedTo": mallory, "published": "yesterday"}}),
            "`object.published`",
        ),
        (
            json!({"type": "Like", "actor": mallory, "object": id(15)}),
            "`id` is missing",
        ),
    ];
    for (activity, expected) in cases {
        let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
        assert_eq!(status, 400, "{activity}: {body}");
        assert!(body.contains(expected), "{expected} not in {body}");
        assert!(!body.contains("variant"), "{body}");
    }

    let key_id = format!("{}#main-key", s.peer.actor("mallory"));
    let (status, _) = s
        .peer
        .post_signed_as("mallory", &key_id, &s.inbox, b"{not json")
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_reply_chain_a_thousand_deep_stops_at_the_fetch_cap() {
    let s = scene().await;
    s.peer.add_actor("chainer");
    let activity = json!({
        "id": format!("{}/activities/chain", s.peer.base_url),
        "type": "Create",
        "actor": s.peer.actor("chainer"),
        "to": [PUBLIC],
        "object": {
            "id": format!("{}/chain/0", s.peer.base_url),
            "type": "Note",
            "attributedTo": s.peer.actor("chainer"),
            "content": "<p>the bottom of a very long thread</p>",
            "inReplyTo": format!("{}/chain/1", s.peer.base_url),
            "to": [PUBLIC],
        },
    });
    let before = s.peer.fetches();
    let started = std::time::Instant::now();
    let (status, body) = s.peer.post_signed("chainer", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    let fetched = s.peer.fetches() - before;
    assert!(fetched >= 10, "the thread was followed ({fetched} fetches)");
    assert!(
        fetched <= moot_federation::MAX_FETCHES_PER_REQUEST as usize + 2,
        "{fetched} fetches for one activity"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    // The reply itself is kept.
    assert_eq!(stored(&s, &format!("{}/chain/0", s.peer.base_url)).await, 1);
}

#[tokio::test]
async fn a_blocked_domain_is_refused_before_any_fetch() {
    let peer = FakePeer::start().await;
    peer.add_actor("mallory");
    let blocked = peer.host();
    let node = TestNode::start_with(|s| s.federation.blocked_domains = vec![blocked]).await;
    let token = node.create_user("target", "read write follow").await;
    let note = format!("{}/notes/blocked", peer.base_url);
    let activity = create(
        &peer,
        "mallory",
        &note,
        &peer.actor("mallory"),
        "from a blocked domain",
    );
    let before = peer.fetches();
    let (status, body) = peer
        .post_signed("mallory", &node.url("/inbox"), &activity)
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(peer.fetches(), before, "not even the key was fetched");
    // Nor does the node fetch from it on a person's behalf.
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q=@mallory@{}&resolve=true", peer.host()),
            &token,
        )
        .await;
    assert_eq!(found["accounts"], json!([]));
    assert_eq!(peer.fetches(), before);
}

#[tokio::test]
async fn a_post_url_that_is_not_on_the_posts_own_host_never_reaches_clients() {
    let s = scene().await;
    for (name, url) in [
        ("script", json!("javascript:alert(1)")),
        ("data", json!("data:text/html,<script>alert(1)</script>")),
        ("phish", json!("https://phish.example/login")),
        ("own", json!(format!("{}/@mallory/own", s.peer.base_url))),
    ] {
        let note = format!("{}/notes/{name}", s.peer.base_url);
        let mut activity = create(
            &s.peer,
            "mallory",
            &note,
            &s.peer.actor("mallory"),
            &format!("url {name}"),
        );
        activity["object"]["url"] = url.clone();
        let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
        assert_eq!(status, 202, "{body}");
        let (_, found) = s
            .node
            .api(
                Method::GET,
                &format!("/api/v2/search?q={note}&type=statuses"),
                &s.token,
            )
            .await;
        let shown = &found["statuses"][0];
        assert_eq!(shown["uri"], note.as_str(), "{found}");
        let expected = if name == "own" { url } else { json!(note) };
        assert_eq!(shown["url"], expected, "{name}: {shown}");
    }
}

/// Whether the node's public timeline shows a post with `text`.
async fn in_public_timeline(s: &Scene, text: &str) -> bool {
    let (status, posts) = s
        .node
        .api(Method::GET, "/api/v1/timelines/public?limit=40", &s.token)
        .await;
    assert_eq!(status, 200, "{posts}");
    posts.to_string().contains(text)
}

#[tokio::test]
async fn a_public_post_from_a_stranger_to_nobody_here_is_not_kept() {
    let s = scene().await;
    s.peer.add_actor("eve");
    let eve = s.peer.actor("eve");

    // Nobody here follows Eve, and her post is for nobody here: taken
    // (202, so her server does not retry) and dropped.
    let spam = format!("{}/notes/spam", s.peer.base_url);
    let activity = create(&s.peer, "eve", &spam, &eve, "cheap pills");
    let (status, body) = s.peer.post_signed("eve", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(stored(&s, &spam).await, 0);
    assert!(!in_public_timeline(&s, "cheap pills").await);

    // The same from someone followed here is kept and shown.
    let good = format!("{}/notes/good", s.peer.base_url);
    let activity = create(
        &s.peer,
        "mallory",
        &good,
        &s.peer.actor("mallory"),
        "a welcome post",
    );
    assert_eq!(
        s.peer.post_signed("mallory", &s.inbox, &activity).await.0,
        202
    );
    assert_eq!(stored(&s, &good).await, 1);
    assert!(in_public_timeline(&s, "a welcome post").await);

    // A post of Eve's in a group followed here is kept too.
    s.peer.add_actor("forum");
    s.peer.set_profile("forum", json!({ "type": "Group" }));
    follow_by_uri(
        &s.node.http,
        &s.node.base_url,
        &s.token,
        &s.peer.actor("forum"),
    )
    .await;
    let in_group = format!("{}/notes/in-group", s.peer.base_url);
    let mut activity = create(&s.peer, "eve", &in_group, &eve, "group notes");
    activity["object"]["audience"] = json!(s.peer.actor("forum"));
    activity["object"]["cc"] = json!([s.peer.actor("forum")]);
    assert_eq!(s.peer.post_signed("eve", &s.inbox, &activity).await.0, 202);
    assert_eq!(stored(&s, &in_group).await, 1);

    // And so is a reply of Eve's to a post the node has.
    let reply = format!("{}/notes/reply", s.peer.base_url);
    let mut activity = create(&s.peer, "eve", &reply, &eve, "a fair reply");
    activity["object"]["inReplyTo"] = json!(good);
    assert_eq!(s.peer.post_signed("eve", &s.inbox, &activity).await.0, 202);
    assert_eq!(stored(&s, &reply).await, 1);
}

/// The post with `note_id` as the client API shows it.
async fn shown(s: &Scene, note_id: &str) -> Value {
    let (status, found) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={note_id}&type=statuses"),
            &s.token,
        )
        .await;
    // What apps read of received posts is what the Mastodon API says.
    MastodonApi::get().assert_valid("GET", "/api/v2/search", status, &found);
    found["statuses"][0].clone()
}

#[tokio::test]
async fn a_list_of_types_and_a_link_as_the_parent_are_understood() {
    let s = scene().await;
    let mallory = s.peer.actor("mallory");
    // `type` as a list, as some servers send it.
    let parent = format!("{}/notes/typed", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &parent, &mallory, "typed as a list");
    activity["object"]["type"] = json!(["Note", "sc:CreativeWork"]);
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    let parent_shown = shown(&s, &parent).await;
    assert!(parent_shown["id"].is_string(), "stored: {parent_shown}");

    // A reply whose `inReplyTo` is a `Link` is threaded under its parent.
    let reply = format!("{}/notes/linked-reply", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &reply, &mallory, "a linked reply");
    activity["object"]["inReplyTo"] = json!({"type": "Link", "href": parent});
    assert_eq!(
        s.peer.post_signed("mallory", &s.inbox, &activity).await.0,
        202
    );
    assert_eq!(
        shown(&s, &reply).await["in_reply_to_id"],
        parent_shown["id"]
    );
}

#[tokio::test]
async fn an_embedded_actor_is_read_by_its_id_and_nothing_else() {
    let s = scene().await;
    let mallory = s.peer.actor("mallory");
    let note = format!("{}/notes/embedded-actor", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &note, &mallory, "embedded actor");
    // What the embedded actor says of itself is not taken.
    activity["actor"] =
        json!({"id": mallory, "type": "Person", "name": "Not Mallory", "publicKey": "forged"});
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(stored(&s, &note).await, 1);
    assert_ne!(
        shown(&s, &note).await["account"]["display_name"],
        "Not Mallory"
    );

    // An actor object without an id is refused, naming the field.
    let other = format!("{}/notes/no-actor-id", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &other, &mallory, "no actor id");
    activity["actor"] = json!({"type": "Person"});
    let (status, _) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 400);
    assert_eq!(stored(&s, &other).await, 0);
}

#[tokio::test]
async fn a_video_and_an_event_without_a_time_are_shown_as_posts() {
    let s = scene().await;
    let mallory = s.peer.actor("mallory");
    // PeerTube's shape: a title, a description, the watch page and the
    // files as a list of links, author and channel in attributedTo.
    let video = format!("{}/videos/watch/1", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &video, &mallory, "video");
    activity["object"] = json!({
        "id": video, "type": "Video", "name": "Gritting routes explained",
        "content": "How the routes are chosen.", "mediaType": "text/markdown",
        "attributedTo": [{"type": "Person", "id": mallory}, {"type": "Group", "id": format!("{}/channels/roads", s.peer.base_url)}],
        "to": [PUBLIC],
        "url": [
            {"type": "Link", "mediaType": "text/html", "href": video},
            {"type": "Link", "mediaType": "video/mp4", "href": format!("{}/static/1.mp4", s.peer.base_url)},
        ],
    });
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    let shown_video = shown(&s, &video).await;
    assert!(
        shown_video["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Gritting routes explained"),
        "{shown_video}"
    );
    assert_eq!(shown_video["url"], video.as_str());

    // An Event with no start time cannot be answered: a post with its title.
    let event = format!("{}/events/untimed", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &event, &mallory, "event");
    activity["object"]["type"] = json!("Event");
    activity["object"]["name"] = json!("Depot open day");
    let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
    assert_eq!(status, 202, "{body}");
    assert!(shown(&s, &event).await["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Depot open day"));
}

#[tokio::test]
async fn a_received_post_lists_the_people_elsewhere_it_mentions() {
    let s = scene().await;
    let mallory = s.peer.actor("mallory");
    s.peer.add_actor("eve");
    let eve = s.peer.actor("eve");
    // Eve is known here (someone looked her up).
    let (status, _) = s
        .node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={eve}&resolve=true&type=accounts"),
            &s.token,
        )
        .await;
    assert_eq!(status, 200);
    let note = format!("{}/notes/mentioning", s.peer.base_url);
    let mut activity = create(&s.peer, "mallory", &note, &mallory, "hello eve");
    activity["object"]["tag"] = json!([
        {"type": "Mention", "href": eve, "name": format!("@eve@{}", s.peer.host())},
        {"type": "Mention", "href": format!("{}/users/nobody-known", s.peer.base_url)},
    ]);
    assert_eq!(
        s.peer.post_signed("mallory", &s.inbox, &activity).await.0,
        202
    );
    let mentions = shown(&s, &note).await["mentions"].clone();
    assert_eq!(mentions.as_array().map(Vec::len), Some(1), "{mentions}");
    assert_eq!(mentions[0]["username"], "eve", "{mentions}");
}

#[tokio::test]
async fn a_delete_or_lock_of_someone_elses_post_from_another_origin_is_refused() {
    let s = scene().await;
    let post = s.node.post(&s.token, "A post of the target's own").await;
    let uri = post["uri"].as_str().unwrap();
    for (kind, object) in [
        ("Delete", json!({"id": uri, "type": "Tombstone"})),
        ("Lock", json!(uri)),
    ] {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{kind}-theirs", s.peer.base_url),
            "type": kind,
            "actor": s.peer.actor("mallory"),
            "object": object,
        });
        let (status, body) = s.peer.post_signed("mallory", &s.inbox, &activity).await;
        assert_eq!(status, 403, "{kind}: {body}");
    }
    let id = post["id"].as_str().unwrap();
    let (status, _) = s
        .node
        .api(Method::GET, &format!("/api/v1/statuses/{id}"), &s.token)
        .await;
    assert_eq!(status, 200, "the post stays");
    // Nor can anyone close its thread: a reply is still taken.
    let (status, reply) = s
        .node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &s.token,
            json!({"status": "still open", "in_reply_to_id": id}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
}
