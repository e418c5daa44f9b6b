//! Checking the HTTP signature of an inbox POST (draft-cavage, as Mastodon,
//! Lemmy, GoToSocial and the rest send it) with openssl, against public keys
//! parsed once and kept in memory.
//!
//! A request signed with a key we know is checked from its headers alone,
//! before its body is read or parsed and without touching the database, so
//! a flood of forged requests costs one RSA verification each, and a
//! forged request sent again costs a hash lookup.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

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
        .map_err(|e| FederationError::unauthorized(format!("bad signature header: {e}")))
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
        .ok_or_else(|| {
            FederationError::unauthorized("inbox requests must carry a digest header")
        })?;
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
        false => Err(FederationError::unauthorized(
            "the digest does not match the body",
        )),
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

/// Refused signatures remembered at most; past it they are forgotten.
const MOST_REFUSALS: usize = 8_192;

/// Public keys by `keyId`, parsed once.
#[derive(Default)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, KnownKey>>,
    /// Signatures that did not verify with a kept key, by a keyed hash of
    /// the key id, the signing string and the signature: the same forged
    /// request sent again is refused without another RSA operation. The
    /// answer for that triple cannot change while the key stays, so this
    /// is emptied whenever a key is added or replaced.
    refused: Mutex<HashSet<u64>>,
    hasher: RandomState,
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

    /// Whether `known`, kept for `key_id`, made the signature; a refusal is
    /// remembered (see `refused`).
    pub fn verify_kept(&self, signed: &Unverified, key_id: &str, known: &KnownKey) -> bool {
        let fingerprint =
            self.hasher
                .hash_one((key_id, signed.signing_string(), signed.signature()));
        if self
            .refused
            .lock()
            .expect("refusals")
            .contains(&fingerprint)
        {
            return false;
        }
        if verify(signed, &known.key) {
            return true;
        }
        let mut refused = self.refused.lock().expect("refusals");
        if refused.len() >= MOST_REFUSALS {
            refused.clear();
        }
        refused.insert(fingerprint);
        false
    }

    pub fn insert(&self, key_id: &str, actor: Url, key: PKey<Public>) {
        self.refused.lock().expect("refusals").clear();
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
        .map_err(|_| FederationError::unauthorized("the actor's public key cannot be read"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use openssl::pkey::Private;
    use openssl::rsa::Rsa;

    const KEY_ID: &str = "https://peer.example/users/jo#main-key";

    /// A POST of `body` to /inbox carrying the signature made for `signed_body`.
    fn request(key: &PKey<Private>, body: &[u8], signed_body: &[u8]) -> HttpRequest {
        let inbox = Url::parse("https://node.example/inbox").unwrap();
        let key_id = Url::parse(KEY_ID).unwrap();
        let honest = crate::signing::sign_post(key, &key_id, &inbox, body).unwrap();
        let used = crate::signing::sign_post(key, &key_id, &inbox, signed_body).unwrap();
        TestRequest::post()
            .uri("/inbox")
            .insert_header(("host", "node.example"))
            .insert_header(("date", honest.date))
            .insert_header(("digest", honest.digest))
            .insert_header(("signature", used.signature))
            .to_http_request()
    }

    #[test]
    fn a_forged_signature_is_refused_again_from_memory_until_a_key_changes() {
        let private = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let public =
            public_key(&String::from_utf8(private.public_key_to_pem().unwrap()).unwrap()).unwrap();
        let cache = KeyCache::default();
        let actor = Url::parse("https://peer.example/users/jo").unwrap();
        cache.insert(KEY_ID, actor.clone(), public.clone());
        let known = cache.get(KEY_ID).unwrap();

        let forged = parse(&request(&private, b"mine", b"another"), "node.example").unwrap();
        assert!(!cache.verify_kept(&forged, KEY_ID, &known));
        assert!(!cache.verify_kept(&forged, KEY_ID, &known));
        assert_eq!(cache.refused.lock().unwrap().len(), 1, "remembered once");

        let genuine = parse(&request(&private, b"mine", b"mine"), "node.example").unwrap();
        assert!(cache.verify_kept(&genuine, KEY_ID, &known));

        cache.insert(KEY_ID, actor, public);
        assert!(
            cache.refused.lock().unwrap().is_empty(),
            "a new key forgets"
        );
    }
}
