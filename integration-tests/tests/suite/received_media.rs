//! What other servers attach to their posts shows in apps as those servers
//! meant it: pictures, videos and sounds as `media_attachments` (alt text,
//! blurhash, focal point, size, sensitivity), hashtags given in `tag` alone,
//! and a PeerTube video as a status with its video. Each answer validates
//! against the Mastodon API document.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::follow_by_uri;
use moot_testkit::{FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

async fn shown(node: &TestNode, token: &str, uri: &str) -> Value {
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={uri}&type=statuses"),
            token,
        )
        .await;
    let id = found["statuses"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{uri} is not kept: {found}"))
        .to_owned();
    let (status, post) = node
        .api(Method::GET, &format!("/api/v1/statuses/{id}"), token)
        .await;
    assert_eq!(status, 200, "{post}");
    MastodonApi::get().assert_valid("GET", "/api/v1/statuses/{id}", 200, &post);
    post
}

#[tokio::test]
async fn pictures_videos_and_sounds_are_media_and_tags_count_without_the_text() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");
    follow_by_uri(&node.http, &node.base_url, &token, &ana).await;
    let file = |name: &str| format!("{}/files/{name}", peer.base_url);
    let note = format!("{}/notes/1", peer.base_url);
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/creates/1", peer.base_url), "type": "Create", "actor": ana, "to": [PUBLIC],
        "object": {
            "id": note, "type": "Note", "attributedTo": ana, "to": [PUBLIC],
            "content": "<p>The depot, the drive and the briefing</p>",
            "tag": [{"type": "Hashtag", "name": "#Gritting", "href": format!("{}/tags/gritting", peer.base_url)}],
            "attachment": [
                {"type": "Document", "mediaType": "image/jpeg", "url": file("depot.jpg"),
                 "name": "Salt piled high in the depot", "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
                 "focalPoint": [0.5, -0.25], "width": 1600, "height": 900},
                {"type": "Document", "mediaType": "video/mp4", "url": file("drive.mp4"),
                 "name": "The route driven at dawn", "sensitive": true},
                {"type": "Audio", "mediaType": "audio/ogg", "url": file("briefing.ogg"), "name": "Briefing"},
                {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)"},
            ],
        },
    });
    let (status, body) = peer.post_signed("ana", &node.url("/inbox"), &create).await;
    assert_eq!(status, 202, "{body}");

    let post = shown(&node, &token, &note).await;
    let media = post["media_attachments"].as_array().unwrap();
    let kinds: Vec<&str> = media.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["image", "video", "audio"], "{post}");
    let picture = &media[0];
    assert_eq!(picture["url"], file("depot.jpg").as_str());
    assert_eq!(picture["remote_url"], file("depot.jpg").as_str());
    assert_eq!(picture["preview_url"], file("depot.jpg").as_str());
    assert_eq!(picture["description"], "Salt piled high in the depot");
    assert_eq!(picture["blurhash"], "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH");
    assert_eq!(picture["meta"]["focus"], json!({"x": 0.5, "y": -0.25}));
    assert_eq!(picture["meta"]["original"]["width"], 1600);
    assert_eq!(media[1]["description"], "The route driven at dawn");
    assert_eq!(
        post["sensitive"], true,
        "a sensitive file makes the post sensitive"
    );
    // Files are not repeated as links in the text.
    assert!(
        !post["content"].as_str().unwrap().contains("depot.jpg"),
        "{post}"
    );

    let tags: Vec<&str> = post["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["gritting"], "{post}");
    let (_, tagged) = node
        .api(Method::GET, "/api/v1/timelines/tag/gritting", &token)
        .await;
    assert_eq!(tagged[0]["id"], post["id"], "{tagged}");
}

#[tokio::test]
async fn a_peertube_video_is_a_status_with_its_video() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    // The real document, moved onto the scripted peer's host.
    let fixture = format!(
        "{}/../../shared/fixtures/activitypub-samples/peertube/objects/video.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&fixture).unwrap();
    let video: Value =
        serde_json::from_str(&text.replace("https://tilvids.com", &peer.base_url)).unwrap();
    let author_path = "/accounts/thelinuxexperiment";
    let author = peer.add_actor_at(author_path);
    follow_by_uri(&node.http, &node.base_url, &token, &author).await;
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/create-video", peer.base_url), "type": "Create",
        "actor": author, "to": [PUBLIC], "object": video,
    });
    let body = create.to_string();
    let (status, answer) = peer
        .post_signed_as(
            author_path,
            &format!("{author}#main-key"),
            &node.url("/inbox"),
            body.as_bytes(),
        )
        .await;
    assert_eq!(status, 202, "{answer}");

    let post = shown(&node, &token, video["id"].as_str().unwrap()).await;
    let media = post["media_attachments"].as_array().unwrap();
    assert_eq!(media.len(), 1, "{post}");
    assert_eq!(media[0]["type"], "video");
    assert!(
        media[0]["url"].as_str().unwrap().ends_with(".mp4"),
        "{post}"
    );
    assert!(
        media[0]["preview_url"].as_str().unwrap().ends_with(".jpg"),
        "{post}"
    );
    assert!(
        post["content"].as_str().unwrap().contains("Mesa, Wayland"),
        "{post}"
    );
}

#[tokio::test]
async fn quotes_and_custom_emoji_show_as_mastodon_shows_them() {
    let node = TestNode::start().await;
    let token = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");
    follow_by_uri(&node.http, &node.base_url, &token, &ana).await;
    // The quoted post is fetched from its server when the quote arrives.
    let quoted = format!("{}/notes/quoted", peer.base_url);
    peer.put(
        "/notes/quoted",
        json!({"id": quoted, "type": "Note", "attributedTo": ana, "to": [PUBLIC],
               "content": "<p>Winter plan agreed</p>"}),
    );
    let note = format!("{}/notes/quoting", peer.base_url);
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/creates/quoting", peer.base_url), "type": "Create", "actor": ana, "to": [PUBLIC],
        "object": {
            "id": note, "type": "Note", "attributedTo": ana, "to": [PUBLIC],
            "content": "<p>Good news :gritter:</p>", "quote": quoted,
            "tag": [{"type": "Emoji", "name": ":gritter:",
                     "icon": {"type": "Image", "mediaType": "image/png", "url": format!("{}/emoji/gritter.png", peer.base_url)}},
                    {"type": "Emoji", "name": ":bad name:", "icon": {"url": "javascript:alert(1)"}}],
        },
    });
    let (status, body) = peer.post_signed("ana", &node.url("/inbox"), &create).await;
    assert_eq!(status, 202, "{body}");

    let post = shown(&node, &token, &note).await;
    assert_eq!(post["quote"]["state"], "accepted", "{post}");
    assert!(post["quote"]["quoted_status"]["content"]
        .as_str()
        .unwrap()
        .contains("Winter plan agreed"));
    // Apps that do not show quotes still have a link to it.
    assert!(
        post["content"]
            .as_str()
            .unwrap()
            .contains(&format!("RE: <a href=\"{quoted}\"")),
        "{post}"
    );
    assert_eq!(
        post["emojis"],
        json!([{"shortcode": "gritter", "url": format!("{}/emoji/gritter.png", peer.base_url),
                "static_url": format!("{}/emoji/gritter.png", peer.base_url), "visible_in_picker": false}])
    );

    // Misskey's name for it; the text already links the quoted post.
    let misskey = format!("{}/notes/misskey", peer.base_url);
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/creates/misskey", peer.base_url), "type": "Create", "actor": ana, "to": [PUBLIC],
        "object": {"id": misskey, "type": "Note", "attributedTo": ana, "to": [PUBLIC],
                   "_misskey_quote": quoted, "content": format!("<p>see <a href=\"{quoted}\">this</a></p>")},
    });
    assert_eq!(
        peer.post_signed("ana", &node.url("/inbox"), &create)
            .await
            .0,
        202
    );
    let post = shown(&node, &token, &misskey).await;
    assert_eq!(post["quote"]["state"], "accepted", "{post}");
    assert!(!post["content"].as_str().unwrap().contains("RE:"), "{post}");
}
