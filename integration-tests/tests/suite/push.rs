//! Web Push across two real nodes, received as a phone app receives it: a
//! person on A subscribes three apps (Mastodon.py's older `aesgcm`, an
//! RFC 8291 `aes128gcm` one, and one whose push service answers 410 Gone);
//! a mention from B reaches the apps encrypted, and an independent
//! implementation (`http_ece`, `cryptography`) decrypts it and checks the
//! VAPID signature. See `integration-tests/clients/mastodon_py_push.py`.

use std::process::Stdio;
use std::time::Duration;

use moot_testkit::clients::{clients_dir, python_bin};
use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::resolve;
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

const SCOPES: &str = "read write follow push";

#[tokio::test]
async fn a_mention_from_another_node_is_pushed_encrypted_and_a_gone_subscription_is_removed() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", SCOPES);
    let (standard, gone) = (a.token("alice", SCOPES), a.token("alice", SCOPES));
    let bob = b.create_user("bob", "read write follow");
    let alice_on_b = resolve(&b, &bob, &a.handle("alice")).await;
    assert!(!alice_on_b.is_empty());

    let python = tokio::task::spawn_blocking(python_bin)
        .await
        .unwrap()
        .join("python");
    let mut app = tokio::process::Command::new(python)
        .arg(clients_dir().join("mastodon_py_push.py"))
        .args([&a.base_url, &alice, &standard, &gone])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("running Mastodon.py");
    let mut lines = BufReader::new(app.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(120), lines.next_line())
        .await
        .expect("the apps subscribe within two minutes")
        .unwrap();
    if ready.as_deref() != Some("READY") {
        let out = app.wait_with_output().await.unwrap();
        panic!(
            "subscribing failed: {ready:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // What the subscription looks like to an app: Mastodon's entity.
    let (status, subscription) = a
        .api(Method::GET, "/api/v1/push/subscription", &standard)
        .await;
    assert_eq!(status, 200, "{subscription}");
    assert_eq!(subscription["standard"], true);
    assert_eq!(subscription["alerts"]["mention"], true);
    assert_eq!(subscription["alerts"]["favourite"], false);
    MastodonApi::get().assert_valid("GET", "/api/v1/push/subscription", 200, &subscription);

    let (status, post) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            json!({"status": format!("@{} the damp survey is due Friday", a.handle("alice"))}),
        )
        .await;
    assert_eq!(status, 200, "{post}");

    let mut result = String::new();
    tokio::time::timeout(Duration::from_secs(150), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            result = line;
        }
    })
    .await
    .expect("the pushes arrive");
    let out = app.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "the app failed: {result}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pushes: Value = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}: {result}"));

    // The push names the notification the app then finds, with its title.
    let (_, mentions) = a
        .api(Method::GET, "/api/v1/notifications?types[]=mention", &alice)
        .await;
    assert_eq!(mentions.as_array().unwrap().len(), 1, "{mentions}");
    let notification_id = mentions[0]["id"].as_str().unwrap();
    for (app, token) in [("legacy", &alice), ("standard", &standard)] {
        let payload = &pushes[app];
        assert_eq!(
            payload["notification_id"], notification_id,
            "{app}: {payload}"
        );
        assert_eq!(payload["notification_type"], "mention", "{app}");
        assert_eq!(payload["title"], "You were mentioned by bob", "{app}");
        assert!(
            payload["body"]
                .as_str()
                .unwrap()
                .contains("the damp survey is due Friday"),
            "{app}: {payload}"
        );
        assert_eq!(payload["access_token"], token.as_str(), "{app}");
    }

    // The push service said 410 once: that subscription is gone, and
    // nothing more is sent to it; the others stay.
    assert_eq!(pushes["gone_hits"], 1);
    wait::until("the gone subscription is removed", || async {
        let (status, _) = a.api(Method::GET, "/api/v1/push/subscription", &gone).await;
        (status == 404).then_some(())
    })
    .await;
    let (status, _) = a
        .api(Method::GET, "/api/v1/push/subscription", &alice)
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn subscriptions_need_the_push_scope_and_refuse_bad_keys() {
    let a = ProcessNode::start().await;
    let without_push = a.create_user("carol", "read write");
    let token = a.token("carol", SCOPES);
    let good_key = app_key();
    let off_the_curve = format!("BN{}", "A".repeat(85));
    let body = |p256dh: &str, auth: &str| {
        json!({"subscription": {"endpoint": "https://push.example/x",
                                "keys": {"p256dh": p256dh, "auth": auth}},
               "data": {"alerts": {"mention": true}, "policy": "followed"}})
    };
    let (status, _) = a
        .api_json(
            Method::POST,
            "/api/v1/push/subscription",
            &without_push,
            body(&good_key, "AAAAAAAAAAAAAAAAAAAAAA"),
        )
        .await;
    assert_eq!(status, 403);
    for (p256dh, auth) in [
        ("short", "AAAAAAAAAAAAAAAAAAAAAA"),
        (off_the_curve.as_str(), "AAAAAAAAAAAAAAAAAAAAAA"),
        (good_key.as_str(), "AAAA"),
        (good_key.as_str(), "not base64 at all!"),
    ] {
        let (status, answer) = a
            .api_json(
                Method::POST,
                "/api/v1/push/subscription",
                &token,
                body(p256dh, auth),
            )
            .await;
        assert_eq!(status, 422, "{p256dh} {auth}: {answer}");
    }
    let (status, made) = a
        .api_json(
            Method::POST,
            "/api/v1/push/subscription",
            &token,
            body(&good_key, "AAAAAAAAAAAAAAAAAAAAAA"),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["policy"], "followed");
    MastodonApi::get().assert_valid("POST", "/api/v1/push/subscription", 200, &made);

    // Changing it: alerts not named are off.
    let (status, changed) = a
        .api_json(
            Method::PUT,
            "/api/v1/push/subscription",
            &token,
            json!({"data": {"alerts": {"follow": true}, "policy": "none"}}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["alerts"]["follow"], true);
    assert_eq!(changed["alerts"]["mention"], false);
    assert_eq!(changed["policy"], "none");

    let (status, _) = a
        .api(Method::DELETE, "/api/v1/push/subscription", &token)
        .await;
    assert_eq!(status, 200);
    let (status, _) = a
        .api(Method::GET, "/api/v1/push/subscription", &token)
        .await;
    assert_eq!(status, 404);
}

/// A fresh P-256 public key as an app sends it (uncompressed, base64).
fn app_key() -> String {
    use base64::Engine;
    use openssl::ec::{EcGroup, EcKey, PointConversionForm};
    let group = EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
    let key = EcKey::generate(&group).unwrap();
    let mut numbers = openssl::bn::BigNumContext::new().unwrap();
    let point = key
        .public_key()
        .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut numbers)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(point)
}
