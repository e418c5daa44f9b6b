//! The federation policy: the one place that decides whether this node
//! talks to another. Consulted at every border (inbox, fetches, delivery)
//! before any expensive work. Today's rule is the configured block-list;
//! allow-lists and per-domain severities plug in here.

use moot_core::identifiers::domain_is_within;
use moot_core::Settings;
use url::Url;

/// Whether the node at `url` may be talked to.
pub fn allows(settings: &Settings, url: &Url) -> bool {
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    let with_port = url.port().map(|p| format!("{host}:{p}"));
    !settings
        .federation
        .blocked_domains
        .iter()
        .any(|rule| match rule.contains(':') {
            // A rule with a port names exactly one node (local testing).
            true => with_port.as_deref() == Some(rule.as_str()),
            false => domain_is_within(&host, rule),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_domains_their_subdomains_and_exact_ports() {
        let mut settings = Settings::defaults();
        settings.federation.blocked_domains = vec!["spam.example".into(), "localhost:8082".into()];
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(!allows(&settings, &u("https://spam.example/users/x")));
        assert!(!allows(&settings, &u("https://a.spam.example/users/x")));
        assert!(allows(&settings, &u("https://notspam.example/users/x")));
        assert!(!allows(&settings, &u("http://localhost:8082/inbox")));
        assert!(allows(&settings, &u("http://localhost:8083/inbox")));
    }
}
