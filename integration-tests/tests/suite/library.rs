//! Group document libraries across two real nodes, through public
//! interfaces only: a file added to a group's library on A gets a new
//! version; B, which joined in between, lists both versions and downloads each with the right
//! checksum; refused uploads (a type the node does not take, a file over
//! its limit) and deletions by others change nothing.

use moot_testkit::documents::{sha256, upload, AGREED_PDF, DRAFT_PDF};
use moot_testkit::social::{follow_across, make_group, moot_api};
use moot_testkit::web::WebClient;
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn library(node: &ProcessNode, token: &str, group: &str) -> Vec<Value> {
    let (status, items) = moot_api(
        node,
        token,
        Method::GET,
        ("/groups/{id}/library", &format!("/groups/{group}/library")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{items}");
    items.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_document_and_its_new_version_reach_another_node_with_their_checksums() {
    // A takes files of at most 4 KiB.
    let (a, b) = tokio::join!(
        ProcessNode::start_configured(&["serve"], &[("MOOT_MEDIA__MAX_BYTES", "4096")]),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let dave = a.create_user("dave", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let on_a = make_group(&a, &alice, "records", "alice", "open").await;

    // Alice adds the draft minutes, then the agreed ones as a new version.
    let (status, media) = upload(&a, &alice, "minutes.pdf", "application/pdf", DRAFT_PDF).await;
    assert_eq!(status, 200, "{media}");
    let (status, item) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/groups/{id}/library", &format!("/groups/{on_a}/library")),
        Some(json!({
            "media_id": media["id"], "title": "Board minutes", "description": "March meeting",
            "folder": " Meetings / 2026 ", "tags": ["#Minutes", "board"],
        })),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["folder"], "Meetings/2026");
    assert_eq!(item["tags"], json!(["minutes", "board"]));
    let item_id = item["id"].as_str().unwrap().to_owned();
    // Bob joins after the first version: B reads it from A's history when
    // the second arrives.
    let on_b = follow_across(&b, &bob, &a, "records").await;
    let (_, media) = upload(
        &a,
        &alice,
        "minutes-final.pdf",
        "application/pdf",
        AGREED_PDF,
    )
    .await;
    let (status, item) = moot_api(
        &a,
        &alice,
        Method::POST,
        (
            "/groups/{id}/library/{item_id}/versions",
            &format!("/groups/{on_a}/library/{item_id}/versions"),
        ),
        Some(json!({ "media_id": media["id"] })),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["current_version"], 2);
    // An upload in a library is not a post's to take.
    let (status, _) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({ "status": "see attached", "media_ids": [media["id"]] }),
        )
        .await;
    assert_eq!(status, 422);

    // B lists the item with both versions, and each downloads intact.
    let on_b_items = wait::until("both versions reach B", || async {
        let items = library(&b, &bob, &on_b).await;
        (items.first()?["versions"].as_array()?.len() == 2).then_some(items)
    })
    .await;
    let copy = &on_b_items[0];
    assert_eq!(
        (copy["title"].clone(), copy["local"].clone()),
        (json!("Board minutes"), json!(false))
    );
    assert_eq!(copy["folder"], "Meetings/2026");
    assert_eq!(copy["description"], "March meeting");
    for (version, expected) in copy["versions"]
        .as_array()
        .unwrap()
        .iter()
        .zip([DRAFT_PDF, AGREED_PDF])
    {
        assert_eq!(version["sha256"], sha256(expected));
        assert_eq!(version["size"], expected.len());
        assert_eq!(version["media_type"], "application/pdf");
        let bytes = b
            .http
            .get(version["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            sha256(&bytes),
            sha256(expected),
            "version {}",
            version["number"]
        );
    }
    // By folder and by tag.
    let (_, in_folder) = moot_api(
        &b,
        &bob,
        Method::GET,
        (
            "/groups/{id}/library",
            &format!("/groups/{on_b}/library?folder=Meetings/2026&tag=board"),
        ),
        None,
    )
    .await;
    assert_eq!(in_folder.as_array().map(Vec::len), Some(1));
    let (_, elsewhere) = moot_api(
        &b,
        &bob,
        Method::GET,
        (
            "/groups/{id}/library",
            &format!("/groups/{on_b}/library?folder=Budgets"),
        ),
        None,
    )
    .await;
    assert_eq!(elsewhere, json!([]));

    // Refused: a type the node does not take, a file over its limit, a
    // non-member, a deletion by someone who is neither the uploader nor a
    // moderator.
    let (status, _) = upload(
        &a,
        &alice,
        "run.sh",
        "application/pdf",
        b"#!/bin/sh\nrm -rf /\n",
    )
    .await;
    assert_eq!(status, 422);
    let mut big = DRAFT_PDF.to_vec();
    big.resize(5_000, b' ');
    let (status, answer) = upload(&a, &alice, "big.pdf", "application/pdf", &big).await;
    assert_eq!(status, 413, "{answer}");
    let (_, media) = upload(&a, &dave, "notes.pdf", "application/pdf", DRAFT_PDF).await;
    let (status, _) = moot_api(
        &a,
        &dave,
        Method::POST,
        ("/groups/{id}/library", &format!("/groups/{on_a}/library")),
        Some(json!({ "media_id": media["id"], "title": "Not a member" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, joined) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{on_a}/follow"),
            &dave,
        )
        .await;
    assert_eq!(status, 200, "{joined}");
    let delete_path = format!("/groups/{on_a}/library/{item_id}");
    let (status, _) = moot_api(
        &a,
        &dave,
        Method::DELETE,
        ("/groups/{id}/library/{item_id}", &delete_path),
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(library(&a, &alice, &on_a).await.len(), 1);

    // The uploader deletes it: gone on both nodes.
    let (status, _) = moot_api(
        &a,
        &alice,
        Method::DELETE,
        ("/groups/{id}/library/{item_id}", &delete_path),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(library(&a, &alice, &on_a).await.is_empty());
    wait::until("the deletion reaches B", || async {
        library(&b, &bob, &on_b).await.is_empty().then_some(())
    })
    .await;

    // The list is paged as Mastodon's are: newest first, Link to the next.
    for title in ["Agenda", "Budget"] {
        let (_, media) = upload(&a, &alice, "file.pdf", "application/pdf", DRAFT_PDF).await;
        let (status, _) = moot_api(
            &a,
            &alice,
            Method::POST,
            ("/groups/{id}/library", &format!("/groups/{on_a}/library")),
            Some(json!({ "media_id": media["id"], "title": title })),
        )
        .await;
        assert_eq!(status, 200);
    }
    let first = a
        .http
        .get(format!(
            "{}/api/moot/v1/groups/{on_a}/library?limit=1",
            a.base_url
        ))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    let page: Value = first.json().await.unwrap();
    assert_eq!(page[0]["title"], "Budget");
    let next = link
        .split(", ")
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.strip_prefix('<')?.split('>').next())
        .expect("a next link")
        .to_owned();
    let page: Value = a
        .http
        .get(next)
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.as_array().map(Vec::len), Some(1));
    assert_eq!(page[0]["title"], "Agenda");
}

/// Waits until the node lists an item titled `title` with `versions`
/// versions, and returns it.
async fn listed(
    node: &ProcessNode,
    token: &str,
    group: &str,
    title: &str,
    versions: usize,
) -> Value {
    wait::until("the item reaches the node", || async {
        library(node, token, group).await.into_iter().find(|i| {
            i["title"] == title && i["versions"].as_array().map(Vec::len) == Some(versions)
        })
    })
    .await
}

#[tokio::test]
async fn a_member_on_another_node_adds_a_document_and_a_version_which_the_group_node_decides() {
    // A, the group's node, takes files of at most 4 KiB; B takes more.
    let (a, b) = tokio::join!(
        ProcessNode::start_configured(&["serve"], &[("MOOT_MEDIA__MAX_BYTES", "4096")]),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let (bob, bob_password) = b.create_user_with_password("bob", "read write follow");
    let carol = b.create_user("carol", "read write follow");
    let on_a = make_group(&a, &alice, "records", "alice", "open").await;
    let on_b = follow_across(&b, &bob, &a, "records").await;
    let add_on_b = |token: String, body: Value| {
        let b = &b;
        let path = format!("/groups/{on_b}/library");
        async move {
            moot_api(
                b,
                &token,
                Method::POST,
                ("/groups/{id}/library", &path),
                Some(body),
            )
            .await
        }
    };

    // Bob adds a document from B: B proposes it, A fetches the file and
    // makes the item, with Bob its uploader; both nodes list it.
    let (_, media) = upload(&b, &bob, "minutes.pdf", "application/pdf", DRAFT_PDF).await;
    let (status, sent) = add_on_b(
        bob.clone(),
        json!({ "media_id": media["id"], "title": "Board minutes", "folder": "Meetings", "tags": ["board"] }),
    )
    .await;
    assert_eq!((status, &sent["state"]), (202, &json!("pending")), "{sent}");
    let on_a_item = listed(&a, &alice, &on_a, "Board minutes", 1).await;
    assert_eq!(on_a_item["local"], true);
    assert_eq!(on_a_item["folder"], "Meetings");
    assert_eq!(on_a_item["tags"], json!(["board"]));
    assert!(
        on_a_item["uploader"]["acct"]
            .as_str()
            .unwrap()
            .starts_with("bob@"),
        "{on_a_item}"
    );
    assert_eq!(on_a_item["versions"][0]["sha256"], sha256(DRAFT_PDF));
    // A serves its own copy of the file.
    let url = on_a_item["versions"][0]["url"].as_str().unwrap();
    assert!(url.starts_with(&a.base_url), "{url}");
    let on_b_item = listed(&b, &bob, &on_b, "Board minutes", 1).await;
    assert_eq!(on_b_item["local"], false);

    // A new version from B, of B's copy of the item.
    let (_, media) = upload(&b, &bob, "minutes-final.pdf", "application/pdf", AGREED_PDF).await;
    let version_path = format!(
        "/groups/{on_b}/library/{}/versions",
        on_b_item["id"].as_str().unwrap()
    );
    let (status, sent) = moot_api(
        &b,
        &bob,
        Method::POST,
        ("/groups/{id}/library/{item_id}/versions", &version_path),
        Some(json!({ "media_id": media["id"] })),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    let on_a_item = listed(&a, &alice, &on_a, "Board minutes", 2).await;
    assert_eq!(on_a_item["versions"][1]["sha256"], sha256(AGREED_PDF));
    let on_b_item = listed(&b, &bob, &on_b, "Board minutes", 2).await;
    assert_eq!(on_b_item["versions"][1]["sha256"], sha256(AGREED_PDF));

    // A file over A's limit: B takes the upload, A refuses it and nothing
    // is added; Carol, not a member, is refused on B at once.
    let mut big = DRAFT_PDF.to_vec();
    big.resize(5_000, b' ');
    let (_, media) = upload(&b, &bob, "big.pdf", "application/pdf", &big).await;
    let (status, sent) = add_on_b(
        bob.clone(),
        json!({ "media_id": media["id"], "title": "Too big" }),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    let (_, media) = upload(&b, &carol, "notes.pdf", "application/pdf", DRAFT_PDF).await;
    let (status, refused) = add_on_b(
        carol.clone(),
        json!({ "media_id": media["id"], "title": "Not a member" }),
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    // The refusal reaches B (shown to Bob on the library page); A has only
    // the one item.
    let mut browser = WebClient::new(&b.base_url);
    browser.sign_in("bob", &bob_password).await;
    let library_page = format!("/groups/records@{}/library", a.hostname);
    let mut page = String::new();
    for _ in 0..200 {
        page = browser.get(&library_page).await.body;
        if page.contains("not added") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("larger than this node takes"), "{page}");
    assert_eq!(library(&a, &alice, &on_a).await.len(), 1);
}
