//! A group's wiki in the browser: creating, editing, a stale edit's
//! conflict page, history, differences and restoring, and the refusal a
//! non-member gets.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn members_write_the_wiki_and_a_stale_edit_shows_both_texts() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    node.create_user("sam", "read").await;
    node.create_user("outsider", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;
    let mut sam = WebClient::new(&node.url(""));
    sam.sign_in("sam", PASSWORD).await;
    let joined = sam
        .submit("/groups/housing", "/groups/housing/join", &[])
        .await;
    assert_eq!(joined.status, 303);

    // An empty title is refused with the form again, not lost.
    let blank = jo
        .submit(
            "/groups/housing/new-wiki-page",
            "/groups/housing/new-wiki-page",
            &[("title", " "), ("body", "Some text"), ("summary", "")],
        )
        .await;
    assert_eq!(blank.status, 400);
    assert!(blank.body.contains("There is a problem"));
    assert!(blank.body.contains("Some text"), "the text is kept");

    let created = jo
        .submit(
            "/groups/housing/new-wiki-page",
            "/groups/housing/new-wiki-page",
            &[
                ("title", "Damp and mould"),
                ("body", "Inspect within 14 days.\n\nRecord every visit."),
                ("summary", "First version"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(
        created.location.as_deref(),
        Some("/groups/housing/wiki/damp-and-mould")
    );
    let page = jo.get("/groups/housing/wiki/damp-and-mould").await;
    assert!(page.body.contains("Inspect within 14 days."));

    // Both open the edit form on the same version; Sam saves first.
    let jo_form = jo.get("/groups/housing/wiki/damp-and-mould/edit").await;
    let sam_form = sam.get("/groups/housing/wiki/damp-and-mould/edit").await;
    let version = |body: &str| {
        let at = body.find("name=\"base_version\" value=\"").unwrap() + 27;
        body[at..at + body[at..].find('"').unwrap()].to_owned()
    };
    let base = version(&jo_form.body);
    assert_eq!(base, version(&sam_form.body));
    let sam_token = sam_form.csrf_token().unwrap();
    let saved = sam
        .post(
            "/groups/housing/wiki/damp-and-mould/edit",
            &[
                ("csrf_token", &sam_token),
                ("base_version", &base),
                ("title", "Damp and mould"),
                ("body", "Inspect within 7 days.\n\nRecord every visit."),
                ("summary", "Shorter deadline"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // Jo's edit is stale: the conflict page shows both texts and a form
    // based on the current version, keeping Jo's text.
    let jo_token = jo_form.csrf_token().unwrap();
    let stale = jo
        .post(
            "/groups/housing/wiki/damp-and-mould/edit",
            &[
                ("csrf_token", &jo_token),
                ("base_version", &base),
                ("title", "Damp and mould"),
                (
                    "body",
                    "Inspect within 14 days.\n\nRecord every visit with photos.",
                ),
                ("summary", "Photos"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale
        .body
        .contains("Someone changed this page while you were editing"));
    assert!(
        stale.body.contains("Inspect within 7 days."),
        "the current text"
    );
    assert!(
        stale.body.contains("Record every visit with photos."),
        "Jo's text"
    );
    assert!(stale.body.contains("<del>"), "the differences are marked");
    let current = version(&stale.body);
    assert_ne!(current, base);
    let merged = jo
        .post(
            "/groups/housing/wiki/damp-and-mould/edit",
            &[
                ("csrf_token", &jo_token),
                ("base_version", &current),
                ("title", "Damp and mould"),
                (
                    "body",
                    "Inspect within 7 days.\n\nRecord every visit with photos.",
                ),
                ("summary", "Photos, merged"),
            ],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);

    let history = jo.get("/groups/housing/wiki/damp-and-mould/history").await;
    assert_eq!(history.status, 200);
    for summary in ["First version", "Shorter deadline", "Photos, merged"] {
        assert!(
            history.body.contains(summary),
            "{summary}: {}",
            history.body
        );
    }
    let diff = jo
        .get("/groups/housing/wiki/damp-and-mould/diff?from=1&to=3")
        .await;
    assert_eq!(diff.status, 200);
    assert!(diff.body.contains("<ins>"), "{}", diff.body);
    let bad = jo
        .get("/groups/housing/wiki/damp-and-mould/diff?from=x&to=3")
        .await;
    assert_eq!(bad.status, 400);
    let missing = jo
        .get("/groups/housing/wiki/damp-and-mould/diff?from=1&to=99")
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        jo.get("/groups/housing/wiki/no-such-page").await.status,
        404
    );

    let restored = jo
        .submit(
            "/groups/housing/wiki/damp-and-mould/history",
            "/groups/housing/wiki/damp-and-mould/restore",
            &[("revision", "1")],
        )
        .await;
    assert_eq!(restored.status, 303);
    let page = jo.get("/groups/housing/wiki/damp-and-mould").await;
    assert!(page.body.contains("Inspect within 14 days."));
    assert!(!page.body.contains("photos"));

    // Someone outside the group is told why they cannot edit.
    let mut outsider = WebClient::new(&node.url(""));
    outsider.sign_in("outsider", PASSWORD).await;
    let form = outsider
        .get("/groups/housing/wiki/damp-and-mould/edit")
        .await;
    let token = form.csrf_token().unwrap();
    let refused = outsider
        .post(
            "/groups/housing/wiki/damp-and-mould/edit",
            &[
                ("csrf_token", &token),
                ("base_version", &version(&form.body)),
                ("title", "Damp and mould"),
                ("body", "Vandalism"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("only members of housing can edit its wiki"),
        "{}",
        refused.body
    );
    // And no form works without its token.
    let forged = outsider
        .post(
            "/groups/housing/wiki/damp-and-mould/edit",
            &[("base_version", "x"), ("title", "t"), ("body", "b")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let page = jo.get("/groups/housing/wiki/damp-and-mould").await;
    assert!(!page.body.contains("Vandalism"));
}
