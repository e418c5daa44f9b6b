//! Checking the HTTP signature of an inbox POST (draft-cavage, as Mastodon,
//! Lemmy, GoToSocial and the rest send it) with openssl, against public keys
//! parsed once and kept in memory.
//!
//! A request signed with a key we know is checked from its headers alone,
//! before its body is read or parsed and without touching the database, so
//! a flood of forged requests costs one RSA verification each.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http_signature_normalization::verify::Unverified;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use url::Url;

use crate::error::FederationError;

/// Signatures older than this are refused (replays), as the federation
/// library does.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// Keys kept at most; past it the oldest half is dropped.
const MOST_KEYS: usize = 20_000;

/// How long a kept key is trusted without a look at the stored actor (which
/// an `Update` of the actor or another process may have changed).
const KEY_TTL: Duration = Duration::from_secs(10 * 60);

fn unauthorized(why: impl Into<String>) -> FederationError {
    FederationError::refused(StatusCode::UNAUTHORIZED, why)
}

/// The request's signature, parsed and checked for age and for covering
/// the body's digest, not yet verified.
pub fn parse(req: &HttpRequest, own_host: &str) -> Result<Unverified, FederationError> {
    let mut headers = BTreeMap::new();
    for (name, value) in req.headers() {
        if let Ok(value) = value.to_str() {
            headers.insert(name.as_str().to_owned(), value.to_owned());
        }
    }
    // Proxies and HTTP/2 may drop `Host`; the peer signed ours.
    headers
        .entry("host".to_owned())
        .or_insert_with(|| own_host.to_owned());
    let path_and_query = match req.uri().query() {
        Some(query) => format!("{}?{query}", req.uri().path()),
        None => req.uri().path().to_owned(),
    };
    http_signature_normalization::Config::new()
        .set_expiration(SIGNATURE_LIFETIME)
        .require_digest()
        .begin_verify(req.method().as_str(), &path_and_query, headers)
        .map_err(|e| unauthorized(format!("bad signature header: {e}")))
}

/// Whether `key` made the signature (RSA with SHA-256, which `hs2019` means
/// for RSA keys too).
pub fn verify(signed: &Unverified, key: &PKey<Public>) -> bool {
    signed.verify(|signature, signing_string| {
        let Ok(signature) = BASE64.decode(signature) else {
            return false;
        };
        openssl::sign::Verifier::new(MessageDigest::sha256(), key)
            .and_then(|mut v| v.verify_oneshot(&signature, signing_string.as_bytes()))
            .unwrap_or(false)
    })
}

/// Checks the `Digest` header (signed, see [`parse`]) against the body.
pub fn check_digest(req: &HttpRequest, body: &[u8]) -> Result<(), FederationError> {
    let header = req
        .headers()
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("inbox requests must carry a digest header"))?;
    let ours = BASE64.encode(openssl::sha::sha256(body));
    let matches = header.split(',').any(|part| {
        part.trim()
            .split_once('=')
            .is_some_and(|(algorithm, value)| {
                algorithm.eq_ignore_ascii_case("sha-256") && value == ours
            })
    });
    match matches {
        true => Ok(()),
        false => Err(unauthorized("the digest does not match the body")),
    }
}

/// A public key we have verified a signature with, and whose it is.
#[derive(Clone)]
pub struct KnownKey {
    pub actor: Url,
    pub key: PKey<Public>,
    since: Instant,
}

impl KnownKey {
    /// Old enough that a failing signature may mean the key was replaced.
    pub fn may_be_stale(&self, after: Duration) -> bool {
        self.since.elapsed() >= after
    }
}

/// Public keys by `keyId`, parsed once.
#[derive(Default)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, KnownKey>>,
}

impl KeyCache {
    pub fn get(&self, key_id: &str) -> Option<KnownKey> {
        let keys = self.keys.read().expect("key cache");
        keys.get(key_id)
            .filter(|k| k.since.elapsed() < KEY_TTL)
            .cloned()
    }

    /// Restarts a kept key's clock: its actor was just looked at again, so
    /// further failures within a minute are forgeries, refused cheaply.
    pub fn touch(&self, key_id: &str) {
        if let Some(known) = self.keys.write().expect("key cache").get_mut(key_id) {
            known.since = Instant::now();
        }
    }

    pub fn insert(&self, key_id: &str, actor: Url, key: PKey<Public>) {
        let mut keys = self.keys.write().expect("key cache");
        if keys.len() >= MOST_KEYS {
            let mut ages: Vec<Instant> = keys.values().map(|k| k.since).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            keys.retain(|_, k| k.since > cut);
        }
        let since = Instant::now();
        keys.insert(key_id.to_owned(), KnownKey { actor, key, since });
    }
}

/// Parses an actor's PEM public key.
pub fn public_key(pem: &str) -> Result<PKey<Public>, FederationError> {
    PKey::public_key_from_pem(pem.as_bytes())
        .map_err(|_| unauthorized("the actor's public key cannot be read"))
}
