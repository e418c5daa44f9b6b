//! The records views carry to the API and the web pages. The queries that
//! read and write them stay behind `moot_app`: a front end sees the data,
//! never the database.

pub use moot_db::accounts::Account;
pub use moot_db::answers::Accepted;
pub use moot_db::domain_rules::{AllowRow, BlockRow};
pub use moot_db::featured::FeaturedTag;
pub use moot_db::filters::{FilteredStatus, FullFilter, Keyword};
pub use moot_db::library::Submission as LibrarySubmission;
pub use moot_db::lists::List;
pub use moot_db::markers::Marker;
pub use moot_db::media::Media;
pub use moot_db::notifications::Notification;
pub use moot_db::search::Hit as SearchHit;
pub use moot_db::statuses::{Edit, Stats, Status};
pub use moot_db::timelines::{Boost, Entry};
pub use moot_db::tokens::OAuthApp;
pub use moot_db::wiki::{Page as WikiPage, Revision, Submission};
pub use moot_db::window::Window;
pub use moot_protocol::activities::FollowAnswer;
pub use moot_protocol::notes::Visibility;

/// An account for unit tests of rules.
#[cfg(test)]
pub(crate) fn test_account(id: i64, username: &str, domain: Option<&str>) -> Account {
    let now = chrono::Utc::now();
    Account {
        id,
        username: username.into(),
        domain: domain.map(Into::into),
        display_name: String::new(),
        summary: String::new(),
        created_at: now,
        updated_at: now,
        public_key_pem: String::new(),
        private_key_pem: None,
        ap_id: None,
        inbox_url: None,
        shared_inbox_url: None,
        followers_url: None,
        profile_url: None,
        actor_type: "Person".into(),
        manually_approves_followers: false,
        fetched_at: None,
        avatar_url: None,
        header_url: None,
        note_source: None,
        suspended_at: None,
        suspension_origin: None,
        silenced_at: None,
        sensitized_at: None,
        discoverable: false,
    }
}
