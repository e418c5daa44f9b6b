//! Whom the node federates with: the rules and the one function that
//! applies them. Storage, caching and admin changes live elsewhere; every
//! border asks `Rules::verdict`.

use chrono::{DateTime, Utc};

use crate::identifiers::{domain_is_within, normalize_domain, normalize_hostname};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Everyone but the blocked.
    #[default]
    Blocklist,
    /// Only the allowed, and a block still wins.
    Allowlist,
}

impl Mode {
    pub fn parse(raw: &str) -> Option<Mode> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "blocklist" => Some(Mode::Blocklist),
            "allowlist" => Some(Mode::Allowlist),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Blocklist => "blocklist",
            Mode::Allowlist => "allowlist",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// No federation at all; the domain's content and follows are removed.
    Suspend,
    /// Kept out of public timelines; followers still see it.
    Silence,
    /// Only the flags apply (Mastodon's `noop`).
    Noop,
}

impl Severity {
    pub fn parse(raw: &str) -> Option<Severity> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "suspend" => Some(Severity::Suspend),
            "silence" => Some(Severity::Silence),
            "noop" => Some(Severity::Noop),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suspend => "suspend",
            Severity::Silence => "silence",
            Severity::Noop => "noop",
        }
    }
}

/// A block as the verdict needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub domain: String,
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What applies to a peer that may be talked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub silenced: bool,
    pub reject_media: bool,
    pub reject_reports: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing goes in or out.
    Refuse,
    Federate(Limits),
}

/// Every rule in force, as one immutable snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub mode: Mode,
    pub allows: Vec<String>,
    pub blocks: Vec<Block>,
    /// Nodes peered with this one (or asked to peer): let through like an
    /// allow, and a block still wins.
    pub peers: Vec<String>,
}

impl Rules {
    /// The verdict for the node at `host` (lower case) and `port`. A rule
    /// naming `host:port` matches only that node; a rule naming a domain
    /// covers its subdomains and every port; the longest match wins.
    pub fn verdict(&self, host: &str, port: Option<u16>, now: DateTime<Utc>) -> Verdict {
        let block = self.block_for(host, port, now);
        if let Some(Block {
            severity: Severity::Suspend,
            ..
        }) = block
        {
            return Verdict::Refuse;
        }
        let listed = |rule: &String| rule_matches(rule, host, port);
        if self.mode == Mode::Allowlist
            && !self.allows.iter().any(listed)
            && !self.peers.iter().any(listed)
        {
            return Verdict::Refuse;
        }
        Verdict::Federate(block.map_or(Limits::default(), |b| Limits {
            silenced: b.severity == Severity::Silence,
            reject_media: b.reject_media,
            reject_reports: b.reject_reports,
        }))
    }

    /// The block in force for a node: the one with the longest match.
    fn block_for(&self, host: &str, port: Option<u16>, now: DateTime<Utc>) -> Option<&Block> {
        self.blocks
            .iter()
            .filter(|b| b.expires_at.is_none_or(|t| t > now) && rule_matches(&b.domain, host, port))
            .max_by_key(|b| b.domain.len())
    }

    /// Whether the node serving `url` is suspended by a block, whatever the
    /// mode: the node's own voice (peering) reaches any node but those.
    pub fn blocks_url(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str() else {
            return true;
        };
        let block = self.block_for(&host.to_ascii_lowercase(), url.port(), Utc::now());
        block.is_some_and(|b| b.severity == Severity::Suspend)
    }

    /// The verdict for the node serving `url`; URLs without a host are refused.
    pub fn verdict_for_url(&self, url: &url::Url) -> Verdict {
        match url.host_str() {
            Some(host) => self.verdict(&host.to_ascii_lowercase(), url.port(), Utc::now()),
            None => Verdict::Refuse,
        }
    }

    pub fn allows_url(&self, url: &url::Url) -> bool {
        self.verdict_for_url(url) != Verdict::Refuse
    }

    /// The verdict for an account's `domain` as stored (`host` or `host:port`).
    pub fn verdict_for_domain(&self, domain: &str) -> Verdict {
        let (host, port) = match domain.rsplit_once(':') {
            Some((host, port)) => match port.parse() {
                Ok(port) => (host, Some(port)),
                Err(_) => return Verdict::Refuse,
            },
            None => (domain, None),
        };
        self.verdict(&host.to_ascii_lowercase(), port, Utc::now())
    }
}

/// Whether a rule names the node at `host` (lower case) and `port`: a rule
/// naming `host:port` matches only that node; a rule naming a domain
/// covers its subdomains and every port.
fn rule_matches(rule: &str, host: &str, port: Option<u16>) -> bool {
    match (rule.rsplit_once(':'), port) {
        (Some((rule_host, rule_port)), Some(port)) => {
            rule_host == host && rule_port.parse() == Ok(port)
        }
        (Some(_), None) => false,
        (None, _) => domain_is_within(host, rule),
    }
}

/// A rule's domain: a DNS name (covering its subdomains) or `host:port`.
pub fn normalize_rule_domain(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.contains(':') {
        normalize_hostname(raw)
    } else {
        normalize_domain(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(domain: &str, severity: Severity) -> Block {
        Block {
            domain: domain.into(),
            severity,
            reject_media: false,
            reject_reports: false,
            expires_at: None,
        }
    }

    fn at(rules: &Rules, domain: &str) -> Verdict {
        rules.verdict_for_domain(domain)
    }

    const OPEN: Verdict = Verdict::Federate(Limits {
        silenced: false,
        reject_media: false,
        reject_reports: false,
    });
    const SILENCED: Verdict = Verdict::Federate(Limits {
        silenced: true,
        reject_media: false,
        reject_reports: false,
    });

    #[test]
    fn blocks_cover_subdomains_and_the_longest_match_wins() {
        let rules = Rules {
            blocks: vec![
                block("spam.example", Severity::Suspend),
                block("ok.spam.example", Severity::Silence),
                block("localhost:8082", Severity::Suspend),
            ],
            ..Rules::default()
        };
        assert_eq!(at(&rules, "spam.example"), Verdict::Refuse);
        assert_eq!(at(&rules, "a.spam.example"), Verdict::Refuse);
        assert_eq!(at(&rules, "x.ok.spam.example"), SILENCED);
        assert_eq!(at(&rules, "notspam.example"), OPEN);
        assert_eq!(at(&rules, "localhost:8082"), Verdict::Refuse);
        assert_eq!(at(&rules, "localhost:8083"), OPEN);
    }

    #[test]
    fn allowlist_mode_refuses_the_unlisted_and_a_block_still_wins() {
        let rules = Rules {
            mode: Mode::Allowlist,
            allows: vec!["councils.example".into(), "localhost:8081".into()],
            blocks: vec![block("bad.councils.example", Severity::Suspend)],
            peers: vec![],
        };
        assert_eq!(at(&rules, "a.councils.example"), OPEN);
        assert_eq!(at(&rules, "bad.councils.example"), Verdict::Refuse);
        assert_eq!(at(&rules, "elsewhere.example"), Verdict::Refuse);
        assert_eq!(at(&rules, "localhost:8081"), OPEN);
        assert_eq!(at(&rules, "localhost:8082"), Verdict::Refuse);
    }

    #[test]
    fn peers_pass_an_allowlist_but_not_a_block() {
        let rules = Rules {
            mode: Mode::Allowlist,
            peers: vec!["peer.example".into(), "localhost:8083".into()],
            blocks: vec![block("bad.peer.example", Severity::Suspend)],
            ..Rules::default()
        };
        assert_eq!(at(&rules, "peer.example"), OPEN);
        assert_eq!(at(&rules, "localhost:8083"), OPEN);
        assert_eq!(at(&rules, "bad.peer.example"), Verdict::Refuse);
        assert_eq!(at(&rules, "other.example"), Verdict::Refuse);
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert!(rules.blocks_url(&url("https://bad.peer.example/inbox")));
        assert!(!rules.blocks_url(&url("https://other.example/inbox")));
    }

    #[test]
    fn expired_blocks_lapse() {
        let mut gone = block("old.example", Severity::Suspend);
        gone.expires_at = Some(Utc::now() - chrono::Duration::minutes(1));
        let rules = Rules {
            blocks: vec![gone],
            ..Rules::default()
        };
        assert_eq!(at(&rules, "old.example"), OPEN);
    }

    #[test]
    fn rule_domains() {
        assert_eq!(
            normalize_rule_domain(" Spam.Example ").unwrap(),
            "spam.example"
        );
        assert_eq!(
            normalize_rule_domain("localhost:8082").unwrap(),
            "localhost:8082"
        );
        assert!(normalize_rule_domain("not a domain").is_err());
        assert!(Mode::parse("allowlist").is_some() && Mode::parse("open").is_none());
    }
}
