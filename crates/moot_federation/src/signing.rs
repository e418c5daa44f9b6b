//! HTTP Signatures (draft-cavage-12, rsa-sha256) with openssl, for delivery.
//! Keys are parsed once and kept; each request is signed once.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use url::Url;

/// The headers an inbox POST carries, signed.
pub struct SignedHeaders {
    pub date: String,
    pub digest: String,
    pub signature: String,
}

/// `SHA-256=<base64>` of a body.
pub fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", BASE64.encode(openssl::sha::sha256(body)))
}

/// Parsed private keys by actor, so PEM is parsed once per actor.
#[derive(Default)]
pub struct KeyCache {
    keys: Mutex<HashMap<i64, PKey<Private>>>,
}

impl KeyCache {
    pub fn get(&self, actor_id: i64) -> Option<PKey<Private>> {
        self.keys.lock().expect("key cache").get(&actor_id).cloned()
    }

    /// Parses the actor's PEM key and keeps it.
    pub fn insert_pem(
        &self,
        actor_id: i64,
        pem: &str,
    ) -> Result<PKey<Private>, openssl::error::ErrorStack> {
        let key = PKey::private_key_from_pem(pem.as_bytes())?;
        self.keys
            .lock()
            .expect("key cache")
            .insert(actor_id, key.clone());
        Ok(key)
    }
}

/// Signs a POST of `body` to `inbox` as `key_id`.
pub fn sign_post(
    key: &PKey<Private>,
    key_id: &Url,
    inbox: &Url,
    body: &[u8],
) -> Result<SignedHeaders, openssl::error::ErrorStack> {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let digest = digest(body);
    let host = match inbox.port() {
        Some(port) => format!("{}:{port}", inbox.host_str().unwrap_or_default()),
        None => inbox.host_str().unwrap_or_default().to_owned(),
    };
    let mut target = inbox.path().to_owned();
    if let Some(query) = inbox.query() {
        target.push('?');
        target.push_str(query);
    }
    let signing_string =
        format!("(request-target): post {target}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let mut signer = Signer::new(MessageDigest::sha256(), key)?;
    signer.update(signing_string.as_bytes())?;
    let signature = BASE64.encode(signer.sign_to_vec()?);
    Ok(SignedHeaders {
        signature: format!(
            "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{signature}\""
        ),
        date,
        digest,
    })
}
