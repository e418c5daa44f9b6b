//! Web Push to people's apps, as Mastodon does it: each access token may
//! hold one subscription (an endpoint at the app's push service, the app's
//! P-256 key and auth secret, the kinds of notification wanted and from
//! whom). Each stored notification queues a push in the database (see
//! `moot_db::push`); `moot_federation::push` sends the queue. This module
//! owns the rules: what a subscription may say, what a push says, and how
//! it is sealed (RFC 8291 encryption, RFC 8292 VAPID).
//!
//! VAPID is one ES256 signature, made here with openssl rather than with
//! a JWT crate (which would bring a second set of elliptic-curve crates).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use moot_db::push::{Due, NewSubscription, Subscription};
use openssl::bn::BigNumContext;
use openssl::ec::{EcGroup, EcKey, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use serde::Serialize;
use url::Url;

use crate::{AppError, Context};

/// The kinds of notification an app may ask pushes for (Mastodon's names).
pub const ALERTS: &[&str] = &[
    "mention",
    "quote",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "quoted_update",
    "admin.sign_up",
    "admin.report",
];

/// Whose notifications are pushed: everyone's, people the person follows,
/// people following them, or no one.
pub const POLICIES: &[&str] = &["all", "followed", "follower", "none"];

/// How long a push service should keep a push for an offline phone.
pub const TTL_SECS: u32 = 48 * 3600;

/// What an app asks for when it subscribes.
pub struct Subscribe {
    pub endpoint: String,
    /// The app's public key and auth secret, base64 (either alphabet).
    pub p256dh: String,
    pub auth: String,
    pub standard: bool,
    pub alerts: BTreeMap<String, bool>,
    pub policy: Option<String>,
}

/// Mastodon's `WebPushSubscription`.
#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionView {
    pub id: String,
    pub endpoint: String,
    pub standard: bool,
    pub alerts: BTreeMap<&'static str, bool>,
    pub policy: String,
    pub server_key: String,
}

/// The token's subscription, replacing any it had.
pub async fn subscribe(
    ctx: &Context,
    session: &crate::tokens::Session,
    access_token: &str,
    asked: Subscribe,
) -> Result<SubscriptionView, AppError> {
    let endpoint = endpoint(&asked.endpoint)?;
    let p256dh = decode_key(&asked.p256dh, "subscription[keys][p256dh]")?;
    if p256dh.len() != 65 || p256dh[0] != 4 || !on_the_curve(&p256dh) {
        return Err(AppError::invalid(
            "subscription[keys][p256dh]",
            "must be an uncompressed P-256 public key (65 bytes)",
        ));
    }
    let auth = decode_key(&asked.auth, "subscription[keys][auth]")?;
    if auth.len() != 16 {
        return Err(AppError::invalid(
            "subscription[keys][auth]",
            "must be 16 bytes",
        ));
    }
    let alerts = wanted(&asked.alerts, session.user.is_admin);
    let policy = policy(asked.policy.as_deref())?;
    let vapid = vapid(ctx).await?;
    let mut conn = ctx.db.conn().await?;
    let new = NewSubscription {
        endpoint: endpoint.as_str(),
        p256dh: &p256dh,
        auth: &auth,
        standard: asked.standard,
        alerts: &alerts,
        policy,
    };
    let made = moot_db::push::subscribe(
        &mut conn,
        &digest(access_token),
        access_token,
        session.account.id,
        &new,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(view(&made, &vapid))
}

/// The token's subscription, if it has one.
pub async fn current(
    ctx: &Context,
    access_token: &str,
) -> Result<Option<SubscriptionView>, AppError> {
    let vapid = vapid(ctx).await?;
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::push::of_token(&mut conn, &digest(access_token)).await?;
    Ok(found.map(|s| view(&s, &vapid)))
}

/// Changes what the token's subscription wants (alerts not named are off,
/// as in Mastodon); `NotFound` if it has none.
pub async fn change(
    ctx: &Context,
    session: &crate::tokens::Session,
    access_token: &str,
    alerts: &BTreeMap<String, bool>,
    asked_policy: Option<&str>,
) -> Result<SubscriptionView, AppError> {
    let alerts = wanted(alerts, session.user.is_admin);
    let policy = policy(asked_policy)?;
    let vapid = vapid(ctx).await?;
    let mut conn = ctx.db.conn().await?;
    let changed = moot_db::push::change(&mut conn, &digest(access_token), &alerts, policy)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view(&changed, &vapid))
}

pub async fn unsubscribe(ctx: &Context, access_token: &str) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::push::unsubscribe(&mut conn, &digest(access_token)).await?)
}

/// Tokens are found by their digest, as they are kept.
fn digest(access_token: &str) -> [u8; 32] {
    openssl::sha::sha256(access_token.as_bytes())
}

fn view(s: &Subscription, vapid: &Vapid) -> SubscriptionView {
    SubscriptionView {
        id: s.id.to_string(),
        endpoint: s.endpoint.clone(),
        standard: s.standard,
        alerts: ALERTS
            .iter()
            .map(|&kind| (kind, s.alerts.iter().any(|a| a == kind)))
            .collect(),
        policy: s.policy.clone(),
        server_key: vapid.public_key(),
    }
}

/// Whether `point` is a point of P-256 (a key pushes can be sealed to).
fn on_the_curve(point: &[u8]) -> bool {
    let Ok(group) = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1) else {
        return false;
    };
    let Ok(mut numbers) = BigNumContext::new() else {
        return false;
    };
    openssl::ec::EcPoint::from_bytes(&group, point, &mut numbers).is_ok()
}

/// Push services are reached over HTTP(S) at a real address; whether the
/// address is private is checked where the push is sent.
fn endpoint(raw: &str) -> Result<Url, AppError> {
    let field = "subscription[endpoint]";
    let url = Url::parse(raw.trim()).map_err(|_| AppError::invalid(field, "is not a URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(AppError::invalid(field, "must be an http(s) URL"));
    }
    if raw.len() > 2048 {
        return Err(AppError::invalid(field, "is too long"));
    }
    Ok(url)
}

/// Apps send keys in standard or URL-safe base64, padded or not.
fn decode_key(raw: &str, field: &'static str) -> Result<Vec<u8>, AppError> {
    let trimmed = raw.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD.decode(raw.trim()))
        .or_else(|_| URL_SAFE.decode(raw.trim()))
        .map_err(|_| AppError::invalid(field, "is not base64"))
}

/// The kinds switched on, known ones only; the admin kinds only for admins.
fn wanted(asked: &BTreeMap<String, bool>, is_admin: bool) -> Vec<String> {
    ALERTS
        .iter()
        .filter(|kind| asked.get(**kind).copied().unwrap_or(false))
        .filter(|kind| is_admin || !kind.starts_with("admin."))
        .map(|kind| kind.to_string())
        .collect()
}

fn policy(asked: Option<&str>) -> Result<&'static str, AppError> {
    let asked = asked.unwrap_or("all");
    POLICIES
        .iter()
        .find(|p| **p == asked)
        .copied()
        .ok_or_else(|| AppError::invalid("policy", "must be all, followed, follower or none"))
}

/// The node's VAPID key pair (P-256), made on first use and kept in the
/// database so every process of the node signs with the same key.
pub struct Vapid {
    key: EcKey<Private>,
    /// The public key as an uncompressed point (65 bytes).
    public: Vec<u8>,
}

impl Vapid {
    fn from_pem(pem: &str) -> Result<Vapid, AppError> {
        let key = PKey::private_key_from_pem(pem.as_bytes())
            .and_then(|k| k.ec_key())
            .map_err(|e| anyhow::anyhow!("the stored VAPID key: {e}"))?;
        let mut numbers = BigNumContext::new().map_err(anyhow::Error::from)?;
        let public = key
            .public_key()
            .to_bytes(key.group(), PointConversionForm::UNCOMPRESSED, &mut numbers)
            .map_err(anyhow::Error::from)?;
        Ok(Vapid { key, public })
    }

    /// The public key as apps are given it (`vapid.public_key`,
    /// `server_key`): URL-safe base64 without padding.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.public)
    }

    /// A VAPID token (an ES256 JWT) for pushes to `endpoint`'s origin,
    /// good for 12 hours, naming `subject` as whom to contact.
    pub fn token(&self, endpoint: &Url, subject: &str) -> Result<String, AppError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": endpoint.origin().ascii_serialization(),
            "exp": chrono::Utc::now().timestamp() + 12 * 3600,
            "sub": subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let digest = openssl::sha::sha256(signed.as_bytes());
        let signature = EcdsaSig::sign(&digest, &self.key)
            .and_then(|sig| {
                let mut raw = sig.r().to_vec_padded(32)?;
                raw.extend(sig.s().to_vec_padded(32)?);
                Ok(raw)
            })
            .map_err(|e| anyhow::anyhow!("signing a VAPID token: {e}"))?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

fn new_vapid_pem() -> String {
    EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)
        .and_then(|group| EcKey::generate(&group))
        .and_then(PKey::from_ec_key)
        .and_then(|key| key.private_key_to_pem_pkcs8())
        .map(|pem| String::from_utf8(pem).expect("PEM is ASCII"))
        .expect("openssl makes P-256 keys")
}

/// The node's VAPID key, read once per process.
pub async fn vapid(ctx: &Context) -> Result<Arc<Vapid>, AppError> {
    ctx.vapid
        .get_or_try_init(|| async {
            let mut conn = ctx.db.conn().await?;
            let pem = moot_db::push::vapid_key(&mut conn, new_vapid_pem).await?;
            Ok::<_, AppError>(Arc::new(Vapid::from_pem(&pem)?))
        })
        .await
        .cloned()
}

/// Whom VAPID tokens name: the node's contact address, or the node.
pub fn subject(ctx: &Context) -> String {
    let email = &ctx.settings.instance.contact_email;
    if email.is_empty() {
        ctx.settings.public_url().to_string()
    } else {
        format!("mailto:{email}")
    }
}

/// What an app is told: Mastodon's push payload.
#[derive(Debug, Serialize)]
pub struct Payload {
    pub access_token: String,
    pub preferred_locale: String,
    pub notification_id: String,
    pub notification_type: String,
    pub icon: String,
    pub title: String,
    pub body: String,
}

/// Longest body, in characters (a phone shows a line or two).
const BODY_CHARS: usize = 140;

/// The payload of a queued push; `None` when there is nothing to say any
/// more (the notification, or its sender, is gone or hidden).
pub async fn payload(ctx: &Context, due: &Due) -> Result<Option<Payload>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some((notification, from)) =
        moot_db::notifications::find(&mut conn, due.notification_id).await?
    else {
        return Ok(None);
    };
    if from.suspended_at.is_some() {
        return Ok(None);
    }
    let name = if from.display_name.trim().is_empty() {
        from.username.clone()
    } else {
        from.display_name.clone()
    };
    let acct = match &from.domain {
        None => format!("@{}", from.username),
        Some(domain) => format!("@{}@{domain}", from.username),
    };
    let status = match notification.status_id {
        Some(id) => moot_db::statuses::find(&mut conn, id)
            .await?
            .map(|(s, _)| s),
        None => None,
    };
    let post_text = status.as_ref().map(|s| {
        if s.spoiler_text.is_empty() {
            moot_core::text::glance(&s.content, BODY_CHARS)
        } else {
            s.spoiler_text.clone()
        }
    });
    let title = match notification.kind.as_str() {
        "mention" => format!("You were mentioned by {name}"),
        "status" => format!("{name} just posted"),
        "reblog" => format!("{name} boosted your post"),
        "favourite" => format!("{name} favourited your post"),
        "follow" => format!("{name} is now following you"),
        "follow_request" => format!("{name} asks to follow you"),
        "poll" => "A poll has ended".to_owned(),
        "update" => format!("{name} edited a post"),
        "quote" => format!("{name} quoted your post"),
        "admin.sign_up" => format!("{name} signed up"),
        "admin.report" => "New report".to_owned(),
        _ => "New notification".to_owned(),
    };
    Ok(Some(Payload {
        access_token: due.access_token.clone(),
        preferred_locale: "en".to_owned(),
        notification_id: notification.id.to_string(),
        notification_type: notification.kind,
        icon: from
            .avatar_url
            .clone()
            .unwrap_or_else(|| ctx.urls.missing_picture("avatars").to_string()),
        title,
        body: post_text.unwrap_or(acct),
    }))
}

/// A push sealed for its subscription: the body and the headers to send.
pub struct Sealed {
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// Encrypts `payload` to the subscription's key and signs for its push
/// service: RFC 8291 `aes128gcm` for `standard` subscriptions, the draft
/// `aesgcm` encoding older apps subscribed with otherwise.
pub fn seal(ctx: &Context, vapid: &Vapid, due: &Due, payload: &[u8]) -> Result<Sealed, AppError> {
    let endpoint = Url::parse(&due.endpoint).map_err(|e| anyhow::anyhow!("endpoint: {e}"))?;
    let token = vapid.token(&endpoint, &subject(ctx))?;
    let failed = |e: ece::Error| AppError::Internal(anyhow::anyhow!("encrypting a push: {e}"));
    let mut headers = vec![
        ("TTL", TTL_SECS.to_string()),
        ("Urgency", "normal".to_owned()),
        ("Content-Type", "application/octet-stream".to_owned()),
    ];
    let body = if due.standard {
        headers.push(("Content-Encoding", "aes128gcm".to_owned()));
        headers.push((
            "Authorization",
            format!("vapid t={token}, k={}", vapid.public_key()),
        ));
        ece::encrypt(&due.p256dh, &due.auth, payload).map_err(failed)?
    } else {
        let block = ece::legacy::encrypt_aesgcm(&due.p256dh, &due.auth, payload).map_err(failed)?;
        headers.push(("Content-Encoding", "aesgcm".to_owned()));
        headers.push(("Authorization", format!("WebPush {token}")));
        // A payload is one record (well under 4 KB), so the record size is
        // left at its default, as Mastodon sends it: some apps read the
        // salt to the end of the header.
        for (name, value) in block.headers(Some(&vapid.public)) {
            let value = match name {
                "Encryption" => value.split(';').next().unwrap_or_default().to_owned(),
                _ => value,
            };
            headers.push((name, value));
        }
        URL_SAFE_NO_PAD
            .decode(block.body())
            .map_err(|e| anyhow::anyhow!("the sealed push: {e}"))?
    };
    Ok(Sealed { body, headers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vapid_tokens_verify_with_the_public_key() {
        let vapid = Vapid::from_pem(&new_vapid_pem()).unwrap();
        let endpoint = Url::parse("https://push.example/send/abc").unwrap();
        let token = vapid.token(&endpoint, "mailto:it@council.example").unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://push.example");
        let raw = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        assert_eq!(raw.len(), 64);
        let r = openssl::bn::BigNum::from_slice(&raw[..32]).unwrap();
        let s = openssl::bn::BigNum::from_slice(&raw[32..]).unwrap();
        let sig = EcdsaSig::from_private_components(r, s).unwrap();
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let mut numbers = BigNumContext::new().unwrap();
        let point = openssl::ec::EcPoint::from_bytes(
            &group,
            &URL_SAFE_NO_PAD.decode(vapid.public_key()).unwrap(),
            &mut numbers,
        )
        .unwrap();
        let public = EcKey::from_public_key(&group, &point).unwrap();
        let digest = openssl::sha::sha256(format!("{}.{}", parts[0], parts[1]).as_bytes());
        assert!(sig.verify(&digest, &public).unwrap());
        let mut tampered = digest;
        tampered[0] ^= 1;
        assert!(!sig.verify(&tampered, &public).unwrap());
    }

    #[test]
    fn only_known_alerts_are_kept_and_admin_ones_only_for_admins() {
        let asked: BTreeMap<String, bool> = [
            ("mention", true),
            ("favourite", false),
            ("admin.report", true),
            ("made_up", true),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(wanted(&asked, false), vec!["mention"]);
        assert_eq!(wanted(&asked, true), vec!["mention", "admin.report"]);
        assert!(policy(Some("everyone")).is_err());
        assert_eq!(policy(None).unwrap(), "all");
    }

    #[test]
    fn keys_are_read_in_either_base64_alphabet() {
        let bytes: Vec<u8> = (0..16).map(|i| i * 16 + 15).collect();
        for encoded in [STANDARD.encode(&bytes), URL_SAFE_NO_PAD.encode(&bytes)] {
            assert_eq!(decode_key(&encoded, "auth").unwrap(), bytes);
        }
        assert!(decode_key("not base64!", "auth").is_err());
    }
}
