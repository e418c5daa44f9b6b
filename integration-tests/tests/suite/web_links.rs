//! Links open pages: the ActivityPub ids of people, groups, posts, wiki
//! pages, revisions, documents and events answer a browser with their
//! page and an ActivityPub client with JSON; search and "who knows" find
//! them, with the matching words marked.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";
const AP: &str = "application/activity+json";

/// Where `path` sends a browser (following redirects on this node).
async fn lands_on(web: &mut WebClient, path: &str) -> (String, u16) {
    let mut at = path.to_owned();
    for _ in 0..4 {
        let answer = web.get(&at).await;
        match answer.location {
            Some(next) if (300..400).contains(&answer.status) => {
                at = next.strip_prefix(&web.base).unwrap_or(&next).to_owned()
            }
            _ => return (at, answer.status),
        }
    }
    panic!("{path} redirects too often");
}

#[tokio::test]
async fn object_ids_open_pages_in_a_browser_and_search_finds_them() {
    let node = TestNode::start().await;
    let jo_token = node.create_user("jo", "read write").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;
    jo.submit(
        "/groups/housing/new-wiki-page",
        "/groups/housing/new-wiki-page",
        &[
            ("title", "Damp and mould"),
            ("body", "Inspect within 14 days."),
        ],
    )
    .await;
    let version = {
        let form = jo.get("/groups/housing/wiki/damp-and-mould/edit").await;
        let at = form.body.find("name=\"base_version\" value=\"").unwrap() + 27;
        form.body[at..at + form.body[at..].find('"').unwrap()].to_owned()
    };
    jo.submit(
        "/groups/housing/wiki/damp-and-mould/edit",
        "/groups/housing/wiki/damp-and-mould/edit",
        &[
            ("base_version", &version),
            ("title", "Damp and mould"),
            (
                "body",
                "Inspect within 7 days. Condensation is the usual cause.",
            ),
        ],
    )
    .await;
    let document = jo
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[("title", "Condensation leaflet")],
            (
                "leaflet.pdf",
                b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
            ),
        )
        .await
        .location
        .unwrap();
    let item_id = document.rsplit('/').next().unwrap().to_owned();
    let post = node
        .post(
            &jo_token,
            "Has anyone tried dehumidifiers for #condensation?",
        )
        .await;
    let post_id = post["id"].as_str().unwrap().to_owned();

    for (id_path, page) in [
        ("/users/jo", "/@jo".to_owned()),
        ("/users/housing", "/groups/housing".to_owned()),
        (&format!("/statuses/{post_id}"), format!("/posts/{post_id}")),
        (
            "/users/housing/wiki/damp-and-mould",
            "/groups/housing/wiki/damp-and-mould".to_owned(),
        ),
        (
            "/users/housing/wiki/damp-and-mould/edits",
            "/groups/housing/wiki/damp-and-mould/history".to_owned(),
        ),
        (
            "/users/housing/wiki/damp-and-mould/edits/2",
            "/groups/housing/wiki/damp-and-mould/diff?from=1&to=2".to_owned(),
        ),
        (
            &format!("/users/housing/library/{item_id}"),
            document.clone(),
        ),
    ] {
        let (landed, status) = lands_on(&mut jo, id_path).await;
        assert_eq!((landed.as_str(), status), (page.as_str(), 200), "{id_path}");
        let json = node
            .http
            .get(node.url(id_path))
            .header("accept", AP)
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), 200, "{id_path} as JSON");
        assert!(json.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("activity+json"));
    }

    let found = jo.get("/search?q=condensation").await;
    assert_eq!(found.status, 200);
    for expected in [
        "Damp and mould",
        "Condensation leaflet",
        "dehumidifiers",
        "<mark>",
    ] {
        assert!(found.body.contains(expected), "{expected}: {}", found.body);
    }
    let only_wiki = jo.get("/search?q=condensation&type=wiki").await;
    assert!(only_wiki.body.contains("Damp and mould"));
    assert!(!only_wiki.body.contains("dehumidifiers"));
    let (landed, _) = lands_on(&mut jo, "/search?q=condensation&type=wiki").await;
    assert_eq!(landed, "/search?q=condensation&type=wiki");
    let wiki_link_at = only_wiki.body.find("/wiki-pages/").unwrap();
    let wiki_link = &only_wiki.body
        [wiki_link_at..wiki_link_at + only_wiki.body[wiki_link_at..].find('"').unwrap()];
    assert_eq!(
        lands_on(&mut jo, wiki_link).await.0,
        "/groups/housing/wiki/damp-and-mould"
    );
    let bad_date = jo.get("/search?q=damp&since=yesterday").await;
    assert_eq!(bad_date.status, 400);
    assert!(bad_date.body.contains("Enter a date"));

    let experts = jo.get("/directory?topic=condensation").await;
    assert_eq!(experts.status, 200);
    assert!(experts.body.contains("/@jo"), "{}", experts.body);
    let profile = jo.get("/@jo").await;
    assert!(profile.body.contains("dehumidifiers"));
    assert!(profile.body.contains("/groups/housing"));
    // The profile lists the topics "who knows" finds them for.
    assert!(
        profile
            .body
            .contains("href=\"/directory?topic=condensation\""),
        "{}",
        profile.body
    );
}
