//! OAuth 2 as clients use it, against a real node: register an app, sign
//! in through the HTML form with PKCE, exchange the code, refresh, revoke;
//! the out-of-band flow; client credentials; and the ways it must refuse.

use moot_testkit::TestNode;
use reqwest::Method;
use serde_json::{json, Value};

const REDIRECT: &str = "https://app.example/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ0N7xB9X8aQaJ4pGEv2hP4vXbHI3U";
/// base64url(SHA-256(VERIFIER)), computed independently.
const CHALLENGE: &str = "4nmLTG60rc9NZCwF0R6dG7QVe-2yySRki8Z9EnGr05I";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn register(node: &TestNode, redirect: &str, scopes: &str) -> Value {
    let response = node
        .http
        .post(node.url("/api/v1/apps"))
        .json(
            &json!({"client_name": "Tusky", "redirect_uris": redirect, "scopes": scopes,
                      "website": "https://tusky.app"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Posts the sign-in form as a browser would; returns the response.
async fn sign_in(node: &TestNode, fields: &[(&str, &str)]) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    no_redirects()
        .post(node.url("/oauth/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn token(node: &TestNode, fields: &[(&str, &str)]) -> (u16, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = node
        .http
        .post(node.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_app_signs_a_person_in_with_pkce_and_its_tokens_work_until_revoked() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let app = register(&node, REDIRECT, "read write follow").await;
    let (client_id, secret) = (
        app["client_id"].as_str().unwrap(),
        app["client_secret"].as_str().unwrap(),
    );
    assert_eq!(app["redirect_uris"], json!([REDIRECT]));

    // The consent page names the app and what it asks for.
    let page = node
        .http
        .get(node.url(&format!(
            "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={REDIRECT}&scope=read+write&state=xyz&code_challenge={CHALLENGE}&code_challenge_method=S256"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Tusky") && html.contains("<code>write</code>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "works without JavaScript");

    let form = |password: &'static str| {
        vec![
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("scope", "read write"),
            ("state", "xyz"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("login", "jo@council.example"),
            ("password", password),
            ("decision", "approve"),
        ]
    };
    // A wrong password shows the form again, with no code.
    let wrong = sign_in(&node, &form("not the password")).await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("The username, email or password is not right"));

    let approved = sign_in(&node, &form("a long enough password")).await;
    assert_eq!(approved.status(), 302);
    let location = url::Url::parse(approved.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT));
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "xyz");
    let code = query["code"].clone();

    // The code with a wrong verifier fails, and a code works once only.
    let exchange = |verifier: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ]
    };
    let mut bad = exchange("a-different-verifier-that-is-long-enough-to-pass");
    bad.push(("code", &code));
    let (status, error) = token(&node, &bad).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // That attempt used the code up.
    let mut good = exchange(VERIFIER);
    good.push(("code", &code));
    let (status, _) = token(&node, &good).await;
    assert_eq!(status, 400);

    // Again, properly this time.
    let approved = sign_in(&node, &form("a long enough password")).await;
    let location = url::Url::parse(approved.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let mut good = exchange(VERIFIER);
    good.push(("code", &code));
    let (status, grant) = token(&node, &good).await;
    assert_eq!(status, 200, "{grant}");
    assert_eq!(grant["token_type"], "Bearer");
    assert_eq!(grant["scope"], "read write");
    let access = grant["access_token"].as_str().unwrap().to_owned();
    let refresh = grant["refresh_token"].as_str().unwrap().to_owned();

    let (status, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &access)
        .await;
    assert_eq!((status, me["username"].as_str()), (200, Some("jo")));
    let (status, verified) = node
        .api(Method::GET, "/api/v1/apps/verify_credentials", &access)
        .await;
    assert_eq!((status, verified["name"].as_str()), (200, Some("Tusky")));
    assert!(verified.get("client_secret").is_none());
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &access,
            json!({"status": "signed in"}),
        )
        .await;
    assert_eq!(status, 200, "write was granted");

    // Refreshing replaces the token: the old one stops working.
    let (status, renewed) = token(
        &node,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap().to_owned();
    let (status, _) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &access)
        .await;
    assert_eq!(status, 401);

    // Revoking ends it.
    let body = format!("client_id={client_id}&client_secret={secret}&token={new_access}");
    let revoked = node
        .http
        .post(node.url("/oauth/revoke"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let (status, _) = node
        .api(
            Method::GET,
            "/api/v1/accounts/verify_credentials",
            &new_access,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn out_of_band_client_credentials_and_refusals() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let oob = "urn:ietf:wg:oauth:2.0:oob";
    let app = register(&node, oob, "read").await;
    let (client_id, secret) = (
        app["client_id"].as_str().unwrap(),
        app["client_secret"].as_str().unwrap(),
    );

    // Out of band: the code is shown on a page.
    let shown = sign_in(
        &node,
        &[
            ("client_id", client_id),
            ("redirect_uri", oob),
            ("login", "jo"),
            ("password", "a long enough password"),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    let code = html
        .split("<code id=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let (status, grant) = token(
        &node,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("redirect_uri", oob),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 200, "{grant}");
    assert_eq!(grant["scope"], "read");
    let read_only = grant["access_token"].as_str().unwrap();
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            read_only,
            json!({"status": "no"}),
        )
        .await;
    assert_eq!(status, 403, "the grant's scopes are the limit");

    // A public client (no secret) without PKCE is refused.
    let shown = sign_in(
        &node,
        &[
            ("client_id", client_id),
            ("redirect_uri", oob),
            ("login", "jo"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    let html = shown.text().await.unwrap();
    let code = html
        .split("<code id=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let (status, error) = token(
        &node,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("redirect_uri", oob),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // Client credentials: a token for the app alone, not for a person.
    let (status, app_token) = token(
        &node,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(status, 200, "{app_token}");
    assert!(app_token.get("refresh_token").is_none());
    let app_access = app_token["access_token"].as_str().unwrap();
    let (status, _) = node
        .api(Method::GET, "/api/v1/apps/verify_credentials", app_access)
        .await;
    assert_eq!(status, 200);
    let (status, _) = node
        .api(
            Method::GET,
            "/api/v1/accounts/verify_credentials",
            app_access,
        )
        .await;
    assert_eq!(status, 401, "no person behind an app token");

    // Refusals, each with an RFC 6749 error.
    type Fields<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Fields, u16, &str)> = vec![
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", "wrong"),
            ],
            401,
            "invalid_client",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", "admin:write"),
            ],
            400,
            "invalid_scope",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("username", "jo"),
                ("password", "a long enough password"),
            ],
            400,
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "implicit"), ("client_id", client_id)],
            400,
            "unsupported_grant_type",
        ),
        (vec![("client_id", client_id)], 400, "invalid_request"),
    ];
    for (fields, expected_status, expected_error) in cases {
        let (status, error) = token(&node, &fields).await;
        assert_eq!(
            (status, error["error"].as_str()),
            (expected_status, Some(expected_error)),
            "{fields:?}"
        );
    }
    // An unregistered redirect URI gets an error page, never a redirect.
    let page = no_redirects()
        .get(node.url(&format!(
            "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=https://evil.example/"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    // Malformed app registrations are refused with a JSON error.
    let response = node
        .http
        .post(node.url("/api/v1/apps"))
        .json(&json!({"client_name": "X", "redirect_uris": "not a uri"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("redirect_uris"),
        "{error}"
    );

    // RFC 8414 metadata.
    let (status, meta) = node
        .get_json("/.well-known/oauth-authorization-server")
        .await;
    assert_eq!(status, 200);
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert!(meta["token_endpoint"]
        .as_str()
        .unwrap()
        .ends_with("/oauth/token"));
    assert!(!meta["grant_types_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("password")));
}

/// An app's own token (client credentials) with `scopes`.
pub(crate) async fn app_token(node: &TestNode, scopes: &str) -> String {
    let app = register(node, "urn:ietf:wg:oauth:2.0:oob", scopes).await;
    let (status, grant) = token(
        node,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("client_secret", app["client_secret"].as_str().unwrap()),
            ("scope", scopes),
        ],
    )
    .await;
    assert_eq!(status, 200, "{grant}");
    grant["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn people_sign_up_through_an_app_within_the_registration_rules() {
    let node = TestNode::start_with(|s| {
        s.registration.mode = moot_core::settings::RegistrationMode::Open;
        s.registration.allowed_email_domains = vec!["council.example".into()];
    })
    .await;
    let app = app_token(&node, "read write").await;
    let sign_up = |fields: Value| {
        let node = &node;
        let app = app.clone();
        async move {
            node.api_json(Method::POST, "/api/v1/accounts", &app, fields)
                .await
        }
    };
    let (status, grant) = sign_up(json!({"username": "kim", "email": "kim@council.example",
        "password": "a long enough password", "agreement": true, "locale": "en"}))
    .await;
    assert_eq!(status, 200, "{grant}");
    let (status, me) = node
        .api(
            Method::GET,
            "/api/v1/accounts/verify_credentials",
            grant["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!((status, me["username"].as_str()), (200, Some("kim")));

    for (fields, expected, why) in [
        (
            json!({"username": "lee", "email": "lee@elsewhere.example", "password": "a long enough password", "agreement": true}),
            403,
            "email domain",
        ),
        (
            json!({"username": "lee", "email": "lee@council.example", "password": "a long enough password"}),
            422,
            "agreement",
        ),
        (
            json!({"username": "kim", "email": "kim2@council.example", "password": "a long enough password", "agreement": true}),
            422,
            "taken",
        ),
        (
            json!({"username": "lee", "email": "lee@council.example", "password": "short", "agreement": true}),
            422,
            "password",
        ),
    ] {
        let (status, error) = sign_up(fields).await;
        assert_eq!(status, expected, "{why}: {error}");
        assert!(error["error"].is_string(), "{error}");
    }
    // Only an app's token with write:accounts may sign people up.
    let (status, _) = node
        .api_json(Method::POST, "/api/v1/accounts", &app_token(&node, "read").await,
                  json!({"username": "lee", "email": "lee@council.example", "password": "a long enough password", "agreement": true}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .api_json(Method::POST, "/api/v1/accounts", "nonsense",
                  json!({"username": "lee", "email": "lee@council.example", "password": "a long enough password", "agreement": true}))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_sign_up_awaiting_approval_cannot_use_its_token_yet() {
    let node = TestNode::start().await; // the default mode is approval
    let app = app_token(&node, "read write").await;
    let (status, grant) = node
        .api_json(
            Method::POST,
            "/api/v1/accounts",
            &app,
            json!({"username": "kim", "email": "kim@council.example", "password": "a long enough password", "agreement": "true"}),
        )
        .await;
    assert_eq!(status, 200, "{grant}");
    let (status, error) = node
        .api(
            Method::GET,
            "/api/v1/accounts/verify_credentials",
            grant["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 403, "{error}");
    assert!(error["error"]
        .as_str()
        .unwrap()
        .contains("pending approval"));
}
