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
    node.create_user("sam", "read").await;
    moot_app::groups::create(
        &node.ctx(),
        "housing",
        "jo",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();
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
    node.post(&jo, "A post of my own").await;

    let signed_out = ["/", "/login", "/groups", "/groups/housing", "/no/such/page"];
    let signed_in = [
        "/".to_owned(),
        "/groups".to_owned(),
        "/groups?q=housing".to_owned(),
        "/groups/housing".to_owned(),
        format!("/posts/{post_id}"),
        "/notifications".to_owned(),
        "/settings".to_owned(),
        "/settings/password".to_owned(),
        "/settings/sessions".to_owned(),
    ];
    let mut visits: Vec<Value> = signed_out
        .iter()
        .map(|p| json!({ "path": p, "mobile": true }))
        .collect();
    for user in ["jo", "sam"] {
        visits.extend(signed_in.iter().map(
            |p| json!({ "path": p, "login": user, "password": PASSWORD, "mobile": user == "jo" }),
        ));
    }
    let report = moot_testkit::browser::run(
        "check_pages.mjs",
        json!({ "base": node.url(""), "visits": visits }),
    )
    .await;
    let pages = report.as_array().unwrap();
    assert!(pages.len() >= visits.len(), "{report}");
    for page in pages {
        let expected = if page["path"].as_str().unwrap().starts_with("/no/such") {
            404
        } else {
            200
        };
        assert_eq!(page["status"], expected, "{page}");
    }
    let problems = problems(&report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
