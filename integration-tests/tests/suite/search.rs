//! Search across what a node knows, through public interfaces only: on B,
//! a wiki page and a document from a group on A (received by B) are found
//! ranked above a post that matches as well; a private group's content is
//! found by its member on B and never by anyone else; the "ask who knows"
//! directory finds people by topic.

use moot_testkit::social::{follow_across, make_group, moot_api, resolve};
use moot_testkit::{wait, ProcessNode};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn search(node: &ProcessNode, token: &str, query: &str) -> Vec<Value> {
    let path = format!("/search?q={query}");
    let (status, found) = moot_api(node, token, Method::GET, ("/search", &path), None).await;
    assert_eq!(status, 200, "{found}");
    found.as_array().cloned().unwrap_or_default()
}

fn kinds_and_titles(found: &[Value]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|f| {
            (
                f["type"].as_str().unwrap().to_owned(),
                f["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn search_finds_received_knowledge_ranked_and_keeps_private_groups_private() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let eve = b.create_user("eve", "read write follow");
    let roads = make_group(&a, &alice, "roads", "alice", "open").await;
    let cabinet = make_group(&a, &alice, "cabinet", "alice", "private").await;
    follow_across(&b, &bob, &a, "alice").await;
    let roads_on_b = follow_across(&b, &bob, &a, "roads").await;
    // Bob asks to join the private group; Alice lets him in.
    let cabinet_on_b = resolve(&b, &bob, &a.handle("cabinet")).await;
    let (status, _) = b
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{cabinet_on_b}/follow"),
            &bob,
        )
        .await;
    assert_eq!(status, 200);
    let requester = wait::until("Bob's request reaches A", || async {
        let (_, pending) = a
            .api(
                Method::GET,
                &format!("/api/moot/v1/groups/{cabinet}/requests"),
                &alice,
            )
            .await;
        pending.as_array()?.first()?["id"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/moot/v1/groups/{cabinet}/requests/{requester}/authorize"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("Bob is a member", || async {
        let (_, rels) = b
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={cabinet_on_b}"),
                &bob,
            )
            .await;
        (rels[0]["following"] == true).then_some(())
    })
    .await;

    // On A: a wiki page and a document in the open group, a page in the
    // private one, and a post that mentions gritting in passing.
    let wiki = |group: &str, title: &str, body: &str| {
        let (group, title, body) = (group.to_owned(), title.to_owned(), body.to_owned());
        let (a, alice) = (&a, &alice);
        async move {
            let (status, page) = moot_api(
                a,
                alice,
                Method::POST,
                ("/groups/{id}/wiki", &format!("/groups/{group}/wiki")),
                Some(json!({ "title": title, "body": body })),
            )
            .await;
            assert_eq!(status, 200, "{page}");
        }
    };
    wiki(
        &roads,
        "Winter gritting plan",
        "Gritting routes are treated before frost.\n\nGritting starts at 4am on priority roads. <script>alert(1)</script>\n",
    )
    .await;
    wiki(
        &cabinet,
        "Gritting budget",
        "The gritting budget for next winter, not yet public.\n",
    )
    .await;
    let form = Form::new().part(
        "file",
        Part::bytes(PDF.to_vec())
            .file_name("routes.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let media: Value = a
        .http
        .post(format!("{}/api/v2/media", a.base_url))
        .bearer_auth(&alice)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, item) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/groups/{id}/library", &format!("/groups/{roads}/library")),
        Some(json!({ "media_id": media["id"], "title": "Gritting routes 2026", "description": "Map of the gritting network" })),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    let (status, _) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({ "status": "A long night at the depot; the lorries were out gritting. #gritting" }),
        )
        .await;
    assert_eq!(status, 200);

    // B has received all four; Bob finds them, the page and the file first.
    let found = wait::until("B has everything", || async {
        let found = search(&b, &bob, "gritting").await;
        (found.len() == 4).then_some(found)
    })
    .await;
    let order = kinds_and_titles(&found);
    let post_at = order.iter().position(|(k, _)| k == "post").unwrap();
    for title in ["Winter gritting plan", "Gritting routes 2026"] {
        let at = order
            .iter()
            .position(|(_, t)| t == title)
            .unwrap_or_else(|| panic!("{title} in {order:?}"));
        assert!(at < post_at, "{title} ranks above the post: {order:?}");
    }
    assert!(
        found[0]["excerpt"].as_str().unwrap().contains("<b>"),
        "{}",
        found[0]
    );
    // Excerpts are HTML a client may show: a page's text is escaped.
    for hit in &found {
        let excerpt = hit["excerpt"].as_str().unwrap();
        assert!(!excerpt.contains("<script"), "{hit}");
    }
    let plan = found
        .iter()
        .find(|h| h["title"] == "Winter gritting plan")
        .unwrap();
    assert!(
        plan["excerpt"].as_str().unwrap().contains("&lt;script&gt;"),
        "{plan}"
    );
    assert!(
        order.iter().any(|(_, t)| t == "Gritting budget"),
        "a member finds the private page"
    );

    // Eve is in no group: the private page does not exist for her.
    let for_eve = kinds_and_titles(&search(&b, &eve, "gritting").await);
    assert_eq!(for_eve.len(), 3, "{for_eve:?}");
    assert!(!for_eve.iter().any(|(_, t)| t == "Gritting budget"));
    assert!(search(&b, &eve, "budget").await.is_empty());

    // Filters: by type, by group, by node.
    let files = search(
        &b,
        &bob,
        &format!("gritting&type=file&group_id={roads_on_b}"),
    )
    .await;
    assert_eq!(
        kinds_and_titles(&files),
        vec![("file".into(), "Gritting routes 2026".into())]
    );
    assert!(search(&b, &bob, "gritting&node=local").await.is_empty());
    let (status, _) = moot_api(
        &b,
        &bob,
        Method::GET,
        ("/search", "/search?q=gritting&type=video"),
        None,
    )
    .await;
    assert_eq!(status, 422);

    // Ask who knows: Alice writes about #gritting, Bob is in the roads group.
    let (status, experts) = moot_api(
        &b,
        &eve,
        Method::GET,
        ("/directory", "/directory?topic=gritting"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{experts}");
    assert_eq!(experts[0]["account"]["username"], "alice");
    let (_, experts) = moot_api(
        &b,
        &eve,
        Method::GET,
        ("/directory", "/directory?topic=roads"),
        None,
    )
    .await;
    assert_eq!(experts[0]["account"]["username"], "bob", "{experts}");

    // Posts through the Mastodon API's search too.
    let (status, v2) = b
        .api(Method::GET, "/api/v2/search?q=lorries&type=statuses", &eve)
        .await;
    assert_eq!(status, 200);
    assert_eq!(v2["statuses"].as_array().map(Vec::len), Some(1), "{v2}");
}
