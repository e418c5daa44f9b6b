//! RSA key pairs for actors, made with openssl (several times faster than the
//! pure-Rust implementation on this hardware). Generation takes tens of
//! milliseconds, so it runs on a blocking thread.

use openssl::pkey::PKey;
use openssl::rsa::Rsa;

use crate::AppError;

const KEY_BITS: u32 = 2048;

/// A PEM-encoded key pair (PKCS#8 private key, SubjectPublicKeyInfo public key).
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

pub async fn generate() -> Result<KeyPair, AppError> {
    tokio::task::spawn_blocking(|| {
        let rsa = Rsa::generate(KEY_BITS)?;
        let key = PKey::from_rsa(rsa)?;
        Ok::<_, openssl::error::ErrorStack>(KeyPair {
            public_pem: String::from_utf8(key.public_key_to_pem()?).expect("PEM is ASCII"),
            private_pem: String::from_utf8(key.private_key_to_pem_pkcs8()?).expect("PEM is ASCII"),
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("key generation task: {e}"))?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("generating an RSA key: {e}")))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn generates_distinct_2048_bit_pairs() {
        let a = super::generate().await.unwrap();
        let b = super::generate().await.unwrap();
        assert!(a.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(a.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_ne!(a.public_pem, b.public_pem);
        let key = openssl::pkey::PKey::private_key_from_pem(a.private_pem.as_bytes()).unwrap();
        assert_eq!(key.bits(), 2048);
    }
}
