//! What browser clients (Elk, Phanpy) need beyond the API itself: CORS
//! preflights that allow the bearer token, and readable `Link` headers.

use moot_testkit::TestNode;

#[tokio::test]
async fn preflights_allow_tokens_and_responses_expose_link_headers() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let origin = "https://elk.zone";

    let preflight = node
        .http
        .request(reqwest::Method::OPTIONS, node.url("/api/v1/statuses"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");

    let response = node
        .http
        .get(node.url("/api/v1/timelines/home"))
        .header("origin", origin)
        .bearer_auth(&jo)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    let exposed = headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("link"), "{exposed}");
    // No cookies are ever involved, so credentials are not allowed.
    assert!(headers.get("access-control-allow-credentials").is_none());
}
