//! Notifications as clients read them: what creates them, filters,
//! dismissing, clearing, and the Mastodon entity shape.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

fn kinds(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn follows_mentions_and_favourites_notify_once_and_can_be_dismissed() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let api = MastodonApi::get();

    let (_, jo_account) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=jo", &sam)
        .await;
    let jo_id = jo_account["id"].as_str().unwrap();
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{jo_id}/follow"),
            &sam,
        )
        .await;
    assert_eq!(status, 200);
    let (_, mention) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &sam,
            json!({"status": "Have you seen this, @jo?"}),
        )
        .await;
    let (_, own) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "Our toolkit"}),
        )
        .await;
    let own_id = own["id"].as_str().unwrap();
    // Favourited, taken back and favourited again: one notification.
    for action in ["favourite", "unfavourite", "favourite"] {
        let (status, _) = node
            .api(
                Method::POST,
                &format!("/api/v1/statuses/{own_id}/{action}"),
                &sam,
            )
            .await;
        assert_eq!(status, 200);
    }
    // Nobody is notified of their own doings.
    let (_, sams) = node.api(Method::GET, "/api/v1/notifications", &sam).await;
    assert_eq!(sams, json!([]));

    let (status, list) = node.api(Method::GET, "/api/v1/notifications", &jo).await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/notifications", 200, &list);
    assert_eq!(kinds(&list), ["favourite", "mention", "follow"]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["account"]["username"] == "sam"));
    assert_eq!(list[1]["status"]["id"], mention["id"]);
    assert_eq!(list[0]["status"]["id"], own["id"]);
    assert!(list[2].get("status").is_none());

    let (_, only) = node
        .api(Method::GET, "/api/v1/notifications?types[]=mention", &jo)
        .await;
    assert_eq!(kinds(&only), ["mention"]);
    let (_, without) = node
        .api(
            Method::GET,
            "/api/v1/notifications?exclude_types[]=follow",
            &jo,
        )
        .await;
    assert_eq!(kinds(&without), ["favourite", "mention"]);
    let newest = list[0]["id"].as_str().unwrap();
    // Paging: the Link header's "next" is the older page, filters kept.
    let response = node
        .http
        .get(node.url("/api/v1/notifications?limit=1&exclude_types[]=mention"))
        .bearer_auth(&jo)
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains(&format!("min_id={newest}")), "{link}");
    let next = link
        .split(", ")
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.strip_prefix('<'))
        .and_then(|l| l.split('>').next())
        .unwrap()
        .to_owned();
    assert!(next.contains(&format!("max_id={newest}")), "{link}");
    let older: Value = node
        .http
        .get(&next)
        .bearer_auth(&jo)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kinds(&older), ["follow"], "the mention stays filtered out");

    let (status, one) = node
        .api(Method::GET, &format!("/api/v1/notifications/{newest}"), &jo)
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/notifications/{id}", 200, &one);
    // Someone else's notification, or none at all: 404 with a JSON error.
    let (status, error) = node
        .api(
            Method::GET,
            &format!("/api/v1/notifications/{newest}"),
            &sam,
        )
        .await;
    assert_eq!(status, 404);
    assert!(error["error"].is_string());
    let (status, _) = node
        .api(Method::GET, "/api/v1/notifications/nonsense", &jo)
        .await;
    assert_eq!(status, 404);
    // A token without the scope.
    let statuses_only = moot_app::tokens::issue(&node.db, "jo", "read:statuses")
        .await
        .unwrap();
    let (status, _) = node
        .api(Method::GET, "/api/v1/notifications", &statuses_only)
        .await;
    assert_eq!(status, 403);

    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/v1/notifications/{newest}/dismiss"),
            &jo,
        )
        .await;
    assert_eq!(status, 200);
    let (_, after) = node.api(Method::GET, "/api/v1/notifications", &jo).await;
    assert_eq!(kinds(&after), ["mention", "follow"]);
    let (status, _) = node
        .api(Method::POST, "/api/v1/notifications/clear", &jo)
        .await;
    assert_eq!(status, 200);
    let (_, cleared) = node.api(Method::GET, "/api/v1/notifications", &jo).await;
    assert_eq!(cleared, json!([]));
}

/// A muted conversation tells nothing more, wherever in the thread it was
/// muted from; unmuted, it tells again.
#[tokio::test]
async fn a_muted_conversation_stops_notifying() {
    let node = moot_testkit::TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let start = node.post(&jo, "Who has a damp survey template?").await;
    let reply = |token: &str, to: &str, text: &str| {
        let (token, to, text) = (token.to_owned(), to.to_owned(), text.to_owned());
        let node = &node;
        async move {
            let (status, body) = node
                .api_json(
                    reqwest::Method::POST,
                    "/api/v1/statuses",
                    &token,
                    serde_json::json!({"status": text, "in_reply_to_id": to}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body["id"].as_str().unwrap().to_owned()
        }
    };
    let count = || async {
        let (_, list) = node
            .api(
                reqwest::Method::GET,
                "/api/v1/notifications?types[]=mention",
                &jo,
            )
            .await;
        list.as_array().unwrap().len()
    };
    let first = reply(&sam, start["id"].as_str().unwrap(), "@jo here is ours").await;
    assert_eq!(count().await, 1);

    // Muted from a reply: the whole thread is muted.
    let (status, muted) = node
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/statuses/{first}/mute"),
            &jo,
        )
        .await;
    assert_eq!(status, 200, "{muted}");
    moot_testkit::openapi::MastodonApi::get().assert_valid(
        "POST",
        "/api/v1/statuses/{id}/mute",
        200,
        &muted,
    );
    assert_eq!(muted["muted"], true);
    let (_, original) = node
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/statuses/{}", start["id"].as_str().unwrap()),
            &jo,
        )
        .await;
    assert_eq!(original["muted"], true);
    reply(&kim, &first, "@jo and ours").await;
    assert_eq!(count().await, 1, "nothing told from a muted thread");

    node.api(
        reqwest::Method::POST,
        &format!("/api/v1/statuses/{first}/unmute"),
        &jo,
    )
    .await;
    reply(&kim, &first, "@jo one more").await;
    assert_eq!(count().await, 2);
}
