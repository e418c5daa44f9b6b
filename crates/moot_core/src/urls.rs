//! The one place that mints this node's public URLs and ActivityPub ids.
//! Ids are permanent: other nodes store them, so these paths never change.

use url::Url;

use crate::Settings;

/// Builds this node's URLs from its public scheme and hostname.
#[derive(Debug, Clone)]
pub struct Urls {
    base: Url,
}

impl Urls {
    pub fn new(settings: &Settings) -> Self {
        Urls {
            base: settings.public_url(),
        }
    }

    fn at(&self, path: &str) -> Url {
        self.base.join(path).expect("paths here are valid")
    }

    /// The node's root, e.g. `https://moot.example/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `host[:port]` as used in `acct:` addresses.
    pub fn authority(&self) -> String {
        let host = self.base.host_str().unwrap_or_default();
        match self.base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    pub fn person(&self, username: &str) -> Url {
        self.at(&format!("users/{username}"))
    }

    /// The username of a local actor id ([`Urls::person`]'s inverse).
    pub fn local_username<'a>(&self, uri: &'a str) -> Option<&'a str> {
        uri.strip_prefix(self.base.as_str())?
            .strip_prefix("users/")
            .filter(|name| !name.is_empty() && !name.contains('/'))
    }

    pub fn person_collection(&self, username: &str, collection: &str) -> Url {
        self.at(&format!("users/{username}/{collection}"))
    }

    /// The person's HTML profile page.
    pub fn person_page(&self, username: &str) -> Url {
        self.at(&format!("@{username}"))
    }

    /// The key id signatures name: the actor id with a fragment.
    pub fn main_key(actor: &Url) -> Url {
        let mut key = actor.clone();
        key.set_fragment(Some("main-key"));
        key
    }

    pub fn shared_inbox(&self) -> Url {
        self.at("inbox")
    }

    pub fn instance_actor(&self) -> Url {
        self.at("actor")
    }

    /// The sector directory the instance actor publishes.
    pub fn sector_directory(&self) -> Url {
        self.at("actor/directory")
    }

    /// A local post's ActivityPub id.
    pub fn status(&self, id: i64) -> Url {
        self.at(&format!("statuses/{id}"))
    }

    /// A local post's HTML page.
    pub fn status_page(&self, username: &str, id: i64) -> Url {
        self.at(&format!("@{username}/{id}"))
    }

    /// An uploaded file, by its storage key.
    pub fn media_file(&self, key: &str) -> Url {
        self.at(&format!("media/{key}"))
    }

    /// The picture shown for an account without one: `kind` is
    /// `avatars` or `headers` (Mastodon's addresses).
    pub fn missing_picture(&self, kind: &str) -> Url {
        self.at(&format!("{kind}/original/missing.png"))
    }

    /// The page of a hashtag.
    pub fn tag(&self, name: &str) -> Url {
        self.at(&format!("tags/{name}"))
    }

    /// A group's wiki page.
    pub fn wiki_page(&self, group: &str, slug: &str) -> Url {
        self.at(&format!("users/{group}/wiki/{slug}"))
    }

    /// The list of a wiki page's revisions, and one of them.
    pub fn wiki_edits(&self, group: &str, slug: &str) -> Url {
        self.at(&format!("users/{group}/wiki/{slug}/edits"))
    }

    pub fn wiki_revision(&self, group: &str, slug: &str, number: i32) -> Url {
        self.at(&format!("users/{group}/wiki/{slug}/edits/{number}"))
    }

    /// An item of a group's library, the list of its versions, and one.
    pub fn library_item(&self, group: &str, id: i64) -> Url {
        self.at(&format!("users/{group}/library/{id}"))
    }

    pub fn library_versions(&self, group: &str, id: i64) -> Url {
        self.at(&format!("users/{group}/library/{id}/versions"))
    }

    pub fn library_version(&self, group: &str, id: i64, number: i32) -> Url {
        self.at(&format!("users/{group}/library/{id}/versions/{number}"))
    }

    /// A local event, and it as an iCalendar file.
    pub fn event(&self, id: i64) -> Url {
        self.at(&format!("events/{id}"))
    }

    pub fn event_ics(&self, id: i64) -> Url {
        self.at(&format!("events/{id}.ics"))
    }

    /// A group's (or person's) events as an iCalendar feed.
    pub fn events_feed(&self, username: &str) -> Url {
        self.at(&format!("users/{username}/events.ics"))
    }

    /// A new, unique activity id.
    pub fn new_activity(&self) -> Url {
        let token: String = (0..2).map(|_| format!("{:016x}", rand_u64())).collect();
        self.at(&format!("activities/{token}"))
    }

    pub fn about_page(&self) -> Url {
        self.at("about")
    }

    /// Where a one-time password reset link leads.
    pub fn password_reset(&self, token: &str) -> Url {
        self.at(&format!("reset/{token}"))
    }

    /// Where an invitation leads.
    pub fn invite(&self, code: &str) -> Url {
        self.at(&format!("invite/{code}"))
    }
}

/// 64 random bits from the operating system, for ids that must not collide.
fn rand_u64() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_configured_scheme_and_host() {
        let mut settings = Settings::defaults();
        let urls = Urls::new(&settings);
        assert_eq!(urls.person("jo").as_str(), "http://localhost:8080/users/jo");
        assert_eq!(urls.authority(), "localhost:8080");
        settings.server.hostname = "moot.example".into();
        settings.server.tls = true;
        let urls = Urls::new(&settings);
        assert_eq!(urls.person("jo").as_str(), "https://moot.example/users/jo");
        assert_eq!(
            Urls::main_key(&urls.person("jo")).as_str(),
            "https://moot.example/users/jo#main-key"
        );
        assert_eq!(urls.person_page("jo").as_str(), "https://moot.example/@jo");
        assert_eq!(urls.authority(), "moot.example");
    }
}
