//! A person's settings in the browser: their profile (with a picture) and
//! the apps they let use their account, which they can take back.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";
/// The smallest PNG: one transparent pixel.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::test]
async fn a_person_edits_their_profile_and_takes_access_from_an_app() {
    let node = TestNode::start_with(|s| s.oauth.password_grant = true).await;
    node.create_user("jo", "read").await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;

    let token = jo.get("/settings/profile").await.csrf_token().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("display_name", "Jo Bloggs, housing officer")
        .text("note", "I know about **damp** and repairs.")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(PIXEL)
                .file_name("me.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let saved = jo.post_multipart("/settings/profile", form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let profile = jo.get("/@jo").await;
    assert!(profile.body.contains("Jo Bloggs, housing officer"));
    assert!(profile.body.contains("<strong>damp</strong>"));
    let (_, account) = node.get_json("/api/v1/accounts/lookup?acct=jo").await;
    assert_eq!(account["display_name"], "Jo Bloggs, housing officer");
    assert!(
        !account["avatar"].as_str().unwrap().contains("missing"),
        "{account}"
    );

    let token = jo.get("/settings/profile").await.csrf_token().unwrap();
    let too_long = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("display_name", "Jo")
        .text("note", "x".repeat(600));
    let refused = jo.post_multipart("/settings/profile", too_long).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("About you"));

    // An app Jo signed in to through OAuth is listed, and can be stopped.
    let app: serde_json::Value = node
        .http
        .post(node.url("/api/v1/apps"))
        .json(&serde_json::json!({ "client_name": "Tusky", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let grant = node
        .http
        .post(node.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("client_secret", app["client_secret"].as_str().unwrap()),
            ("username", "jo@council.example"),
            ("password", PASSWORD),
            ("scope", "read"),
        ])
        .send()
        .await
        .unwrap();
    let grant: serde_json::Value = grant.json().await.unwrap();
    let app_token = grant["access_token"].as_str().expect("a token").to_owned();
    let (ok, _) = node
        .api(
            reqwest::Method::GET,
            "/api/v1/accounts/verify_credentials",
            &app_token,
        )
        .await;
    assert_eq!(ok, 200);

    let apps = jo.get("/settings/apps").await;
    assert!(apps.body.contains("Tusky"), "{}", apps.body);
    let at = apps.body.find("/settings/apps/").unwrap();
    let action = &apps.body[at..at + apps.body[at..].find('"').unwrap()];
    let revoked = jo.submit("/settings/apps", action, &[]).await;
    assert_eq!(revoked.status, 303);
    let (gone, _) = node
        .api(
            reqwest::Method::GET,
            "/api/v1/accounts/verify_credentials",
            &app_token,
        )
        .await;
    assert_eq!(gone, 401);
    assert!(!jo.get("/settings/apps").await.body.contains("Tusky"));
    assert_eq!(jo.submit("/settings/apps", action, &[]).await.status, 404);
}
