//! Profiles: editing one's own (name, bio, approval of follows, pictures),
//! the change reaching followers elsewhere, other nodes' profile updates
//! taking effect here, and private notes on accounts.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn update_with_file(node: &TestNode, token: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let form = Form::new().text("display_name", "Jo Bloggs").part(
        name.to_owned(),
        Part::bytes(bytes.to_vec()).file_name("picture"),
    );
    let response = node
        .http
        .patch(node.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_person_edits_their_profile_and_followers_elsewhere_hear_of_it() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let fan = peer.add_actor("fan");
    let follow = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                        "actor": fan, "object": node.url("/users/jo")});
    let (status, _) = peer.post_signed("fan", &node.url("/inbox"), &follow).await;
    assert_eq!(status, 202);

    let path = "/api/v1/accounts/update_credentials";
    let (status, me) = node
        .api_json(
            Method::PATCH,
            path,
            &jo,
            json!({"display_name": "Jo (Highways, Leeds)", "note": "Road safety *lead*", "locked": true, "bot": false}),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    api.assert_valid("PATCH", path, 200, &me);
    assert_eq!(me["display_name"], "Jo (Highways, Leeds)");
    assert!(
        me["note"].as_str().unwrap().contains("<em>lead</em>"),
        "{me}"
    );
    assert_eq!(me["source"]["note"], "Road safety *lead*");
    assert_eq!(me["locked"], true);

    let update = wait::until("the Update reaches the follower", || async {
        peer.received()
            .into_iter()
            .find(|a| a["type"] == "Update" && a["object"]["type"] == "Person")
    })
    .await;
    assert_eq!(update["object"]["name"], "Jo (Highways, Leeds)");
    assert_eq!(update["object"]["manuallyApprovesFollowers"], true);

    // A picture: kept, served, shown; anything but an image is refused.
    let (status, me) = update_with_file(&node, &jo, "avatar", PNG).await;
    assert_eq!(status, 200, "{me}");
    let avatar = me["avatar"].as_str().unwrap().to_owned();
    assert!(avatar.contains("/media/"), "{avatar}");
    let served = node.http.get(&avatar).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    let (status, body) = update_with_file(&node, &jo, "header", PDF).await;
    assert_eq!(status, 422, "{body}");
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert!(me["header"].as_str().unwrap().ends_with("missing.png"));
    assert_eq!(me["avatar"], avatar.as_str());
    // The picture an account without one points at is served, so apps
    // show it rather than a broken image.
    for picture in [
        me["header"].as_str().unwrap().to_owned(),
        node.url("/avatars/original/missing.png"),
    ] {
        let served = node.http.get(&picture).send().await.unwrap();
        assert_eq!(served.status(), 200, "{picture}");
        assert_eq!(served.headers()["content-type"], "image/png");
        let bytes = served.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{picture}");
    }

    // Limits, and a token that may not write the account.
    let (status, _) = node
        .api_json(
            Method::PATCH,
            path,
            &jo,
            json!({"display_name": "x".repeat(101)}),
        )
        .await;
    assert_eq!(status, 422);
    let reader = node.create_user("reader", "read").await;
    let (status, _) = node
        .api_json(Method::PATCH, path, &reader, json!({"display_name": "R"}))
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn another_nodes_profile_update_is_fetched_from_its_origin() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let peer = FakePeer::start().await;
    let ana = peer.add_actor("ana");
    let found = node
        .resolve_account(&jo, &format!("@ana@{}", peer.host()))
        .await;
    let id = found["id"].as_str().unwrap().to_owned();
    assert_eq!(found["display_name"], "ana (test peer)");

    peer.set_profile(
        "ana",
        json!({"name": "Ana, Bristol", "summary": "<p>Parks</p><script>alert(1)</script>",
               "icon": {"type": "Image", "url": format!("{}/ana.png", peer.base_url)}}),
    );
    // The embedded document claims more than the origin says: it is not used.
    let update = json!({"id": format!("{}/updates/1", peer.base_url), "type": "Update", "actor": ana,
                        "object": {"id": ana, "type": "Person", "name": "Forged name"}});
    let (status, body) = peer.post_signed("ana", &node.url("/inbox"), &update).await;
    assert_eq!(status, 202, "{body}");
    let (_, account) = node
        .api(Method::GET, &format!("/api/v1/accounts/{id}"), &jo)
        .await;
    assert_eq!(account["display_name"], "Ana, Bristol");
    assert_eq!(account["note"], "<p>Parks</p>", "sanitized");
    assert_eq!(account["avatar"], format!("{}/ana.png", peer.base_url));

    // Nobody may update an actor of another node.
    let other = FakePeer::start().await;
    other.add_actor("mallory");
    let forged = json!({"id": format!("{}/updates/2", other.base_url), "type": "Update",
                        "actor": other.actor("mallory"), "object": {"id": ana, "type": "Person"}});
    let (status, _) = other
        .post_signed("mallory", &node.url("/inbox"), &forged)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn private_notes_on_accounts_are_the_writers_alone() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let (_, sam_account) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=sam", &jo)
        .await;
    let sam_id = sam_account["id"].as_str().unwrap();
    let (status, rel) = node
        .api_json(
            Method::POST,
            &format!("/api/v1/accounts/{sam_id}/note"),
            &jo,
            json!({"comment": "Met at the drainage workshop"}),
        )
        .await;
    assert_eq!(status, 200);
    MastodonApi::get().assert_valid("POST", "/api/v1/accounts/{id}/note", 200, &rel);
    assert_eq!(rel["note"], "Met at the drainage workshop");
    let (_, rels) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/relationships?id[]={sam_id}"),
            &jo,
        )
        .await;
    assert_eq!(rels[0]["note"], "Met at the drainage workshop");
    // Sam's own view of the relationship with themself holds no note of Jo's.
    let (_, theirs) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/relationships?id[]={sam_id}"),
            &sam,
        )
        .await;
    assert_eq!(theirs[0]["note"], "");
}
