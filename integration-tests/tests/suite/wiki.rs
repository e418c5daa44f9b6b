//! Group wikis across three real nodes, through public interfaces only: a
//! page in a group on A is edited by members on B and C; A decides every
//! edit and every node ends with the same text and the same history;
//! concurrent edits give one success and one conflict; a restore spreads;
//! non-editors and forged revisions change nothing.

use moot_testkit::social::{follow_across, make_group, moot_api, resolve};
use moot_testkit::{wait, FakePeer, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn page(node: &ProcessNode, token: &str, group: &str) -> (u16, Value) {
    moot_api(
        node,
        token,
        Method::GET,
        (
            "/groups/{id}/wiki/{slug}",
            &format!("/groups/{group}/wiki/bin-collection"),
        ),
        None,
    )
    .await
}

async fn history(node: &ProcessNode, token: &str, group: &str) -> Vec<Value> {
    let (status, revisions) = moot_api(
        node,
        token,
        Method::GET,
        (
            "/groups/{id}/wiki/{slug}/revisions",
            &format!("/groups/{group}/wiki/bin-collection/revisions"),
        ),
        None,
    )
    .await;
    assert_eq!(status, 200, "{revisions}");
    revisions.as_array().cloned().unwrap_or_default()
}

async fn edit(
    node: &ProcessNode,
    token: &str,
    group: &str,
    base: &str,
    body: &str,
) -> (u16, Value) {
    moot_api(
        node,
        token,
        Method::POST,
        (
            "/groups/{id}/wiki/{slug}/revisions",
            &format!("/groups/{group}/wiki/bin-collection/revisions"),
        ),
        Some(json!({ "base_version": base, "body": body, "summary": "edit" })),
    )
    .await
}

/// A page's revisions, if the node has the page.
async fn revisions_of(node: &ProcessNode, token: &str, group: &str, slug: &str) -> Option<Value> {
    let path = format!("/groups/{group}/wiki/{slug}/revisions");
    let (status, revisions) = moot_api(
        node,
        token,
        Method::GET,
        ("/groups/{id}/wiki/{slug}/revisions", &path),
        None,
    )
    .await;
    (status == 200).then_some(revisions)
}

/// Waits for an edit sent to the group's node to be decided.
async fn decided(node: &ProcessNode, token: &str, submission: &Value) -> Value {
    let id = submission["submission_id"]
        .as_str()
        .expect("a submission id");
    wait::until("the group's node decides the edit", || async {
        let (status, found) = moot_api(
            node,
            token,
            Method::GET,
            ("/wiki/submissions/{id}", &format!("/wiki/submissions/{id}")),
            None,
        )
        .await;
        assert_eq!(status, 200, "{found}");
        (found["state"] != "pending").then_some(found)
    })
    .await
}

/// Waits until the node's copy of the page has `version`, and returns it.
async fn at_version(node: &ProcessNode, token: &str, group: &str, version: &str) -> Value {
    wait::until("the page reaches the node", || async {
        let (status, page) = page(node, token, group).await;
        (status == 200 && page["version"] == version).then_some(page)
    })
    .await
}

/// What every node must agree on in a history: number, version, text,
/// author.
fn essence(history: &[Value]) -> Vec<(i64, String, String, String)> {
    history
        .iter()
        .map(|r| {
            let acct = r["author"]["acct"].as_str().unwrap_or_default();
            // The same person, as each node names them.
            let name = acct.split('@').next().unwrap_or_default().to_owned();
            (
                r["number"].as_i64().unwrap_or_default(),
                r["version"].as_str().unwrap_or_default().to_owned(),
                r["body"].as_str().unwrap_or_default().to_owned(),
                name,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_wiki_page_is_edited_from_three_nodes_and_its_origin_decides() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let dave = a.create_user("dave", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let mallory = c.create_user("mallory", "read write follow");
    let on_a = make_group(&a, &alice, "handbook", "alice", "open").await;

    // Members on every node; Mallory knows the group but is not a member.
    let (status, joined) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{on_a}/follow"),
            &dave,
        )
        .await;
    assert_eq!(
        (status, &joined["following"]),
        (200, &json!(true)),
        "{joined}"
    );
    let on_b = follow_across(&b, &bob, &a, "handbook").await;
    let on_c = follow_across(&c, &carol, &a, "handbook").await;
    let on_c_for_mallory = resolve(&c, &mallory, &a.handle("handbook")).await;
    assert_eq!(on_c, on_c_for_mallory);

    // Alice writes the page on A.
    let first = "# Bin collection\n\nBins go out on Monday.\n";
    let (status, created) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/groups/{id}/wiki", &format!("/groups/{on_a}/wiki")),
        Some(json!({ "title": "Bin collection", "body": first, "summary": "First notes" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["slug"], "bin-collection");
    assert_eq!(created["local"], true);
    assert!(created["content"]
        .as_str()
        .unwrap()
        .contains("<h1>Bin collection</h1>"));
    let v1 = created["version"].as_str().unwrap().to_owned();
    let on_b_page = at_version(&b, &bob, &on_b, &v1).await;
    assert_eq!(on_b_page["body"], first);
    assert_eq!(on_b_page["local"], false);
    at_version(&c, &carol, &on_c, &v1).await;

    // Bob edits on B: B sends the edit to A, which records it and spreads it.
    let second = "# Bin collection\n\nBins go out on Monday before 7am.\n";
    let (status, sent) = edit(&b, &bob, &on_b, &v1, second).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["state"], "pending");
    let answer = decided(&b, &bob, &sent).await;
    assert_eq!(answer["state"], "accepted", "{answer}");
    let (_, on_a_page) = page(&a, &alice, &on_a).await;
    assert_eq!(on_a_page["body"], second);
    let v2 = on_a_page["version"].as_str().unwrap().to_owned();
    at_version(&c, &carol, &on_c, &v2).await;
    at_version(&b, &bob, &on_b, &v2).await;

    // Carol edits on C.
    let third =
        "# Bin collection\n\nBins go out on Monday before 7am.\n\nGarden waste: fortnightly.\n";
    let (status, sent) = edit(&c, &carol, &on_c, &v2, third).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(decided(&c, &carol, &sent).await["state"], "accepted");
    let v3 = wait::until("Carol's edit is recorded on A", || async {
        let (_, p) = page(&a, &alice, &on_a).await;
        (p["body"] == third).then(|| p["version"].as_str().unwrap().to_owned())
    })
    .await;
    at_version(&b, &bob, &on_b, &v3).await;

    // Bob and Carol edit the same version at once: one wins, one conflicts.
    let (from_b, from_c) = tokio::join!(
        edit(&b, &bob, &on_b, &v3, "Bob's rewrite\n"),
        edit(&c, &carol, &on_c, &v3, "Carol's rewrite\n"),
    );
    assert_eq!((from_b.0, from_c.0), (202, 202), "{from_b:?} {from_c:?}");
    let (answer_b, answer_c) =
        tokio::join!(decided(&b, &bob, &from_b.1), decided(&c, &carol, &from_c.1));
    let states = [answer_b["state"].clone(), answer_c["state"].clone()];
    assert!(
        states.contains(&json!("accepted")) && states.contains(&json!("rejected")),
        "one success and one conflict: {answer_b} {answer_c}"
    );
    let loser = if answer_b["state"] == "rejected" {
        &answer_b
    } else {
        &answer_c
    };
    assert!(
        loser["reason"].as_str().unwrap().contains("conflict"),
        "{loser}"
    );
    let (_, winner) = page(&a, &alice, &on_a).await;
    let v4 = winner["version"].as_str().unwrap().to_owned();
    assert_ne!(v4, v3);

    // On A itself: two edits of the same version, the second is a conflict
    // that shows both texts.
    let (status, _) = edit(&a, &alice, &on_a, &v4, "Alice's version\n").await;
    assert_eq!(status, 200);
    let (status, conflict) = edit(&a, &dave, &on_a, &v4, "Dave's version\n").await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["current"]["body"], "Alice's version\n");
    assert_eq!(conflict["yours"]["body"], "Dave's version\n");
    assert_eq!(conflict["yours"]["base_version"], v4.as_str());

    // Restoring revision 1 makes its text current again, everywhere.
    let (status, restored) = moot_api(
        &a,
        &alice,
        Method::POST,
        (
            "/groups/{id}/wiki/{slug}/restore",
            &format!("/groups/{on_a}/wiki/bin-collection/restore"),
        ),
        Some(json!({ "revision": 1 })),
    )
    .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["revision"], 6);
    let (_, now) = page(&a, &alice, &on_a).await;
    assert_eq!(now["body"], first);
    let v6 = now["version"].as_str().unwrap().to_owned();
    let (on_b_now, on_c_now) = tokio::join!(
        at_version(&b, &bob, &on_b, &v6),
        at_version(&c, &carol, &on_c, &v6)
    );
    assert_eq!(
        (&on_b_now["body"], &on_c_now["body"]),
        (&json!(first), &json!(first))
    );

    // Every node shows the same history, with its full texts.
    let (history_a, history_b, history_c) = tokio::join!(
        history(&a, &alice, &on_a),
        history(&b, &bob, &on_b),
        history(&c, &carol, &on_c)
    );
    assert_eq!(history_a.len(), 6);
    assert_eq!(essence(&history_a), essence(&history_b));
    assert_eq!(essence(&history_a), essence(&history_c));
    let authors: Vec<String> = essence(&history_a).into_iter().map(|r| r.3).collect();
    assert_eq!(authors[..3], ["alice", "bob", "carol"]);
    assert_eq!(history_a[5]["summary"], "Restored revision 1");

    // A diff between two revisions.
    let (status, diff) = moot_api(
        &b,
        &bob,
        Method::GET,
        (
            "/groups/{id}/wiki/{slug}/diff",
            &format!("/groups/{on_b}/wiki/bin-collection/diff?from=1&to=2"),
        ),
        None,
    )
    .await;
    assert_eq!(status, 200, "{diff}");
    assert!(diff["diff"]
        .as_str()
        .unwrap()
        .contains("+Bins go out on Monday before 7am."));

    // Someone who is not a member cannot edit, on their node or anywhere.
    let (status, refused) = edit(&c, &mallory, &on_c, &v6, "Vandalism\n").await;
    assert_eq!(status, 403, "{refused}");

    // Bob creates a page from B: B proposes it, A makes it (Bob its first
    // author) and every node gets it.
    let new_page = |group: &str| {
        (
            "/groups/{id}/wiki".to_owned(),
            format!("/groups/{group}/wiki"),
        )
    };
    let recycling = json!({ "title": "Recycling centres", "body": "Open daily.\n" });
    let (template, path) = new_page(&on_b);
    let (status, sent) = moot_api(
        &b,
        &bob,
        Method::POST,
        (&template, &path),
        Some(recycling.clone()),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    let answer = decided(&b, &bob, &sent).await;
    assert_eq!(answer["state"], "accepted", "{answer}");
    let on_a_revisions = revisions_of(&a, &alice, &on_a, "recycling-centres")
        .await
        .expect("the page is on A");
    assert_eq!(on_a_revisions[0]["body"], "Open daily.\n");
    assert!(on_a_revisions[0]["author"]["acct"]
        .as_str()
        .unwrap()
        .starts_with("bob@"));
    wait::until("the new page reaches C", || {
        revisions_of(&c, &carol, &on_c, "recycling-centres")
    })
    .await;
    // The same title again is a conflict, decided by A; a non-member is
    // refused at once.
    let (template, path) = new_page(&on_c);
    let again = json!({ "title": "Recycling Centres!", "body": "Closed.\n" });
    let (status, answer) =
        moot_api(&c, &carol, Method::POST, (&template, &path), Some(again)).await;
    assert_eq!(status, 422, "C already has the page: {answer}");
    let (status, answer) = moot_api(
        &c,
        &mallory,
        Method::POST,
        (&template, &path),
        Some(recycling),
    )
    .await;
    assert_eq!(status, 403, "{answer}");

    // Moderators only: Dave (a member on A) is refused at once; Bob's edit
    // from B is refused by A, and B is told why.
    let (status, _) = moot_api(
        &a,
        &alice,
        Method::PUT,
        (
            "/groups/{id}/wiki/{slug}/policy",
            &format!("/groups/{on_a}/wiki/bin-collection/policy"),
        ),
        Some(json!({ "policy": "moderators" })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = edit(&a, &dave, &on_a, &v6, "Dave again\n").await;
    assert_eq!(status, 403);
    let (status, sent) = edit(&b, &bob, &on_b, &v6, "Bob again\n").await;
    assert_eq!(status, 202, "{sent}");
    let answer = decided(&b, &bob, &sent).await;
    assert_eq!(answer["state"], "rejected");
    assert!(
        answer["reason"].as_str().unwrap().contains("moderators"),
        "{answer}"
    );
    let (_, unchanged) = page(&a, &alice, &on_a).await;
    assert_eq!(unchanged["version"], v6.as_str());
    assert_eq!(history(&a, &alice, &on_a).await.len(), 6);

    // Listed editors only: Dave, once listed for this page, may edit it.
    let (_, me) = a
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &dave)
        .await;
    let dave_id = me["id"].as_str().unwrap();
    for (template, path, body) in [
        (
            "/groups/{id}/wiki/{slug}/policy",
            format!("/groups/{on_a}/wiki/bin-collection/policy"),
            Some(json!({ "policy": "editors" })),
        ),
        (
            "/groups/{id}/wiki/{slug}/editors/{account_id}",
            format!("/groups/{on_a}/wiki/bin-collection/editors/{dave_id}"),
            None,
        ),
    ] {
        let method = if body.is_some() {
            Method::PUT
        } else {
            Method::POST
        };
        let (status, answer) = moot_api(&a, &alice, method, (template, &path), body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (status, answer) = edit(&a, &dave, &on_a, &v6, "Dave, listed\n").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["revision"], 7);
}

#[tokio::test]
async fn forged_revisions_are_refused_and_change_nothing() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let peer = FakePeer::start().await;
    peer.add_actor("forger");
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let on_a = make_group(&a, &alice, "handbook", "alice", "open").await;
    let on_b = follow_across(&b, &bob, &a, "handbook").await;
    let (status, created) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/groups/{id}/wiki", &format!("/groups/{on_a}/wiki")),
        Some(json!({ "title": "Bin collection", "body": "Mondays.\n" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let version = created["version"].as_str().unwrap().to_owned();
    at_version(&b, &bob, &on_b, &version).await;
    let page_uri = created["uri"].as_str().unwrap().to_owned();
    let forger = peer.actor("forger");
    let bob_uri = format!("{}/users/bob", b.base_url);
    let patch = |id: &str, author: &str| {
        json!({
            "id": id, "type": "Patch", "object": page_uri, "attributedTo": author,
            "version": "00000000-0000-0000-0000-000000000000", "previousVersion": version,
            "source": { "content": "Forged.\n", "mediaType": "text/markdown" },
        })
    };

    // An edit claiming to be Bob's, sent by another node.
    let forged_edit = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{forger}/edits/1"), "type": "Edit", "actor": forger,
        "object": patch(&format!("{bob_uri}/patches/1"), &bob_uri),
    });
    // The page itself, "updated" by someone who is not its group.
    let forged_update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{forger}/updates/1"), "type": "Update", "actor": forger,
        "object": {
            "id": page_uri, "type": "Article", "name": "Bin collection",
            "content": "<p>Forged.</p>", "attributedTo": forger, "audience": forger,
            "edits": format!("{page_uri}/edits"), "latestVersion": "x",
        },
        "result": patch(&format!("{page_uri}/edits/9"), &forger),
    });
    for (node, activity) in [
        (&a, &forged_edit),
        (&a, &forged_update),
        (&b, &forged_update),
    ] {
        let (status, answer) = peer
            .post_signed("forger", &format!("{}/inbox", node.base_url), activity)
            .await;
        assert_eq!(status, 400, "{}: {answer}", activity["type"]);
    }
    // An edit by a stranger's own account, of a group they are not in: taken
    // as an activity, refused as an edit.
    let stranger_edit = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{forger}/edits/2"), "type": "Edit", "actor": forger,
        "object": patch(&format!("{forger}/patches/2"), &forger),
    });
    let (status, _) = peer
        .post_signed("forger", &format!("{}/inbox", a.base_url), &stranger_edit)
        .await;
    assert_eq!(status, 202);
    wait::until("the stranger is told no", || async {
        peer.received()
            .iter()
            .any(|r| r["type"] == "Reject" && r["object"] == stranger_edit["id"])
            .then_some(())
    })
    .await;
    for (node, token, group) in [(&a, &alice, &on_a), (&b, &bob, &on_b)] {
        let (_, page) = page(node, token, group).await;
        assert_eq!(page["body"], "Mondays.\n");
        assert_eq!(page["version"], version.as_str());
        assert_eq!(history(node, token, group).await.len(), 1);
    }
}
