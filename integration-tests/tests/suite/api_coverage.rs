//! How much of the Mastodon client API a node serves, measured against
//! `../shared/mastodon-openapi/schema.json`: every operation of the
//! document is asked of a running node (ids that exist nowhere, an
//! administrator's token with every scope), and an operation is served
//! unless the node answers that it does not serve the endpoint. The
//! operations not served are listed in the README, and this test keeps
//! that list true; none may answer 500.

use std::collections::BTreeSet;
use std::time::Duration;

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;

/// The least share of the document served (issue: at least 180 of 210).
const AT_LEAST: usize = 180;

#[tokio::test]
async fn the_readme_lists_exactly_the_operations_not_served() {
    let node = TestNode::start().await;
    let token = node
        .create_admin(
            "ada",
            "read write follow push profile admin:read admin:write",
        )
        .await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let operations = MastodonApi::get().operations();
    let mut not_served = BTreeSet::new();
    for (method, template) in &operations {
        let path = template
            .split('/')
            .map(|part| {
                if part.starts_with('{') {
                    "999999"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let request = http
            .request(method.parse().unwrap(), node.url(&path))
            .bearer_auth(&token)
            .header("Accept", "application/json");
        let request = match method.as_str() {
            "GET" => request,
            _ => request.json(&serde_json::json!({})),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_ne!(status, 500, "{method} {template} answered 500");
        // Streams answer 200 and never end: only a 404's body is read.
        if status == 404 {
            let body = response.text().await.unwrap();
            if body.contains("Moot does not serve this endpoint") {
                not_served.insert(format!("{method} {template}"));
            }
        }
    }
    let served = operations.len() - not_served.len();
    println!(
        "=> Mastodon client API: {served} of {} operations served",
        operations.len()
    );
    assert!(served >= AT_LEAST, "only {served} served");

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let listed: BTreeSet<String> = readme
        .split("<!-- not-served -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /not-served -->").next())
        .expect("the README has a not-served section")
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- `"))
        .filter_map(|line| line.split('`').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        listed, not_served,
        "the README's list of operations not served is out of date"
    );
    assert!(
        readme.contains(&format!("{served} of the {} operations", operations.len())),
        "the README should say {served} of the {} operations are served",
        operations.len()
    );
    node.stop().await;
}
