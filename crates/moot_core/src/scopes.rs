//! OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`,
//! `profile`, their granular forms (`read:statuses` ...) and `admin:*`.

use std::collections::BTreeSet;
use std::fmt;

const READ: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
];
const WRITE: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
];
const ADMIN: &[&str] = &[
    "accounts",
    "reports",
    "domain_allows",
    "domain_blocks",
    "ip_blocks",
    "email_domain_blocks",
    "canonical_email_blocks",
];
/// What the legacy `follow` scope stands for.
const FOLLOW: &[&str] = &[
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
];

/// Every granular scope (`read:statuses`, `admin:write:domain_blocks` ...).
pub fn granular() -> Vec<String> {
    let read = READ.iter().map(|s| format!("read:{s}"));
    let write = WRITE.iter().map(|s| format!("write:{s}"));
    let admin = ADMIN
        .iter()
        .flat_map(|s| [format!("admin:read:{s}"), format!("admin:write:{s}")]);
    read.chain(write).chain(admin).collect()
}

/// A validated set of scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// Parses a space-separated list, refusing scopes that do not exist.
    pub fn parse(raw: &str) -> Result<Scopes, String> {
        let mut set = BTreeSet::new();
        for scope in raw.split_whitespace() {
            if !is_known(scope) {
                return Err(format!("unknown scope `{scope}`"));
            }
            set.insert(scope.to_owned());
        }
        if set.is_empty() {
            return Err("no scope given".into());
        }
        Ok(Scopes(set))
    }

    /// Whether these scopes grant `required` (a granular scope such as
    /// `write:follows`), directly or through a broader scope.
    pub fn allows(&self, required: &str) -> bool {
        if self.0.contains(required) {
            return true;
        }
        if self.0.contains("follow") && FOLLOW.contains(&required) {
            return true;
        }
        // `read` covers `read:x`; `admin:read` covers `admin:read:x`.
        let mut prefix = required;
        while let Some((parent, _)) = prefix.rsplit_once(':') {
            if self.0.contains(parent) {
                return true;
            }
            prefix = parent;
        }
        false
    }

    /// Whether every scope in `self` is granted by `within`.
    pub fn is_subset_of(&self, within: &Scopes) -> bool {
        self.0
            .iter()
            .all(|s| within.0.contains(s) || within.allows(s))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.0.iter().map(String::as_str).collect();
        f.write_str(&joined.join(" "))
    }
}

fn is_known(scope: &str) -> bool {
    match scope.split_once(':') {
        None => matches!(scope, "read" | "write" | "follow" | "push" | "profile"),
        Some(("read", what)) => READ.contains(&what),
        Some(("write", what)) => WRITE.contains(&what),
        Some(("admin", rest)) => match rest.split_once(':') {
            None => matches!(rest, "read" | "write"),
            Some((mode, what)) => matches!(mode, "read" | "write") && ADMIN.contains(&what),
        },
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_imply() {
        let s = Scopes::parse("read write:statuses follow").unwrap();
        assert!(s.allows("read:accounts"));
        assert!(s.allows("write:statuses"));
        assert!(!s.allows("write:favourites"));
        assert!(s.allows("write:follows"), "follow implies write:follows");
        assert!(!s.allows("admin:read:accounts"));
        assert_eq!(s.to_string(), "follow read write:statuses");
        let admin = Scopes::parse("admin:read").unwrap();
        assert!(admin.allows("admin:read:accounts"));
        assert!(!admin.allows("admin:write:accounts"));
        assert!(Scopes::parse("read:statuses").unwrap().is_subset_of(&s));
        assert!(!Scopes::parse("write").unwrap().is_subset_of(&s));
    }

    #[test]
    fn unknown_scopes_are_refused() {
        for bad in [
            "",
            "reed",
            "read:everything",
            "admin",
            "admin:read:nothing",
            "write:",
        ] {
            assert!(Scopes::parse(bad).is_err(), "{bad}");
        }
    }
}
