//! Grouped notifications, as Mastodon 4.3 serves them to its web app and
//! current apps: three favourites of one post are one group naming the
//! three people; follows of a day are one group; a mention stands alone.
//! Unread counts follow the notifications marker. Every answer is checked
//! against Mastodon's API document.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

async fn unread(node: &TestNode, token: &str, version: &str) -> i64 {
    let path = format!("/api/{version}/notifications/unread_count");
    let (status, count) = node.api(Method::GET, &path, token).await;
    assert_eq!(status, 200, "{count}");
    MastodonApi::get().assert_valid("GET", &path, 200, &count);
    count["count"].as_i64().unwrap()
}

#[tokio::test]
async fn favourites_of_one_post_are_one_group_and_unread_counts_follow_the_marker() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let post = node.post(&jo, "Our damp survey is out").await;
    let post_id = post["id"].as_str().unwrap();
    for name in ["ann", "ben", "cy"] {
        let token = node.create_user(name, "read write follow").await;
        let (status, _) = node
            .api(
                Method::POST,
                &format!("/api/v1/statuses/{post_id}/favourite"),
                &token,
            )
            .await;
        assert_eq!(status, 200);
    }
    let dan = node.create_user("dan", "read write follow").await;
    node.follow_local(&dan, "jo").await;
    node.post(&dan, "@jo can I share the survey?").await;
    assert_eq!(unread(&node, &jo, "v1").await, 5, "nothing read yet");
    assert_eq!(unread(&node, &jo, "v2").await, 3, "three groups");

    let (status, grouped) = node.api(Method::GET, "/api/v2/notifications", &jo).await;
    assert_eq!(status, 200, "{grouped}");
    api.assert_valid("GET", "/api/v2/notifications", 200, &grouped);
    let groups = grouped["notification_groups"].as_array().unwrap();
    let kinds: Vec<&str> = groups.iter().map(|g| g["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["mention", "follow", "favourite"], "{grouped}");
    let favourites = &groups[2];
    assert_eq!(favourites["notifications_count"], 3);
    assert_eq!(favourites["status_id"], post_id);
    let sample: Vec<&str> = favourites["sample_account_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(sample.len(), 3);
    let names: Vec<&str> = sample
        .iter()
        .map(|id| {
            grouped["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == *id)
                .unwrap()["username"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["cy", "ben", "ann"], "most recent first");
    assert_eq!(
        grouped["statuses"].as_array().unwrap().len(),
        2,
        "the post and the mention"
    );

    // v1 names the same groups.
    let (_, flat) = node.api(Method::GET, "/api/v1/notifications", &jo).await;
    let key = favourites["group_key"].as_str().unwrap();
    let in_group = flat
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["group_key"] == key)
        .count();
    assert_eq!(in_group, 3);

    // One group, its people; then marking read.
    let (status, one) = node
        .api(Method::GET, &format!("/api/v2/notifications/{key}"), &jo)
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v2/notifications/{group_key}", 200, &one);
    assert_eq!(one["notification_groups"][0]["notifications_count"], 3);
    let (_, people) = node
        .api(
            Method::GET,
            &format!("/api/v2/notifications/{key}/accounts"),
            &jo,
        )
        .await;
    api.assert_valid(
        "GET",
        "/api/v2/notifications/{group_key}/accounts",
        200,
        &people,
    );
    assert_eq!(people.as_array().unwrap().len(), 3);

    let newest_follow = groups[1]["most_recent_notification_id"].as_i64().unwrap();
    let marked = node
        .http
        .post(node.url("/api/v1/markers"))
        .bearer_auth(&jo)
        .form(&[("notifications[last_read_id]", newest_follow.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), 200);
    assert_eq!(
        unread(&node, &jo, "v1").await,
        1,
        "only the mention is unread"
    );
    assert_eq!(unread(&node, &jo, "v2").await, 1);

    // Dismissing a group removes its notifications.
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v2/notifications/{key}/dismiss"),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    let (_, after) = node.api(Method::GET, "/api/v2/notifications", &jo).await;
    assert_eq!(after["notification_groups"].as_array().unwrap().len(), 2);

    // Grouping only what the app asks to be grouped.
    let (_, ungrouped) = node
        .api(
            Method::GET,
            "/api/v2/notifications?grouped_types[]=reblog",
            &jo,
        )
        .await;
    assert_eq!(
        ungrouped["notification_groups"].as_array().unwrap().len(),
        2
    );

    let (status, policy) = node
        .api(Method::GET, "/api/v2/notifications/policy", &jo)
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v2/notifications/policy", 200, &policy);
    assert_eq!(policy["for_not_following"], "accept");
    let (_, requests): (u16, Value) = node
        .api(Method::GET, "/api/v1/notifications/requests", &jo)
        .await;
    assert_eq!(requests, json!([]));
}
