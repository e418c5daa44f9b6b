//! What people keep and where they stopped: bookmarks, the list of their
//! favourites, reading markers shared by their apps, and preferences.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn bookmarks_favourites_markers_and_preferences() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read write").await;
    let api = MastodonApi::get();
    let post = node.post(&jo, "Procurement checklist").await;
    let id = post["id"].as_str().unwrap();

    let (status, kept) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{id}/bookmark"),
            &sam,
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid("POST", "/api/v1/statuses/{id}/bookmark", 200, &kept);
    assert_eq!(kept["bookmarked"], true);
    let (_, list) = node.api(Method::GET, "/api/v1/bookmarks", &sam).await;
    api.assert_valid("GET", "/api/v1/bookmarks", 200, &list);
    assert_eq!(list[0]["id"], id);
    // Bookmarks are one's own.
    let (_, theirs) = node.api(Method::GET, "/api/v1/bookmarks", &jo).await;
    assert_eq!(theirs, json!([]));
    let (_, dropped) = node
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{id}/unbookmark"),
            &sam,
        )
        .await;
    assert_eq!(dropped["bookmarked"], false);
    let (_, list) = node.api(Method::GET, "/api/v1/bookmarks", &sam).await;
    assert_eq!(list, json!([]));

    node.api(
        Method::POST,
        &format!("/api/v1/statuses/{id}/favourite"),
        &sam,
    )
    .await;
    let (_, favourites) = node.api(Method::GET, "/api/v1/favourites", &sam).await;
    api.assert_valid("GET", "/api/v1/favourites", 200, &favourites);
    assert_eq!(favourites[0]["id"], id);
    assert_eq!(favourites[0]["favourited"], true);

    // A marker set by one app (a form), moved by another (JSON).
    let response = node
        .http
        .post(node.url("/api/v1/markers"))
        .bearer_auth(&sam)
        .form(&[("home[last_read_id]", id)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let set: Value = response.json().await.unwrap();
    api.assert_valid("POST", "/api/v1/markers", 200, &set);
    assert_eq!(set["home"]["last_read_id"], id);
    let (_, moved) = node
        .api_json(
            Method::POST,
            "/api/v1/markers",
            &sam,
            json!({"home": {"last_read_id": "1"}, "notifications": {"last_read_id": "7"}}),
        )
        .await;
    assert_eq!(moved["home"]["version"], 2);
    let (_, read) = node
        .api(
            Method::GET,
            "/api/v1/markers?timeline[]=home&timeline[]=notifications",
            &sam,
        )
        .await;
    api.assert_valid("GET", "/api/v1/markers", 200, &read);
    assert_eq!(read["home"]["last_read_id"], "1");
    assert_eq!(read["notifications"]["last_read_id"], "7");
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/markers",
            &sam,
            json!({"home": {"last_read_id": "x"}}),
        )
        .await;
    assert_eq!(status, 422);

    let (status, preferences) = node.api(Method::GET, "/api/v1/preferences", &sam).await;
    assert_eq!(status, 200);
    // The document gives this answer no schema; its keys are Mastodon's.
    assert_eq!(preferences["posting:default:visibility"], "public");
    assert_eq!(preferences["reading:expand:spoilers"], false);
}
