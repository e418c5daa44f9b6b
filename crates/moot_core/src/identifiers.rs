//! The rules for names people and nodes are known by: usernames, email
//! addresses, domains and the node's own hostname.

/// Longest username; matches Mastodon so names survive federation unchanged.
pub const USERNAME_MAX_LEN: usize = 30;

/// Names no person may take: they belong to the node itself, its instance
/// actor, or would let someone impersonate its administrators.
pub const RESERVED_USERNAMES: &[&str] = &[
    "abuse",
    "admin",
    "administrator",
    "api",
    "instance",
    "instance_actor",
    "moderator",
    "moot",
    "noreply",
    "no_reply",
    "postmaster",
    "root",
    "security",
    "support",
    "system",
    "webmaster",
];

/// Why a username was refused, in words fit to show the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {USERNAME_MAX_LEN} characters")]
    TooLong,
    #[error("may contain only lower-case letters a-z, digits and underscores")]
    BadCharacters,
    #[error("`{0}` is reserved")]
    Reserved(String),
}

/// Checks a local username against `[a-z0-9_]{1,30}` and the reserved list.
/// Upper-case input is folded first, since usernames are case-insensitive.
pub fn normalize_username(raw: &str) -> Result<String, UsernameError> {
    let name = raw.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Err(UsernameError::Empty);
    }
    if name.chars().count() > USERNAME_MAX_LEN {
        return Err(UsernameError::TooLong);
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(UsernameError::BadCharacters);
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(UsernameError::Reserved(name));
    }
    Ok(name)
}

/// Whether `raw` is a syntactically valid email address with a dotted domain.
pub fn is_valid_email(raw: &str) -> bool {
    raw.parse::<email_address::EmailAddress>()
        .is_ok_and(|e| normalize_domain(e.domain()).is_ok_and(|d| d.contains('.')))
}

/// The domain part of an email address, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    Some(domain.to_ascii_lowercase())
}

/// Whether `domain` is `allowed` itself or one of its subdomains.
pub fn domain_is_within(domain: &str, allowed: &str) -> bool {
    domain == allowed
        || domain
            .strip_suffix(allowed)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Lower-cases a DNS name and checks that it is one (no port, no path).
pub fn normalize_domain(raw: &str) -> Result<String, String> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.is_empty() || domain.len() > 253 || !domain.split('.').all(valid_label) {
        return Err(format!("`{raw}` is not a domain name"));
    }
    Ok(domain)
}

/// Checks the node's public hostname: a host name or IP, optionally with a
/// port (for local testing), lower-cased; nothing else.
pub fn normalize_hostname(raw: &str) -> Result<String, String> {
    let bad = || format!("`{raw}` is not a host name with an optional port");
    let candidate = raw.trim().to_ascii_lowercase();
    if candidate.is_empty() || candidate.contains(['/', '@', '?', '#', ' ']) {
        return Err(bad());
    }
    let url = url::Url::parse(&format!("http://{candidate}/")).map_err(|_| bad())?;
    let host = url.host_str().ok_or_else(bad)?;
    let rebuilt = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    // The URL parser drops a default port (":80"); keep what was written.
    if rebuilt != candidate && format!("{rebuilt}:80") != candidate {
        return Err(bad());
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(normalize_username("Alice_1").unwrap(), "alice_1");
        assert_eq!(normalize_username(""), Err(UsernameError::Empty));
        assert_eq!(
            normalize_username(&"a".repeat(31)),
            Err(UsernameError::TooLong)
        );
        assert!(normalize_username(&"a".repeat(30)).is_ok());
        for bad in ["al ice", "alice!", "élodie", "a.b", "a-b"] {
            assert_eq!(
                normalize_username(bad),
                Err(UsernameError::BadCharacters),
                "{bad}"
            );
        }
        for reserved in ["admin", "ROOT", "moot", "instance_actor"] {
            assert!(
                matches!(
                    normalize_username(reserved),
                    Err(UsernameError::Reserved(_))
                ),
                "{reserved}"
            );
        }
    }

    #[test]
    fn emails_and_domains() {
        assert!(is_valid_email("jo@examplecouncil.gov.uk"));
        assert!(!is_valid_email("jo@localhost"));
        assert!(!is_valid_email("not an email"));
        assert!(!is_valid_email("jo@@x.org"));
        assert_eq!(email_domain("Jo@Example.ORG").unwrap(), "example.org");
        assert!(domain_is_within("example.org", "example.org"));
        assert!(domain_is_within("staff.example.org", "example.org"));
        assert!(!domain_is_within("badexample.org", "example.org"));
        assert_eq!(
            normalize_domain("Council.GOV.uk.").unwrap(),
            "council.gov.uk"
        );
        assert!(normalize_domain("a_b.org").is_err());
        assert!(normalize_domain("x.org:80").is_err());
    }

    #[test]
    fn hostnames() {
        assert_eq!(
            normalize_hostname("localhost:8080").unwrap(),
            "localhost:8080"
        );
        assert_eq!(
            normalize_hostname("Moot.Example.org").unwrap(),
            "moot.example.org"
        );
        assert_eq!(
            normalize_hostname("127.0.0.1:8082").unwrap(),
            "127.0.0.1:8082"
        );
        for bad in [
            "",
            "a b",
            "x.org/path",
            "user@x.org",
            "x.org:99999",
            "http://x.org",
        ] {
            assert!(normalize_hostname(bad).is_err(), "{bad}");
        }
    }
}
