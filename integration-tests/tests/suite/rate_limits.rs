//! Client API rate limits: per token, per address without one, with the
//! headers clients read, and 429 with Retry-After past the limit.

use moot_testkit::TestNode;

#[tokio::test]
async fn tokens_and_addresses_have_allowances_and_are_told_where_they_stand() {
    let node = TestNode::start_with(|s| {
        s.rate_limits.per_token = 3;
        s.rate_limits.per_ip = 2;
        s.rate_limits.window_secs = 60;
    })
    .await;
    let jo = node.create_user("jo", "read").await;
    let sam = node.create_user("sam", "read").await;
    let get = |token: Option<&str>, path: &str| {
        let mut request = node.http.get(node.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = get(Some(&jo), "/api/v1/timelines/home").await.unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["x-ratelimit-limit"], "3");
        assert!(headers["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .ends_with('Z'));
        remaining.push(
            headers["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let refused = get(Some(&jo), "/api/v1/timelines/home").await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=20).contains(&wait),
        "one request refills in 20 s: {wait}"
    );
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "Too many requests");

    // Another token has its own allowance.
    assert_eq!(
        get(Some(&sam), "/api/v1/timelines/home")
            .await
            .unwrap()
            .status(),
        200
    );
    // Without a token, the address's allowance counts.
    for expected in [200, 200, 429] {
        let response = get(None, "/api/v1/instance").await.unwrap();
        assert_eq!(response.status(), expected);
    }
    // Behind a trusted proxy (the test's own address), the forwarded
    // address is the client's: a fresh allowance.
    let forwarded = |addr: &'static str| {
        node.http
            .get(node.url("/api/v1/instance"))
            .header("x-forwarded-for", format!("198.51.100.9, {addr}"))
            .send()
    };
    assert_eq!(forwarded("203.0.113.7").await.unwrap().status(), 200);
    assert_eq!(forwarded("203.0.113.7").await.unwrap().status(), 200);
    assert_eq!(forwarded("203.0.113.7").await.unwrap().status(), 429);
    assert_eq!(forwarded("203.0.113.8").await.unwrap().status(), 200);
    // Health checks and federation are not the client API's to limit.
    for _ in 0..5 {
        assert_eq!(get(None, "/healthz").await.unwrap().status(), 200);
    }
}
