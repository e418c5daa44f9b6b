//! Origin is identity. An origin here is scheme, host and port: two nodes
//! on one host with different ports (local testing) are different origins.

use url::Url;

use crate::error::FederationError;

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Refuses (400) unless `a` and `b` share an origin; `what` says what clashed.
pub fn require_same_origin(a: &Url, b: &Url, what: &str) -> Result<(), FederationError> {
    if same_origin(a, b) {
        Ok(())
    } else {
        Err(FederationError::refused(
            actix_web::http::StatusCode::BAD_REQUEST,
            format!("{what}: {a} and {b} are of different origins"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_schemes_count() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://a.example/x"),
            &u("https://A.example:443/y")
        ));
        assert!(!same_origin(
            &u("http://localhost:8081/x"),
            &u("http://localhost:8082/x")
        ));
        assert!(!same_origin(
            &u("http://a.example/x"),
            &u("https://a.example/x")
        ));
        assert!(!same_origin(
            &u("https://a.example/x"),
            &u("https://b.a.example/x")
        ));
    }
}
