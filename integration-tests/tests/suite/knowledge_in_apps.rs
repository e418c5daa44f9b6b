//! A group's knowledge in fediverse apps: a new wiki page, a significant
//! edit, a new document and version and a new event each appear as a post
//! by the group in its followers' home timelines, read through the
//! Mastodon API and by Mastodon.py; a small correction does not.

use std::time::Duration;

use moot_testkit::clients::{clients_dir, python_bin};
use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use reqwest::Method;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn followers_see_a_groups_new_knowledge_in_their_home_timeline() {
    let python = tokio::task::spawn_blocking(python_bin)
        .await
        .unwrap()
        .join("python");
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let sam = node.create_user("sam", "read write follow").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=housing", &sam)
        .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{group_id}/follow"),
            &sam,
        )
        .await;
    assert_eq!(status, 200);

    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;
    jo.submit(
        "/groups/housing/new-wiki-page",
        "/groups/housing/new-wiki-page",
        &[
            ("title", "Damp and mould"),
            (
                "body",
                "Inspect within 14 days.\nRecord every visit.\nPhotograph the room.",
            ),
            ("summary", "How we handle reports"),
        ],
    )
    .await;
    let edit = |version: String, body: &'static str| {
        vec![
            ("base_version", version),
            ("title", "Damp and mould".to_owned()),
            ("body", body.to_owned()),
        ]
    };
    let version = |body: &str| {
        let at = body.find("name=\"base_version\" value=\"").unwrap() + 27;
        body[at..at + body[at..].find('"').unwrap()].to_owned()
    };
    // A one-word correction is not announced; a rewrite is.
    let form = jo
        .get("/groups/housing/wiki/damp-and-mould/edit")
        .await
        .body;
    let fields = edit(
        version(&form),
        "Inspect within 15 days.\nRecord every visit.\nPhotograph the room.",
    );
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    jo.submit(
        "/groups/housing/wiki/damp-and-mould/edit",
        "/groups/housing/wiki/damp-and-mould/edit",
        &fields,
    )
    .await;
    let form = jo
        .get("/groups/housing/wiki/damp-and-mould/edit")
        .await
        .body;
    let fields = edit(version(&form), "Call within 2 days.\nInspect within 7 days.\nOpen a repair order.\nFollow up after a month.");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    jo.submit(
        "/groups/housing/wiki/damp-and-mould/edit",
        "/groups/housing/wiki/damp-and-mould/edit",
        &fields,
    )
    .await;
    let document = jo
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[
                ("title", "Condensation leaflet"),
                ("description", "For tenants"),
            ],
            (
                "leaflet.pdf",
                b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
            ),
        )
        .await
        .location
        .unwrap();
    jo.upload(
        &document,
        &format!("{document}/versions"),
        &[],
        (
            "leaflet-v2.pdf",
            b"%PDF-1.4\n2 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
        ),
    )
    .await;
    jo.submit(
        "/groups/housing/new-event",
        "/groups/housing/new-event",
        &[
            ("title", "Damp workshop"),
            ("starts_at", "2030-07-01T14:00"),
        ],
    )
    .await;

    let (status, home) = node
        .api(Method::GET, "/api/v1/timelines/home?limit=40", &sam)
        .await;
    assert_eq!(status, 200);
    let by_group: Vec<&serde_json::Value> = home
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["account"]["acct"] == "housing")
        .collect();
    let said: Vec<String> = by_group
        .iter()
        .map(|s| s["content"].as_str().unwrap().to_owned())
        .collect();
    let count = |needle: &str| said.iter().filter(|c| c.contains(needle)).count();
    assert_eq!(count("New wiki page"), 1, "{said:#?}");
    assert_eq!(count("Wiki page updated"), 1, "only the rewrite: {said:#?}");
    assert_eq!(count("New document"), 1, "{said:#?}");
    assert_eq!(count("New version (2)"), 1, "{said:#?}");
    assert_eq!(count("New event"), 1, "{said:#?}");
    assert!(said.iter().all(|c| c.contains("<a href=")), "{said:#?}");
    let wiki_post = by_group
        .iter()
        .find(|s| s["content"].as_str().unwrap().contains("New wiki page"))
        .unwrap();
    assert!(wiki_post["content"]
        .as_str()
        .unwrap()
        .contains(&node.url("/users/housing/wiki/damp-and-mould")));

    // Sam's dashboard in the browser shows the same news.
    let mut browser = WebClient::new(&node.url(""));
    browser.sign_in("sam", PASSWORD).await;
    let dashboard = browser.get("/").await.body;
    for expected in [
        "Wiki page edited",
        "New version of a document",
        "Condensation leaflet",
        "Damp workshop",
        "Recent discussions in your groups",
    ] {
        assert!(dashboard.contains(expected), "{expected}: {dashboard}");
    }

    let script = clients_dir().join("mastodon_py_knowledge.py");
    let run = tokio::process::Command::new(&python)
        .arg(&script)
        .args([&node.base_url, "sam", PASSWORD, "housing"])
        .args(["Damp and mould", "Condensation leaflet", "Damp workshop"])
        .current_dir(clients_dir())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("Mastodon.py finishes within 2 minutes")
        .expect("running Mastodon.py");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("OK:"), "{stdout}");
}
