//! What a person shows on their profile, through the client API apps use:
//! the profile editor's `/api/v1/profile` (and removing a picture),
//! featured hashtags, and endorsed accounts. Every answer is checked
//! against the Mastodon API's OpenAPI document.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::json;

const SCOPES: &str = "read write follow";

#[tokio::test]
async fn the_profile_editor_reads_and_changes_the_profile_and_removes_pictures() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", SCOPES).await;
    let api = MastodonApi::get();

    let (status, changed) = node
        .api_json(
            Method::PATCH,
            "/api/v1/profile",
            &jo,
            json!({"display_name": "Jo Patel", "note": "Housing officer"}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    api.assert_valid("PATCH", "/api/v1/profile", 200, &changed);
    assert_eq!(changed["display_name"], "Jo Patel");
    assert_eq!(changed["note"], "Housing officer");

    let (status, profile) = node.api(Method::GET, "/api/v1/profile", &jo).await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/profile", 200, &profile);
    assert_eq!(profile["display_name"], "Jo Patel");

    let (status, account) = node
        .api(Method::DELETE, "/api/v1/profile/avatar", &jo)
        .await;
    assert_eq!(status, 200, "{account}");
    api.assert_valid("DELETE", "/api/v1/profile/avatar", 200, &account);
    assert!(account["avatar"]
        .as_str()
        .unwrap()
        .ends_with("/avatars/original/missing.png"));
    // The default picture answers with an image.
    let picture = reqwest::get(account["avatar"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn featured_hashtags_come_first_on_the_profile_up_to_ten() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", SCOPES).await;
    let api = MastodonApi::get();

    let (status, featured) = node
        .api_json(
            Method::POST,
            "/api/v1/featured_tags",
            &jo,
            json!({"name": "#Housing"}),
        )
        .await;
    assert_eq!(status, 200, "{featured}");
    api.assert_valid("POST", "/api/v1/featured_tags", 200, &featured);
    assert_eq!(featured["name"], "housing");

    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    let path = format!(
        "/api/v1/accounts/{}/featured_tags",
        me["id"].as_str().unwrap()
    );
    let (_, on_profile) = node.api(Method::GET, &path, &jo).await;
    api.assert_valid(
        "GET",
        "/api/v1/accounts/{id}/featured_tags",
        200,
        &on_profile,
    );
    assert_eq!(on_profile[0]["name"], "housing", "{on_profile}");

    // From the hashtag's own page, too; the eleventh is refused.
    let (status, tag) = node
        .api(Method::POST, "/api/v1/tags/damp/feature", &jo)
        .await;
    assert_eq!(status, 200, "{tag}");
    api.assert_valid("POST", "/api/v1/tags/{id}/feature", 200, &tag);
    assert_eq!(tag["featuring"], true);
    for n in 0..8 {
        let (status, _) = node
            .api_json(
                Method::POST,
                "/api/v1/featured_tags",
                &jo,
                json!({"name": format!("topic{n}")}),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, refused) = node
        .api_json(
            Method::POST,
            "/api/v1/featured_tags",
            &jo,
            json!({"name": "eleventh"}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");

    let (status, _) = node
        .api(Method::DELETE, "/api/v1/featured_tags/housing", &jo)
        .await;
    assert_eq!(status, 200);
    let (_, mine) = node.api(Method::GET, "/api/v1/featured_tags", &jo).await;
    api.assert_valid("GET", "/api/v1/featured_tags", 200, &mine);
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 9);
    assert!(!names.contains(&"housing"));
}

#[tokio::test]
async fn people_endorse_accounts_they_follow() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", SCOPES).await;
    node.create_user("sam", SCOPES).await;
    node.create_user("kim", SCOPES).await;
    let api = MastodonApi::get();
    let sam = node.follow_local(&jo, "sam").await;
    let (_, kim) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=kim", &jo)
        .await;

    let (status, relationship) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{sam}/endorse"),
            &jo,
        )
        .await;
    assert_eq!(status, 200, "{relationship}");
    api.assert_valid("POST", "/api/v1/accounts/{id}/endorse", 200, &relationship);
    assert_eq!(relationship["endorsed"], true);
    let path = format!("/api/v1/accounts/{}/endorse", kim["id"].as_str().unwrap());
    let (status, _) = node.api(Method::POST, &path, &jo).await;
    assert_eq!(status, 422, "only accounts one follows");

    let (_, mine) = node.api(Method::GET, "/api/v1/endorsements", &jo).await;
    api.assert_valid("GET", "/api/v1/endorsements", 200, &mine);
    assert_eq!(mine[0]["id"], sam.as_str());
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    let path = format!(
        "/api/v1/accounts/{}/endorsements",
        me["id"].as_str().unwrap()
    );
    let (_, shown) = node.api(Method::GET, &path, &jo).await;
    assert_eq!(shown.as_array().unwrap().len(), 1);

    // `unpin` is Mastodon's older name for the same.
    let (_, relationship) = node
        .api(Method::POST, &format!("/api/v1/accounts/{sam}/unpin"), &jo)
        .await;
    assert_eq!(relationship["endorsed"], false);
    let (_, mine) = node.api(Method::GET, "/api/v1/endorsements", &jo).await;
    assert_eq!(mine, json!([]));
}
