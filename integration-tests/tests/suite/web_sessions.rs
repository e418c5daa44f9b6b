//! Signing in and out of the web app: cookies, CSRF, revocation, password
//! changes, pending accounts and the sign-in limit, over real HTTP.

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn a_session_cookie_is_safe_and_ends_at_sign_out() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let mut browser = WebClient::new(&node.url(""));

    // Signed out, the dashboard is the front page and settings ask to sign in.
    let front = browser.get("/").await;
    assert_eq!(front.status, 200);
    assert!(front.body.contains("Sign in"), "{}", front.body);
    let settings = browser.get("/settings").await;
    assert_eq!(settings.status, 303);
    assert_eq!(
        settings.location.as_deref(),
        Some("/login?next=%2Fsettings")
    );

    // The sign-in form refuses a post without its token.
    let forged = browser
        .post("/login", &[("login", "jo"), ("password", PASSWORD)])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(forged.cookie_line("moot_session").is_none());

    let wrong = browser.sign_in("jo", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong
        .body
        .contains("The username, email or password is not right"));

    let answer = browser.sign_in("jo@council.example", PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let cookie = answer
        .cookie_line("moot_session")
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // Plain HTTP here; `Secure` is set when the node is served over TLS.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let first_session = browser.cookies["moot_session"].clone();

    let home = browser.get("/").await;
    assert!(home.body.contains("Welcome back"), "{}", home.body);

    // Signing in again rotates the session: the old cookie is ended.
    let again = browser
        .submit("/", "/login", &[("login", "jo"), ("password", PASSWORD)])
        .await;
    assert_eq!(again.status, 303);
    assert_ne!(browser.cookies["moot_session"], first_session);
    let mut stale = WebClient::new(&node.url(""));
    stale.cookies.insert("moot_session".into(), first_session);
    assert_eq!(stale.get("/settings").await.status, 303);

    // Signing out needs the token too, and ends the session for good.
    let kept = browser.cookies["moot_session"].clone();
    assert_eq!(browser.post("/logout", &[]).await.status, 403);
    let out = browser.submit("/", "/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert!(!browser.cookies.contains_key("moot_session"));
    let mut replay = WebClient::new(&node.url(""));
    replay.cookies.insert("moot_session".into(), kept);
    assert_eq!(replay.get("/settings").await.status, 303);
}

#[tokio::test]
async fn another_device_can_be_signed_out_and_a_password_change_ends_the_others() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let mut laptop = WebClient::new(&node.url(""));
    let mut phone = WebClient::new(&node.url(""));
    laptop.sign_in("jo", PASSWORD).await;
    phone.sign_in("jo", PASSWORD).await;

    let list = laptop.get("/settings/sessions").await;
    assert_eq!(list.status, 200);
    // One row per browser; the laptop signs out the one that is not its own.
    let rows: Vec<&str> = list.body.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "{}", list.body);
    let other_row = rows.iter().find(|r| !r.contains("This browser")).unwrap();
    let at = other_row.find("/settings/sessions/").unwrap();
    let other = &other_row[at..at + other_row[at..].find('"').unwrap()];
    let revoked = laptop.submit("/settings/sessions", other, &[]).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(
        phone.get("/settings").await.status,
        303,
        "the phone is signed out"
    );
    assert_eq!(
        laptop.get("/settings").await.status,
        200,
        "the laptop is not"
    );

    // A password change needs the current password, and signs out others.
    phone.sign_in("jo", PASSWORD).await;
    let refused = laptop
        .submit(
            "/settings/password",
            "/settings/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Your current password is not right"));
    let changed = laptop
        .submit(
            "/settings/password",
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(phone.get("/settings").await.status, 303);
    assert_eq!(laptop.get("/settings").await.status, 200);
    let mut fresh = WebClient::new(&node.url(""));
    assert_eq!(fresh.sign_in("jo", PASSWORD).await.status, 401);
    assert_eq!(
        fresh.sign_in("jo", "a brand new passphrase").await.status,
        303
    );
}

#[tokio::test]
async fn pending_accounts_are_told_and_sign_in_attempts_are_limited() {
    let node = TestNode::start_with(|s| s.rate_limits.sign_in_attempts = 4).await;
    moot_app::accounts::create_local_user(
        &node.db,
        &node.settings,
        moot_app::accounts::NewUser {
            username: "newstarter".into(),
            email: "newstarter@council.example".into(),
            password: Some(PASSWORD.into()),
            ..Default::default()
        },
        moot_app::accounts::CreatedBy::SignUp,
    )
    .await
    .unwrap();
    let mut browser = WebClient::new(&node.url(""));
    let pending = browser.sign_in("newstarter", PASSWORD).await;
    assert_eq!(pending.status, 401);
    assert!(
        pending.body.contains("waiting for an admin to approve it"),
        "{}",
        pending.body
    );
    assert!(!browser.cookies.contains_key("moot_session"));

    for _ in 0..3 {
        browser.sign_in("newstarter", "guess").await;
    }
    let limited = browser.sign_in("newstarter", PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert!(limited.body.contains("Too many sign-in attempts"));
}

#[tokio::test]
async fn bad_input_gets_pages_not_faults() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    let mut browser = WebClient::new(&node.url(""));
    browser.sign_in("jo", PASSWORD).await;
    for (path, status) in [
        ("/no/such/page", 404),
        ("/groups/nobody", 404),
        ("/groups/nobody@elsewhere.example", 404),
        ("/posts/12345", 404),
        ("/posts/not-a-number", 404),
        ("/groups?page=zero", 200),
        ("/groups?q=%00", 400),
        ("/settings/sessions/abc/revoke", 404),
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert!(
            answer.body.starts_with("<!DOCTYPE html>"),
            "{path}: {}",
            answer.body
        );
    }
    // An unknown path still answers JSON to a client that asks for it.
    let json = node
        .http
        .get(node.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 404);
    assert!(json.text().await.unwrap().contains("\"error\""));
    // A malformed form body is a clear refusal.
    let token = browser
        .get("/settings/password")
        .await
        .csrf_token()
        .unwrap();
    let odd = browser
        .post(
            "/settings/password",
            &[("csrf_token", &token), ("current_password", "\u{0}")],
        )
        .await;
    assert_eq!(odd.status, 400, "{}", odd.body);
}
