//! Password hashing (argon2id) and generation. Hashing is deliberately slow,
//! so it runs on a blocking thread, never on the async executor.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::distr::{Alphanumeric, SampleString};

use crate::AppError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;
const GENERATED_LENGTH: usize = 24;

/// Checks length limits (counted in characters, so any script is welcome).
pub fn check_strength(password: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if len > MAX_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("must be at most {MAX_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// A random password of letters and digits, for people created by an admin.
pub fn generate() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), GENERATED_LENGTH)
}

/// The argon2id hash of `password` in PHC string form.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        // A 128-bit salt from the operating system's generator (via rand).
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| anyhow::anyhow!("encoding a salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("password hashing task: {e}"))?
    .map_err(AppError::Internal)
}

/// Whether `password` matches the stored `hash`.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("correct horse".into(), hash.clone()).await);
        assert!(!verify("wrong horse".into(), hash).await);
        assert!(!verify("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn strength_and_generation() {
        assert!(check_strength("short").is_err());
        assert!(check_strength("long enough").is_ok());
        assert!(check_strength(&"x".repeat(257)).is_err());
        let a = generate();
        assert_eq!(a.len(), GENERATED_LENGTH);
        assert!(check_strength(&a).is_ok());
        assert_ne!(a, generate());
    }
}
