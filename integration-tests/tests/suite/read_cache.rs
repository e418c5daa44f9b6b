//! The read cache (`moot_app::read_cache`) keeps home timeline pages and
//! sessions in memory; what it serves must never stay behind a change. A
//! change made through someone's own request shows on their very next
//! read; a change made anywhere else (another person, a federated peer,
//! another process writing to the database) shows as soon as the
//! database's announcement of it arrives.

use diesel_async::RunQueryDsl;
use moot_testkit::{wait, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn home(node: &TestNode, token: &str) -> Value {
    let (status, page) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    assert_eq!(status, 200, "{page}");
    page
}

/// Waits until the reader's home page satisfies `check`, reading it over
/// and over (each read may be served from the cache).
async fn home_until(node: &TestNode, token: &str, what: &str, check: impl Fn(&Value) -> bool) {
    wait::until(what, || async {
        let page = home(node, token).await;
        check(&page).then_some(())
    })
    .await;
}

/// A request that must succeed.
async fn ok(node: &TestNode, method: Method, path: &str, token: &str, body: Option<Value>) {
    let (status, answer) = match body {
        Some(body) => node.api_json(method, path, token, body).await,
        None => node.api(method, path, token).await,
    };
    assert_eq!(status, 200, "{path}: {answer}");
}

async fn sql(node: &TestNode, statement: &str) {
    let mut conn = node.db.conn().await.unwrap();
    diesel::sql_query(statement)
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_pages_and_sessions_follow_every_change() {
    let node = TestNode::start().await;
    let reader = node.create_user("reader", "read write follow").await;
    let writer = node.create_user("writer", "read write follow").await;
    let writer_id = node.follow_local(&reader, "writer").await;

    let first = node.post(&writer, "First report").await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    home_until(&node, &reader, "the first post shows", |p| {
        p[0]["id"] == first["id"]
    })
    .await;
    // Read again: the page is cached now.
    assert_eq!(home(&node, &reader).await[0]["id"], first["id"]);

    // Someone else's new post, edit and favourite reach the cached page.
    let second = node.post(&writer, "Second report").await;
    home_until(&node, &reader, "the second post shows", |p| {
        p[0]["id"] == second["id"]
    })
    .await;
    ok(
        &node,
        Method::PUT,
        &format!("/api/v1/statuses/{first_id}"),
        &writer,
        Some(json!({"status": "First report, corrected"})),
    )
    .await;
    home_until(&node, &reader, "the edit shows", |p| {
        p[1]["content"].as_str().unwrap().contains("corrected")
    })
    .await;
    ok(
        &node,
        Method::POST,
        &format!("/api/v1/statuses/{first_id}/favourite"),
        &writer,
        None,
    )
    .await;
    home_until(&node, &reader, "the favourite is counted", |p| {
        p[1]["favourites_count"] == 1
    })
    .await;
    ok(
        &node,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        &writer,
        Some(json!({"display_name": "Roads team"})),
    )
    .await;
    home_until(&node, &reader, "the new name shows", |p| {
        p[0]["account"]["display_name"] == "Roads team"
    })
    .await;

    // The reader's own actions show on their very next read, even with
    // the database saying nothing of them: the request that wrote drops
    // what the cache holds for its person.
    for table in ["bookmarks", "mutes"] {
        sql(&node, &format!("ALTER TABLE {table} DISABLE TRIGGER USER")).await;
    }
    ok(
        &node,
        Method::POST,
        &format!("/api/v1/statuses/{first_id}/bookmark"),
        &reader,
        None,
    )
    .await;
    assert_eq!(home(&node, &reader).await[1]["bookmarked"], true);
    ok(
        &node,
        Method::POST,
        &format!("/api/v1/accounts/{writer_id}/mute"),
        &reader,
        None,
    )
    .await;
    assert_eq!(home(&node, &reader).await, json!([]), "muted at once");
    ok(
        &node,
        Method::POST,
        &format!("/api/v1/accounts/{writer_id}/unmute"),
        &reader,
        None,
    )
    .await;
    assert_eq!(home(&node, &reader).await[0]["id"], second["id"]);
    for table in ["bookmarks", "mutes"] {
        sql(&node, &format!("ALTER TABLE {table} ENABLE TRIGGER USER")).await;
    }

    // A deletion, and writes by another process straight to the database.
    ok(
        &node,
        Method::DELETE,
        &format!("/api/v1/statuses/{first_id}"),
        &writer,
        None,
    )
    .await;
    home_until(&node, &reader, "the deleted post goes", |p| {
        p.as_array().unwrap().len() == 1
    })
    .await;
    sql(
        &node,
        "UPDATE accounts SET display_name = 'Renamed elsewhere' WHERE username = 'writer'",
    )
    .await;
    home_until(&node, &reader, "a rename by another process shows", |p| {
        p[0]["account"]["display_name"] == "Renamed elsewhere"
    })
    .await;

    // A token revoked elsewhere stops working, though its session was
    // cached by the reads above.
    sql(&node, "UPDATE access_tokens SET revoked_at = now()").await;
    wait::until("revoked tokens are refused", || async {
        let (status, _) = node
            .api(Method::GET, "/api/v1/timelines/home", &reader)
            .await;
        (status == 401).then_some(())
    })
    .await;
    let (status, _) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &writer)
        .await;
    assert_eq!(status, 401);
}
