//! Every kind of page of the web app, signed in and out, checked in
//! Debian's Chromium by axe-core against WCAG 2.0, 2.1 and 2.2 A and AA.

use moot_testkit::TestNode;
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough password";

/// The pages' problems, one line each, for a failure message.
fn problems(report: &Value) -> Vec<String> {
    report
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|page| {
            page["violations"].as_array().unwrap().iter().map(move |v| {
                format!(
                    "{} (signed in as {}): {} [{}] at {}",
                    page["path"], page["login"], v["help"], v["id"], v["nodes"]
                )
            })
        })
        .collect()
}

#[tokio::test]
async fn every_page_meets_wcag_aa_signed_in_and_out() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write").await;
    node.create_admin("keeper", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let post = node
        .post(
            &jo,
            &format!(
                "@housing@{} What works for damp and mould?",
                node.settings.server.hostname
            ),
        )
        .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    let own = node.post(&jo, "A post of my own").await;
    let (_, jo_json) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    let (_, report) = node
        .api_json(
            reqwest::Method::POST,
            "/api/v1/reports",
            &sam,
            json!({"account_id": jo_json["id"], "status_ids": [own["id"]], "comment": "Off topic"}),
        )
        .await;
    let report_page = format!("/admin/reports/{}", report["id"].as_str().unwrap());
    let group = moot_app::directory::local_any(&node.ctx(), "housing")
        .await
        .unwrap()
        .unwrap();
    let jo_account = moot_app::directory::local_any(&node.ctx(), "jo")
        .await
        .unwrap()
        .unwrap();
    let ctx = node.ctx();
    let created = moot_app::wiki::create_page(
        &ctx,
        &jo_account,
        group.id,
        "Damp and mould",
        "# Steps\n\nInspect within 14 days.",
        "First version",
    )
    .await
    .unwrap();
    let moot_app::wiki::NewPage::Created(view) = created else {
        panic!("a page of a local group is made here");
    };
    let first_version = view.page.version.clone();
    moot_app::wiki::edit(
        &ctx,
        &jo_account,
        group.id,
        "damp-and-mould",
        moot_app::wiki::EditInput {
            base_version: first_version.clone(),
            title: None,
            body: "# Steps\n\nInspect within 7 days.".into(),
            summary: "Shorter".into(),
        },
    )
    .await
    .unwrap();

    let mut web = moot_testkit::web::WebClient::new(&node.url(""));
    web.sign_in("jo", PASSWORD).await;
    let added = web
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[
                ("title", "Board minutes"),
                ("folder", "Minutes"),
                ("tags", "board"),
            ],
            (
                "minutes.pdf",
                b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
            ),
        )
        .await;
    let document = added.location.expect("the document's page");
    let event = web
        .submit(
            "/groups/housing/new-event",
            "/groups/housing/new-event",
            &[
                ("title", "Damp workshop"),
                ("starts_at", "2030-07-01T14:00"),
                ("place_name", "Town Hall"),
            ],
        )
        .await
        .location
        .expect("the event's page");
    let signed_out = [
        "/",
        "/login",
        "/groups",
        "/groups/housing",
        "/groups/housing/wiki",
        "/groups/housing/wiki/damp-and-mould",
        "/groups/housing/wiki/damp-and-mould/history",
        "/groups/housing/library",
        &document,
        "/groups/housing/events",
        &event,
        "/about",
        "/about/rules",
        "/terms",
        "/privacy",
        "/signup",
        "/reset/no-such-link",
        "/@jo",
        "/no/such/page",
    ];
    let signed_in = [
        "/".to_owned(),
        "/groups".to_owned(),
        "/groups?q=housing".to_owned(),
        "/groups/housing".to_owned(),
        format!("/posts/{post_id}"),
        format!("/report?status={post_id}"),
        "/notifications".to_owned(),
        "/settings".to_owned(),
        "/settings/password".to_owned(),
        "/settings/sessions".to_owned(),
        "/groups/housing/wiki".to_owned(),
        "/groups/housing/new-wiki-page".to_owned(),
        "/groups/housing/wiki/damp-and-mould".to_owned(),
        "/groups/housing/wiki/damp-and-mould/edit".to_owned(),
        "/groups/housing/wiki/damp-and-mould/history".to_owned(),
        "/groups/housing/wiki/damp-and-mould/diff?from=1&to=2".to_owned(),
        "/groups/housing/library".to_owned(),
        "/groups/housing/library?tag=board".to_owned(),
        "/groups/housing/new-document".to_owned(),
        document.clone(),
        "/groups/housing/events".to_owned(),
        "/groups/housing/new-event".to_owned(),
        event.clone(),
        "/groups/housing/manage".to_owned(),
        "/settings/profile".to_owned(),
        "/settings/apps".to_owned(),
        "/search".to_owned(),
        "/search?q=damp".to_owned(),
        "/search?q=damp&type=wiki&since=2020-01-01".to_owned(),
        "/directory".to_owned(),
        "/directory?topic=damp".to_owned(),
        "/tags/damp".to_owned(),
        "/@jo".to_owned(),
        "/about".to_owned(),
    ];
    let mut visits: Vec<Value> = signed_out
        .iter()
        .map(|p| {
            let expect = match *p {
                "/no/such/page" => 404,
                "/reset/no-such-link" => 410,
                _ => 200,
            };
            json!({ "path": p, "mobile": true, "expect": expect })
        })
        .collect();
    for user in ["jo", "sam"] {
        visits.extend(signed_in.iter().map(
            |p| {
                // Only moderators manage a group; others are told so.
                let expect = if user == "sam" && p.ends_with("/manage") { 403 } else { 200 };
                json!({ "path": p, "login": user, "password": PASSWORD, "mobile": user == "jo", "expect": expect })
            },
        ));
    }
    // The administrators' pages (others are refused them), with
    // something in each list.
    let keeper_account = moot_app::directory::local_any(&ctx, "keeper")
        .await
        .unwrap()
        .unwrap();
    moot_app::invites::create(&ctx, &keeper_account, Default::default())
        .await
        .unwrap();
    moot_app::node_texts::add_rule(
        &ctx,
        &keeper_account,
        "Share what your council may publish",
        "",
    )
    .await
    .unwrap();
    let mut block =
        moot_app::domain_policy::BlockRequest::new(moot_core::domain_rules::Severity::Silence);
    block.public_comment = "Spam".into();
    moot_app::domain_policy::block(
        &ctx,
        &moot_app::audit::Who::person("keeper"),
        "spam.example",
        &block,
    )
    .await
    .unwrap();
    for path in [
        "/admin".to_owned(),
        "/admin/reports".to_owned(),
        report_page,
        "/admin/reports?resolved=1".to_owned(),
        "/admin/accounts".to_owned(),
        "/admin/accounts?status=pending&origin=local".to_owned(),
        format!("/admin/accounts/{}", jo_account.id),
        "/admin/invites".to_owned(),
        "/admin/federation".to_owned(),
        "/admin/peering".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/audit?action=federation".to_owned(),
        "/admin/rules".to_owned(),
    ] {
        visits.push(json!({ "path": path, "login": "keeper", "password": PASSWORD, "mobile": true, "expect": 200 }));
        visits.push(json!({ "path": path, "login": "sam", "password": PASSWORD, "expect": 403 }));
    }
    // The administrators' pages that answer a form: a list to import,
    // checked before it applies, and a password reset link.
    visits.push(json!({ "path": "/admin/federation", "login": "keeper", "password": PASSWORD, "mobile": true,
        "set": {}, "files": { "#list": { "name": "blocks.csv", "text": "#domain,#severity\nnew.example,suspend\nspam.example,suspend\n" } },
        "submit": "form[action='/admin/federation/import'] button", "expect": 200 }));
    visits.push(json!({ "path": format!("/admin/accounts/{}", jo_account.id), "login": "keeper", "password": PASSWORD, "mobile": true,
        "set": {}, "submit": "form[action$='/reset'] button", "expect": 200 }));
    // Pages that answer a form: a refused sign-in, a form with an error,
    // and a stale wiki edit's conflict page.
    visits.push(
        json!({ "path": "/login", "set": { "#login": "jo", "#password": "wrong" }, "expect": 401 }),
    );
    visits.push(json!({ "path": "/signup", "set": { "#username": "" }, "expect": 400 }));
    let signed_in_jo = |path: &str, set: Value, expect: u16| json!({ "path": path, "login": "jo", "password": PASSWORD, "set": set, "expect": expect, "mobile": true });
    visits.push(signed_in_jo(
        "/groups/housing/new-wiki-page",
        json!({ "#title": "" }),
        400,
    ));
    visits.push(signed_in_jo(
        "/groups/housing/wiki/damp-and-mould/edit",
        json!({ "input[name=base_version]": first_version, "#body": "My own text" }),
        409,
    ));
    // Each page with its stylesheet and script weighs under 100 KB.
    let front = web.get("/").await.body;
    let mut assets = 0;
    for kind in [".css", ".js"] {
        let at = front.find(kind).unwrap();
        let start = front[..at].rfind("/assets/").unwrap();
        let asset = node
            .http
            .get(node.url(&front[start..at + kind.len()]))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200);
        assert!(asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
        assets += asset.bytes().await.unwrap().len();
    }
    for path in &signed_in {
        let page = web.get(path).await.body.len();
        assert!(page + assets < 100_000, "{path}: {page} + {assets} bytes");
    }

    let report = moot_testkit::browser::run(
        "check_pages.mjs",
        json!({ "base": node.url(""), "visits": visits }),
    )
    .await;
    let pages = report.as_array().unwrap();
    assert!(pages.len() >= visits.len(), "{report}");
    for page in pages {
        assert_eq!(page["status"], page["expect"], "{page}");
    }
    let problems = problems(&report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
