//! HTTP Signatures (draft-cavage-12, rsa-sha256) with openssl, for delivery.
//! Keys are parsed once and kept; each request is signed once.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use tokio::sync::OnceCell;
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

/// Parsed private keys by actor. Each actor's key is read and parsed once,
/// however many deliveries ask for it at the same moment: a post to a
/// thousand peers starts dozens of deliveries before the first has its key,
/// and a key parsed anew also pays again for its first signature's set-up.
#[derive(Default)]
pub struct KeyCache {
    keys: Mutex<HashMap<i64, Arc<OnceCell<PKey<Private>>>>>,
}

/// Why a key could not be had.
pub enum KeyError {
    /// The actor has no private key.
    Missing,
    /// Reading or parsing it failed (not remembered: the next asks again).
    Failed(String),
}

impl KeyCache {
    /// The actor's key, from `read_pem` (its PEM, if it has one) the first
    /// time; callers asking while it is read wait for that one read.
    pub async fn get_or_read<F, Fut, E>(
        &self,
        actor_id: i64,
        read_pem: F,
    ) -> Result<PKey<Private>, KeyError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<String>, E>>,
        E: std::fmt::Display,
    {
        let cell = self
            .keys
            .lock()
            .expect("key cache")
            .entry(actor_id)
            .or_default()
            .clone();
        cell.get_or_try_init(|| async {
            let pem = read_pem()
                .await
                .map_err(|e| KeyError::Failed(format!("reading the signing key: {e}")))?;
            let pem = pem.ok_or(KeyError::Missing)?;
            PKey::private_key_from_pem(pem.as_bytes())
                .map_err(|e| KeyError::Failed(format!("parsing the signing key: {e}")))
        })
        .await
        .cloned()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_key_wanted_by_many_deliveries_at_once_is_read_once() {
        let pem = openssl::rsa::Rsa::generate(2048)
            .unwrap()
            .private_key_to_pem()
            .unwrap();
        let pem = String::from_utf8(pem).unwrap();
        let (cache, reads) = (KeyCache::default(), AtomicUsize::new(0));
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, String>(Some(pem.clone()))
        };
        let wanted = (0..20).map(|_| cache.get_or_read(7, read));
        for key in futures_util::future::join_all(wanted).await {
            assert!(key.is_ok());
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);

        let missing = cache
            .get_or_read(8, || async { Ok::<_, String>(None) })
            .await;
        assert!(matches!(missing, Err(KeyError::Missing)));
        let failed = cache.get_or_read(9, || async { Err("down") }).await;
        assert!(matches!(failed, Err(KeyError::Failed(_))));
        let later = cache
            .get_or_read(9, || async { Ok::<_, String>(Some(pem.clone())) })
            .await;
        assert!(later.is_ok(), "a failed read is not remembered");
    }
}
