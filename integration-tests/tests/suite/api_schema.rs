//! Every client API endpoint Moot serves answers in the shape the Mastodon
//! API document (`../shared/mastodon-openapi`) gives, with real data from a
//! running node: what Tusky, Elk or Mastodon.py will parse.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

/// Calls the node and checks the answer against the document.
async fn checked(
    node: &TestNode,
    token: Option<&str>,
    method: Method,
    (template, path): (&str, &str),
    body: Option<Value>,
) -> Value {
    let mut request = node.http.request(method.clone(), node.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let json: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{method} {path}: {json}");
    MastodonApi::get().assert_valid(method.as_str(), template, status, &json);
    json
}

#[tokio::test]
async fn responses_match_the_mastodon_api_document() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;

    // Apps and OAuth.
    let app = checked(
        &node,
        None,
        Method::POST,
        ("/api/v1/apps", "/api/v1/apps"),
        Some(json!({"client_name": "Elk", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"})),
    )
    .await;
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        app["client_id"].as_str().unwrap(),
        app["client_secret"].as_str().unwrap()
    );
    let response = node
        .http
        .post(node.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let grant: Value = response.json().await.unwrap();
    MastodonApi::get().assert_valid("POST", "/oauth/token", 200, &grant);
    let app_token = grant["access_token"].as_str().unwrap();
    let paths = |p: &'static str| (p, p);
    checked(
        &node,
        Some(app_token),
        Method::GET,
        paths("/api/v1/apps/verify_credentials"),
        None,
    )
    .await;
    checked(
        &node,
        None,
        Method::GET,
        paths("/.well-known/oauth-authorization-server"),
        None,
    )
    .await;
    checked(
        &node,
        Some(app_token),
        Method::POST,
        paths("/api/v1/accounts"),
        Some(
            json!({"username": "newcomer", "email": "newcomer@council.example",
                    "password": "a long enough password", "agreement": true}),
        ),
    )
    .await;
    for empty in [
        "/api/v1/announcements",
        "/api/v1/custom_emojis",
        "/api/v1/instance/rules",
        "/api/v2/suggestions",
    ] {
        let list = checked(&node, Some(&jo), Method::GET, paths(empty), None).await;
        assert_eq!(list, json!([]));
    }

    // Instance.
    checked(&node, None, Method::GET, paths("/api/v1/instance"), None).await;
    checked(&node, None, Method::GET, paths("/api/v2/instance"), None).await;
    checked(
        &node,
        None,
        Method::GET,
        paths("/api/v1/instance/domain_blocks"),
        None,
    )
    .await;

    // Accounts.
    let me = checked(
        &node,
        Some(&jo),
        Method::GET,
        paths("/api/v1/accounts/verify_credentials"),
        None,
    )
    .await;
    let sam_account = checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/lookup",
            "/api/v1/accounts/lookup?acct=sam",
        ),
        None,
    )
    .await;
    let sam_id = sam_account["id"].as_str().unwrap();
    checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/{id}",
            &format!("/api/v1/accounts/{}", me["id"].as_str().unwrap()),
        ),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::POST,
        (
            "/api/v1/accounts/{id}/follow",
            &format!("/api/v1/accounts/{sam_id}/follow"),
        ),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/relationships",
            &format!("/api/v1/accounts/relationships?id[]={sam_id}"),
        ),
        None,
    )
    .await;

    // Statuses.
    let post = checked(
        &node,
        Some(&sam),
        Method::POST,
        paths("/api/v1/statuses"),
        Some(json!({"status": "Our #housing toolkit, @jo", "spoiler_text": "long", "visibility": "public"})),
    )
    .await;
    let id = post["id"].as_str().unwrap().to_owned();
    let one = |suffix: &str| format!("/api/v1/statuses/{id}{suffix}");
    checked(
        &node,
        Some(&jo),
        Method::GET,
        ("/api/v1/statuses/{id}", &one("")),
        None,
    )
    .await;
    let reply = checked(
        &node,
        Some(&jo),
        Method::POST,
        paths("/api/v1/statuses"),
        Some(json!({"status": "Thanks!", "in_reply_to_id": id})),
    )
    .await;
    assert_eq!(reply["in_reply_to_id"], id.as_str());
    checked(
        &node,
        Some(&jo),
        Method::GET,
        ("/api/v1/statuses/{id}/context", &one("/context")),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::POST,
        ("/api/v1/statuses/{id}/favourite", &one("/favourite")),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::POST,
        ("/api/v1/statuses/{id}/unfavourite", &one("/unfavourite")),
        None,
    )
    .await;
    checked(
        &node,
        Some(&sam),
        Method::PUT,
        ("/api/v1/statuses/{id}", &one("")),
        Some(json!({"status": "Our #housing toolkit, revised"})),
    )
    .await;

    // Timelines and search.
    let home = checked(
        &node,
        Some(&jo),
        Method::GET,
        paths("/api/v1/timelines/home"),
        None,
    )
    .await;
    assert!(!home.as_array().unwrap().is_empty());
    checked(
        &node,
        Some(&jo),
        Method::GET,
        paths("/api/v1/timelines/public"),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::GET,
        ("/api/v2/search", "/api/v2/search?q=@sam&resolve=false"),
        None,
    )
    .await;

    // Who reacted, the source, an account's posts and follows, by name.
    checked(
        &node,
        Some(&jo),
        Method::POST,
        ("/api/v1/statuses/{id}/favourite", &one("/favourite")),
        None,
    )
    .await;
    let liked_by = checked(
        &node,
        Some(&sam),
        Method::GET,
        (
            "/api/v1/statuses/{id}/favourited_by",
            &one("/favourited_by"),
        ),
        None,
    )
    .await;
    assert_eq!(liked_by[0]["username"], "jo", "{liked_by}");
    let boosted_by = checked(
        &node,
        Some(&sam),
        Method::GET,
        ("/api/v1/statuses/{id}/reblogged_by", &one("/reblogged_by")),
        None,
    )
    .await;
    assert_eq!(boosted_by, json!([]));
    let source = checked(
        &node,
        Some(&sam),
        Method::GET,
        ("/api/v1/statuses/{id}/source", &one("/source")),
        None,
    )
    .await;
    assert_eq!(source["text"], "Our #housing toolkit, revised");
    let posts = checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/{id}/statuses",
            &format!("/api/v1/accounts/{sam_id}/statuses?exclude_replies=1"),
        ),
        None,
    )
    .await;
    assert_eq!(posts[0]["id"], id.as_str(), "{posts}");
    let followers = checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/{id}/followers",
            &format!("/api/v1/accounts/{sam_id}/followers"),
        ),
        None,
    )
    .await;
    assert_eq!(followers[0]["username"], "jo", "{followers}");
    checked(
        &node,
        Some(&jo),
        Method::GET,
        (
            "/api/v1/accounts/{id}/following",
            &format!("/api/v1/accounts/{sam_id}/following"),
        ),
        None,
    )
    .await;
    let found = checked(
        &node,
        Some(&jo),
        Method::GET,
        ("/api/v1/accounts/search", "/api/v1/accounts/search?q=sa"),
        None,
    )
    .await;
    assert_eq!(found[0]["username"], "sam", "{found}");

    checked(
        &node,
        Some(&sam),
        Method::DELETE,
        ("/api/v1/statuses/{id}", &one("")),
        None,
    )
    .await;
    checked(
        &node,
        Some(&jo),
        Method::POST,
        (
            "/api/v1/accounts/{id}/unfollow",
            &format!("/api/v1/accounts/{sam_id}/unfollow"),
        ),
        None,
    )
    .await;
}
