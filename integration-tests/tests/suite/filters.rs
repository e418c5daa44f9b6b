//! Filters v2: keywords and posts shown behind a warning, or hidden, in
//! the contexts a person chose.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

async fn home(node: &TestNode, token: &str) -> Vec<Value> {
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    MastodonApi::get().assert_valid("GET", "/api/v1/timelines/home", 200, &home);
    home.as_array().unwrap().clone()
}

#[tokio::test]
async fn filters_warn_hide_and_keep_to_their_contexts() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let sam_id = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=sam", &jo)
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    node.api(
        Method::POST,
        &format!("/api/v1/accounts/{sam_id}/follow"),
        &jo,
    )
    .await;
    node.post(&sam, "Budget overrun on the bypass").await;
    node.post(&sam, "Spoilers for the cup final").await;
    node.post(&sam, "Budgetary note, whole words differ").await;
    let plain = node.post(&sam, "Nothing to see").await;

    // JSON body: a warning on a keyword, at home only.
    let (status, warn) = node
        .api_json(
            Method::POST,
            "/api/v2/filters",
            &jo,
            json!({"title": "Money", "context": ["home"], "filter_action": "warn",
                   "keywords_attributes": [{"keyword": "budget", "whole_word": true}]}),
        )
        .await;
    assert_eq!(status, 200, "{warn}");
    api.assert_valid("POST", "/api/v2/filters", 200, &warn);
    // Form body: hide a keyword everywhere it is read.
    let form = "title=Sport&context[]=home&context[]=public&filter_action=hide\
                &keywords_attributes[][keyword]=cup%20final&keywords_attributes[][whole_word]=false";
    let response = node
        .http
        .post(node.url("/api/v2/filters"))
        .bearer_auth(&jo)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let hide: Value = response.json().await.unwrap();
    assert_eq!(hide["keywords"][0]["keyword"], "cup final");
    assert_eq!(hide["keywords"][0]["whole_word"], false);

    let posts = home(&node, &jo).await;
    let texts: Vec<&str> = posts
        .iter()
        .map(|p| p["content"].as_str().unwrap())
        .collect();
    assert_eq!(posts.len(), 3, "the cup final is hidden: {texts:?}");
    let overrun = posts
        .iter()
        .find(|p| p["content"].as_str().unwrap().contains("overrun"))
        .unwrap();
    assert_eq!(overrun["filtered"][0]["filter"]["title"], "Money");
    assert_eq!(overrun["filtered"][0]["keyword_matches"], json!(["budget"]));
    let budgetary = posts
        .iter()
        .find(|p| p["content"].as_str().unwrap().contains("Budgetary"))
        .unwrap();
    assert!(budgetary["filtered"].is_null(), "whole words only");
    // The public timeline is another context: warnings for home stay home.
    let (_, public) = node.api(Method::GET, "/api/v1/timelines/public", &jo).await;
    assert_eq!(public.as_array().unwrap().len(), 3);
    assert!(public
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["filtered"].is_null()));
    // Sam has no filters.
    assert_eq!(home(&node, &sam).await.len(), 4);

    // A single post, then the filter's keywords and posts by id.
    let warn_id = warn["id"].as_str().unwrap();
    let (status, entry) = node
        .api_json(
            Method::POST,
            &format!("/api/v2/filters/{warn_id}/statuses"),
            &jo,
            json!({"status_id": plain["id"]}),
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid("POST", "/api/v2/filters/{filter_id}/statuses", 200, &entry);
    let filtered_plain = home(&node, &jo)
        .await
        .into_iter()
        .find(|p| p["id"] == plain["id"])
        .unwrap();
    assert_eq!(
        filtered_plain["filtered"][0]["status_matches"],
        json!([plain["id"]])
    );
    let keyword_id = warn["keywords"][0]["id"].as_str().unwrap();
    let (status, _) = node
        .api_json(
            Method::PUT,
            &format!("/api/v2/filters/keywords/{keyword_id}"),
            &jo,
            json!({"keyword": "overrun"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, listed) = node.api(Method::GET, "/api/v2/filters", &jo).await;
    api.assert_valid("GET", "/api/v2/filters", 200, &listed);
    assert_eq!(listed[0]["keywords"][0]["keyword"], "overrun");

    // Someone else's filter is not there for them; bad values are refused.
    let (status, _) = node
        .api(Method::GET, &format!("/api/v2/filters/{warn_id}"), &sam)
        .await;
    assert_eq!(status, 404);
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v2/filters",
            &jo,
            json!({"title": "Bad", "context": ["everywhere"]}),
        )
        .await;
    assert_eq!(status, 422);

    let (status, _) = node
        .api(
            Method::DELETE,
            &format!("/api/v2/filters/{}", hide["id"].as_str().unwrap()),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(home(&node, &jo).await.len(), 4, "the hidden post is back");
}

/// Older apps' filters v1: each is one keyword of a v2 filter; an
/// `irreversible` one hides, and removing it removes its filter.
#[tokio::test]
async fn filters_v1_are_keywords_of_v2_filters() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    node.follow_local(&jo, "sam").await;
    node.post(&sam, "Budget spreadsheet attached").await;
    node.post(&sam, "Damp survey done").await;

    // A form, as older apps send it.
    let made = reqwest::Client::new()
        .post(node.url("/api/v1/filters"))
        .bearer_auth(&jo)
        .form(&[
            ("phrase", "spreadsheet"),
            ("context[]", "home"),
            ("irreversible", "true"),
            ("whole_word", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200);
    let made: Value = made.json().await.unwrap();
    api.assert_valid("POST", "/api/v1/filters", 200, &made);
    assert_eq!(made["irreversible"], true);
    let texts: Vec<String> = home(&node, &jo)
        .await
        .iter()
        .map(|p| p["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 1, "the matching post is hidden: {texts:?}");

    let (_, v2) = node.api(Method::GET, "/api/v2/filters", &jo).await;
    assert_eq!(v2[0]["title"], "spreadsheet");
    assert_eq!(v2[0]["filter_action"], "hide");

    let path = format!("/api/v1/filters/{}", made["id"].as_str().unwrap());
    let (status, changed) = node
        .api_json(
            Method::PUT,
            &path,
            &jo,
            json!({"phrase": "damp", "context": ["home", "public"], "irreversible": false}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    api.assert_valid("PUT", "/api/v1/filters/{id}", 200, &changed);
    assert_eq!(changed["phrase"], "damp");
    assert_eq!(changed["context"], json!(["home", "public"]));
    let (_, listed) = node.api(Method::GET, "/api/v1/filters", &jo).await;
    // The document gives this list as one V1Filter (Mastodon answers a
    // list of them): each item is checked.
    assert_eq!(listed.as_array().unwrap().len(), 1);
    api.assert_entity("V1Filter", &listed[0]);

    let (status, _) = node.api(Method::DELETE, &path, &jo).await;
    assert_eq!(status, 200);
    let (_, v2) = node.api(Method::GET, "/api/v2/filters", &jo).await;
    assert_eq!(v2, json!([]));
    assert_eq!(node.api(Method::GET, &path, &jo).await.0, 404);
}
