//! The streaming API as clients use it: server-sent events and a WebSocket
//! with subscriptions, fed by posts and notifications as they commit.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use moot_testkit::openapi::MastodonApi;
use moot_testkit::{sse, TestNode};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn server_sent_events_carry_home_posts_and_notifications() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    node.follow_local(&jo, "sam").await;

    let (status, text) = {
        let r = node
            .http
            .get(node.url("/api/v1/streaming/health"))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!((status.as_u16(), text.as_str()), (200, "OK"));
    // A token is needed, and must be valid.
    for auth in [None, Some("wrong")] {
        let mut request = node.http.get(node.url("/api/v1/streaming/user"));
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    }

    let response = node
        .http
        .get(node.url(&format!("/api/v1/streaming/user?access_token={jo}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = Box::pin(response.bytes_stream());
    let mut buffer = String::new();

    let posted = node.post(&sam, "A new case study is up").await;
    let update: Value =
        serde_json::from_str(&sse::next(&mut body, &mut buffer, "update").await).unwrap();
    assert_eq!(update["id"], posted["id"]);
    MastodonApi::get().assert_valid("GET", "/api/v1/statuses/{id}", 200, &update);

    // What sam boosts reaches jo too, as sam's boost (boosts are announced
    // by statement, like new posts).
    let kim = node.create_user("kim", "read write").await;
    let shared = node.post(&kim, "Our consultation toolkit").await;
    let id = shared["id"].as_str().unwrap();
    let (code, _) = node
        .api(Method::POST, &format!("/api/v1/statuses/{id}/reblog"), &sam)
        .await;
    assert_eq!(code, 200);
    let boost: Value =
        serde_json::from_str(&sse::next(&mut body, &mut buffer, "update").await).unwrap();
    assert_eq!(
        (boost["account"]["acct"].as_str(), &boost["reblog"]["id"]),
        (Some("sam"), &shared["id"])
    );

    node.post(&sam, "Thanks @jo for the review").await;
    let notification: Value =
        serde_json::from_str(&sse::next(&mut body, &mut buffer, "notification").await).unwrap();
    assert_eq!(notification["type"], "mention");
    MastodonApi::get().assert_valid("GET", "/api/v1/notifications/{id}", 200, &notification);

    let id = posted["id"].as_str().unwrap();
    node.api(Method::DELETE, &format!("/api/v1/statuses/{id}"), &sam)
        .await;
    assert_eq!(sse::next(&mut body, &mut buffer, "delete").await, id);
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next JSON message on a WebSocket.
async fn next(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn a_websocket_subscribes_and_unsubscribes() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read write").await;

    // The token as the WebSocket protocol, as browsers send it: echoed back.
    let ws_url = node.url("/api/v1/streaming").replace("http://", "ws://");
    let mut request = ws_url.as_str().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", jo.parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], jo.as_str());

    let send = |stream: &str, kind: &str, tag: Option<&str>| {
        Message::Text(
            json!({"type": kind, "stream": stream, "tag": tag})
                .to_string()
                .into(),
        )
    };
    socket
        .send(send("public:local", "subscribe", None))
        .await
        .unwrap();
    socket
        .send(send("hashtag", "subscribe", Some("Housing")))
        .await
        .unwrap();
    socket
        .send(send("nonsense", "subscribe", None))
        .await
        .unwrap();

    let error = next(&mut socket).await;
    assert_eq!(error["status"], 400, "{error}");

    let posted = node
        .post(&sam, "Damp and mould: our #housing checklist")
        .await;
    let first = next(&mut socket).await;
    assert_eq!(first["event"], "update");
    assert_eq!(first["stream"], json!(["public:local"]));
    let payload: Value = serde_json::from_str(first["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], posted["id"]);

    // Edits arrive as `status.update`.
    let id = posted["id"].as_str().unwrap();
    node.api_json(
        Method::PUT,
        &format!("/api/v1/statuses/{id}"),
        &sam,
        json!({"status": "Damp and mould: our #housing checklist (v2)"}),
    )
    .await;
    let edited = next(&mut socket).await;
    assert_eq!(edited["event"], "status.update");

    // Only the hashtag stream is left.
    socket
        .send(send("public:local", "unsubscribe", None))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    node.post(&sam, "Nothing to do with it").await;
    let tagged = node.post(&sam, "More on #Housing").await;
    let message = next(&mut socket).await;
    assert_eq!(message["stream"], json!(["hashtag", "Housing"]));
    let payload: Value = serde_json::from_str(message["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], tagged["id"]);
}

#[tokio::test]
async fn a_list_stream_carries_its_members_posts() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let mut ids = Vec::new();
    for name in ["sam", "kim"] {
        let (_, account) = node
            .api(
                Method::GET,
                &format!("/api/v1/accounts/lookup?acct={name}"),
                &jo,
            )
            .await;
        let id = account["id"].as_str().unwrap().to_owned();
        node.api(Method::POST, &format!("/api/v1/accounts/{id}/follow"), &jo)
            .await;
        ids.push(id);
    }
    let (_, list) = node
        .api_json(
            Method::POST,
            "/api/v1/lists",
            &jo,
            json!({"title": "Depots"}),
        )
        .await;
    let list_id = list["id"].as_str().unwrap();
    node.api_json(
        Method::POST,
        &format!("/api/v1/lists/{list_id}/accounts"),
        &jo,
        json!({"account_ids": [ids[0]]}),
    )
    .await;

    let response = node
        .http
        .get(node.url(&format!("/api/v1/streaming/list?list={list_id}")))
        .bearer_auth(&jo)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    node.post(&kim, "Not on the list").await;
    node.post(&sam, "Depot stock take").await;
    let update: Value =
        serde_json::from_str(&sse::next(&mut body, &mut buffer, "update").await).unwrap();
    assert!(
        update["content"]
            .as_str()
            .unwrap()
            .contains("Depot stock take"),
        "{update}"
    );
}

/// A person's filters apply to the streams as to the REST timelines: a
/// post a `hide` filter covers never arrives, one a `warn` filter covers
/// arrives with its `filtered` result.
#[tokio::test]
async fn streams_apply_the_readers_filters() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    node.follow_local(&jo, "sam").await;
    for (title, action, keyword) in [("Sport", "hide", "cup final"), ("Money", "warn", "budget")] {
        let (status, body) = node
            .api_json(
                Method::POST,
                "/api/v2/filters",
                &jo,
                json!({"title": title, "context": ["home"], "filter_action": action,
                       "keywords_attributes": [{"keyword": keyword}]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    // Server-sent events and a WebSocket, both on the home stream.
    let response = node
        .http
        .get(node.url(&format!("/api/v1/streaming/user?access_token={jo}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = Box::pin(response.bytes_stream());
    let mut buffer = String::new();
    let ws_url = node.url("/api/v1/streaming").replace("http://", "ws://");
    let mut request = ws_url.as_str().into_client_request().unwrap();
    let bearer = format!("Bearer {jo}");
    request
        .headers_mut()
        .insert("authorization", bearer.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let subscribe = json!({"type": "subscribe", "stream": "user"}).to_string();
    socket.send(Message::Text(subscribe.into())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The hidden post comes first: a stream that carried it would show it
    // before the others.
    let hidden = node.post(&sam, "Spoilers for the cup final").await;
    let warned = node.post(&sam, "Budget overrun on the bypass").await;
    let plain = node.post(&sam, "Nothing to see").await;

    let check_warned = |update: &Value| {
        assert_eq!(update["id"], warned["id"], "the hidden post was streamed");
        assert_eq!(update["filtered"][0]["filter"]["title"], "Money");
        assert_eq!(update["filtered"][0]["keyword_matches"], json!(["budget"]));
        api.assert_valid("GET", "/api/v1/statuses/{id}", 200, update);
    };
    let first: Value =
        serde_json::from_str(&sse::next(&mut events, &mut buffer, "update").await).unwrap();
    check_warned(&first);
    let second: Value =
        serde_json::from_str(&sse::next(&mut events, &mut buffer, "update").await).unwrap();
    assert_eq!(second["id"], plain["id"]);
    assert!(second.get("filtered").is_none_or(Value::is_null));

    let first = next(&mut socket).await;
    assert_eq!(first["event"], "update");
    check_warned(&serde_json::from_str(first["payload"].as_str().unwrap()).unwrap());
    let second = next(&mut socket).await;
    let second: Value = serde_json::from_str(second["payload"].as_str().unwrap()).unwrap();
    assert_eq!(second["id"], plain["id"]);

    // The REST home timeline agrees.
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", &jo).await;
    let ids: Vec<&Value> = home.as_array().unwrap().iter().map(|p| &p["id"]).collect();
    assert_eq!(
        ids,
        vec![&plain["id"], &warned["id"]],
        "not {}",
        hidden["id"]
    );
    assert_eq!(home[1]["filtered"][0]["filter"]["title"], "Money");
}
