//! Federation rules from the browser, on real `moot serve` processes: the
//! mode and a block set on the admin page are in force within seconds,
//! as with the command line; a list to import is previewed (what it adds
//! and changes, nothing applied yet) and, once applied, leaves the same
//! rules as `moot federation import` of the same list on another node.

use std::time::Duration;

use moot_testkit::social::{follow_across, in_home};
use moot_testkit::web::{WebAnswer, WebClient};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::json;

/// Sends `list` through the import form, as a browser does.
async fn upload_list(admin: &mut WebClient, list: &str) -> WebAnswer {
    let token = admin.get("/admin/federation").await.csrf_token().unwrap();
    let part = reqwest::multipart::Part::bytes(list.as_bytes().to_vec())
        .file_name("sector-blocks.csv")
        .mime_str("text/csv")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("file", part);
    admin.post_multipart("/admin/federation/import", form).await
}

#[tokio::test]
async fn rules_set_in_the_browser_hold_at_the_border_and_imports_are_previewed() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let (_, password) = a.create_admin("keeper", "read");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;
    let mut keeper = WebClient::new(&a.base_url);
    keeper.sign_in("keeper", &password).await;

    // Allow-list mode with B allowed: Bob's posts still arrive.
    let allowed = keeper
        .submit(
            "/admin/federation",
            "/admin/federation/allows",
            &[("allow_domain", &b.hostname)],
        )
        .await;
    assert_eq!(allowed.status, 303, "{}", allowed.body);
    let mode = keeper
        .submit(
            "/admin/federation",
            "/admin/federation/mode",
            &[
                ("mode", "allowlist"),
                ("reason", "the region's councils only"),
            ],
        )
        .await;
    assert_eq!(mode.status, 303, "{}", mode.body);
    let page = keeper.get("/admin/federation").await.body;
    assert!(
        page.contains("value=\"allowlist\" checked"),
        "the page shows the mode"
    );
    let say = |text: &'static str| {
        let (b, bob) = (&b, &bob);
        async move {
            let (status, _) = b
                .api_json(
                    Method::POST,
                    "/api/v1/statuses",
                    bob,
                    json!({"status": text}),
                )
                .await;
            assert_eq!(status, 200);
        }
    };
    say("allowed in the region").await;
    wait::until("A takes Bob's post", || {
        in_home(&a, &alice, "allowed in the region")
    })
    .await;

    // A block (a block wins over an allow): B's posts are refused.
    let blocked = keeper
        .submit(
            "/admin/federation",
            "/admin/federation/blocks",
            &[
                ("domain", &b.hostname),
                ("severity", "suspend"),
                ("public_comment", "Compromised"),
                ("expires_on", ""),
            ],
        )
        .await;
    assert_eq!(blocked.status, 303, "{}", blocked.body);
    say("after the block").await;
    wait::until("B's delivery to A is answered", || async {
        let table = b.cli_ok(&["admin", "federation-status"]);
        let line = table.lines().find(|l| l.starts_with(&a.hostname))?;
        (line.split_whitespace().nth(1) == Some("0")).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(in_home(&a, &alice, "after the block").await.is_none());
    let listed = a.cli_ok(&["federation", "list"]);
    assert!(
        listed.contains("allowlist") && listed.contains(&b.hostname),
        "the command line sees the page's rules: {listed}"
    );

    // An import: previewed first (nothing changes), then applied.
    let list = format!(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
         spam.example,suspend,false,false,Spam,false\n\
         {},silence,true,false,Noisy,false\n",
        b.hostname
    );
    let before = keeper.get("/admin/federation/export/blocks.csv").await.body;
    let preview = upload_list(&mut keeper, &list).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let added = preview
        .body
        .find("Will be added")
        .expect("additions listed");
    let changed = preview.body.find("Will change").expect("changes listed");
    assert!(
        preview.body[added..changed].contains("spam.example"),
        "{}",
        preview.body
    );
    assert!(
        preview.body[changed..].contains(&b.hostname),
        "{}",
        preview.body
    );
    assert_eq!(
        keeper.get("/admin/federation/export/blocks.csv").await.body,
        before,
        "a preview changes nothing"
    );
    let token = keeper.get("/admin/federation").await.csrf_token().unwrap();
    let applied = keeper
        .post(
            "/admin/federation/import/apply",
            &[
                ("csrf_token", &token),
                ("list", &list),
                ("source", "upload:sector-blocks.csv"),
            ],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);

    // The same list through the command line on C, from the same rules.
    c.cli_ok(&[
        "federation",
        "block",
        &b.hostname,
        "--severity",
        "suspend",
        "--comment",
        "Compromised",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sector-blocks.csv");
    std::fs::write(&file, &list).unwrap();
    let report = c.cli_ok(&["federation", "import", file.to_str().unwrap()]);
    assert!(
        report.starts_with("added 1, changed 1, skipped 0"),
        "{report}"
    );
    assert_eq!(
        keeper.get("/admin/federation/export/blocks.csv").await.body,
        c.cli_ok(&["federation", "export"]),
        "the page's import leaves what the command line's does"
    );

    // Back to every node but the blocked; each change is audited.
    keeper
        .submit(
            "/admin/federation",
            "/admin/federation/mode",
            &[("mode", "blocklist")],
        )
        .await;
    let log = a.cli_ok(&["admin", "audit-log"]);
    for expected in [
        "@keeper set_mode allowlist",
        "@keeper allow",
        "@keeper block",
        "@keeper import",
        "@keeper set_mode blocklist",
    ] {
        assert!(log.contains(expected), "{expected} in {log}");
    }
    assert!(log.contains("because: the region's councils only"), "{log}");
}
