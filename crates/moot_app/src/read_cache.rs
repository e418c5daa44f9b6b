//! What clients read most, kept in memory: signed-in sessions (every call
//! checks its token) and rendered home timeline pages (clients reload
//! them on every start, refresh and resume).
//!
//! Each cached value names what it was made from: posts and accounts.
//! PostgreSQL announces, at commit, which posts and accounts a change
//! concerns (triggers on every table the values are read from, see the
//! `read_cache` migration), whichever process, worker or command made it;
//! the listener here drops every value made from one of them. A value
//! rendered while a change concerning it was heard is not kept, so a page
//! read from before a commit never outlives the commit's announcement.
//! Announcements arrive a moment after the commit, so a request that
//! writes drops its own person's values at once (`forget_account`): what
//! you did shows on your next read. The cache is off until the listener
//! listens, and is emptied whenever it stops: nothing heard, nothing kept.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Deserialize;

use crate::tokens::Session;
use crate::Context;

/// The PostgreSQL channel the triggers announce changes on.
pub const CHANNEL: &str = "moot_changes";

/// How long a session is kept at most: a bound on what a missed
/// announcement could cost, not the usual way one goes.
const SESSION_LIFETIME: Duration = Duration::from_secs(60);
/// How long a page is kept at most: a page also changes with time (a poll
/// closes, a mute or a filter expires) with no write to announce it.
const PAGE_LIFETIME: Duration = Duration::from_secs(15);
const MOST_SESSIONS: usize = 10_000;
/// A page is 20-40 KB of JSON: at most about 20 MB.
const MOST_PAGES: usize = 512;
/// Changes remembered to judge values rendered meanwhile; a value rendered
/// across more changes than this is not kept.
const RECENT_CHANGES: usize = 4096;

/// What a cached value was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Account(i64),
    Status(i64),
}

/// A rendered page of a timeline, ready to send.
#[derive(Debug, Clone)]
pub struct Page {
    pub body: Bytes,
    /// The `Link` header, if the page has neighbours.
    pub link: Option<String>,
}

/// Taken before reading what a value is rendered from: the value is kept
/// only if nothing it was made from changed since.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

struct Entry<V> {
    value: V,
    sources: Vec<Source>,
    until: Instant,
}

/// Values by key, and for each source the keys made from it.
struct Store<K, V> {
    entries: HashMap<K, Entry<V>>,
    made_from: HashMap<Source, HashSet<K>>,
    most: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Store<K, V> {
    fn new(most: usize) -> Self {
        Store {
            entries: HashMap::new(),
            made_from: HashMap::new(),
            most,
        }
    }

    fn get(&self, key: &K, now: Instant) -> Option<V> {
        self.entries
            .get(key)
            .filter(|e| e.until > now)
            .map(|e| e.value.clone())
    }

    fn insert(&mut self, key: K, value: V, sources: Vec<Source>, until: Instant) {
        self.remove(&key);
        if self.entries.len() >= self.most {
            // The one that would go soonest anyway.
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.until)
                .map(|(k, _)| k.clone())
            {
                self.remove(&oldest);
            }
        }
        for source in &sources {
            self.made_from
                .entry(*source)
                .or_default()
                .insert(key.clone());
        }
        self.entries.insert(
            key,
            Entry {
                value,
                sources,
                until,
            },
        );
    }

    fn remove(&mut self, key: &K) {
        let Some(entry) = self.entries.remove(key) else {
            return;
        };
        for source in entry.sources {
            if let Some(keys) = self.made_from.get_mut(&source) {
                keys.remove(key);
                if keys.is_empty() {
                    self.made_from.remove(&source);
                }
            }
        }
    }

    fn forget(&mut self, source: &Source) {
        if let Some(keys) = self.made_from.remove(source) {
            for key in keys {
                self.remove(&key);
            }
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.made_from.clear();
    }
}

struct Inner {
    /// Whether announcements are being heard; nothing is kept otherwise.
    listening: bool,
    /// Changes heard so far (and forgettings asked for).
    heard: u64,
    /// The sources of the last changes, with the count each came at.
    recent: VecDeque<(u64, Source)>,
    /// `recent` holds every source of the changes heard after this count
    /// (older ones were dropped, or everything was forgotten at it).
    complete_after: u64,
    sessions: Store<[u8; 32], Session>,
    pages: Store<(i64, String), Page>,
}

impl Inner {
    /// Whether a value made from `sources` since `ticket` may be kept.
    fn still_fresh(&self, ticket: Ticket, sources: &[Source]) -> bool {
        if !self.listening || ticket.0 < self.complete_after {
            return false;
        }
        self.recent
            .iter()
            .rev()
            .take_while(|(at, _)| *at > ticket.0)
            .all(|(_, source)| !sources.contains(source))
    }

    fn changed(&mut self, sources: impl IntoIterator<Item = Source>) {
        self.heard += 1;
        for source in sources {
            self.sessions.forget(&source);
            self.pages.forget(&source);
            if self.recent.len() == RECENT_CHANGES {
                if let Some((at, _)) = self.recent.pop_front() {
                    self.complete_after = self.complete_after.max(at);
                }
            }
            self.recent.push_back((self.heard, source));
        }
    }

    fn clear(&mut self) {
        self.heard += 1;
        self.complete_after = self.heard;
        self.recent.clear();
        self.sessions.clear();
        self.pages.clear();
    }
}

/// The caches of one process.
pub struct ReadCache {
    inner: Mutex<Inner>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            inner: Mutex::new(Inner {
                listening: false,
                heard: 0,
                recent: VecDeque::new(),
                complete_after: 0,
                sessions: Store::new(MOST_SESSIONS),
                pages: Store::new(MOST_PAGES),
            }),
        }
    }
}

impl ReadCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Nothing here panics while holding the lock; were it poisoned,
        // its contents are still whole maps.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A ticket to keep what is about to be read, or None while the cache
    /// is off.
    pub fn ticket(&self) -> Option<Ticket> {
        let inner = self.lock();
        inner.listening.then_some(Ticket(inner.heard))
    }

    pub fn session(&self, token_sha256: &[u8; 32]) -> Option<Session> {
        self.lock().sessions.get(token_sha256, Instant::now())
    }

    pub fn keep_session(&self, ticket: Ticket, token_sha256: [u8; 32], session: &Session) {
        let sources = vec![Source::Account(session.account.id)];
        let mut inner = self.lock();
        if inner.still_fresh(ticket, &sources) {
            let until = Instant::now() + SESSION_LIFETIME;
            inner
                .sessions
                .insert(token_sha256, session.clone(), sources, until);
        }
    }

    /// `viewer`'s page for the request `query` (its query string).
    pub fn page(&self, viewer: i64, query: &str) -> Option<Page> {
        self.lock()
            .pages
            .get(&(viewer, query.to_owned()), Instant::now())
    }

    /// Keeps `viewer`'s `page` for `query`, made from `sources` (the
    /// viewer is one of them).
    pub fn keep_page(
        &self,
        ticket: Ticket,
        viewer: i64,
        query: &str,
        page: Page,
        mut sources: Vec<Source>,
    ) {
        sources.push(Source::Account(viewer));
        sources.sort_unstable_by_key(|s| match s {
            Source::Account(id) => (0, *id),
            Source::Status(id) => (1, *id),
        });
        sources.dedup();
        let mut inner = self.lock();
        if inner.still_fresh(ticket, &sources) {
            let until = Instant::now() + PAGE_LIFETIME;
            inner
                .pages
                .insert((viewer, query.to_owned()), page, sources, until);
        }
    }

    /// Drops what was made from `account` now, without waiting for the
    /// announcement: for a request that has just written on its behalf.
    pub fn forget_account(&self, account: i64) {
        self.lock().changed([Source::Account(account)]);
    }

    /// Drops the session of one token (revoked by this process). A request
    /// that read it before the revocation and keeps it after is caught by
    /// the revocation's announcement.
    pub fn forget_session(&self, token_sha256: &[u8; 32]) {
        self.lock().sessions.remove(token_sha256);
    }

    fn heard(&self, payload: &str) {
        let mut inner = self.lock();
        match serde_json::from_str::<Announcement>(payload) {
            Ok(Announcement {
                all: false,
                statuses,
                accounts,
            }) => inner.changed(
                statuses
                    .into_iter()
                    .map(Source::Status)
                    .chain(accounts.into_iter().map(Source::Account)),
            ),
            // Everything, or something unreadable: forget everything.
            _ => inner.clear(),
        }
    }

    fn listening(&self, listening: bool) {
        let mut inner = self.lock();
        inner.clear();
        inner.listening = listening;
    }
}

/// What a trigger announced.
#[derive(Deserialize)]
struct Announcement {
    #[serde(default)]
    all: bool,
    #[serde(default)]
    statuses: Vec<i64>,
    #[serde(default)]
    accounts: Vec<i64>,
}

/// Listens for the triggers' announcements for as long as the task runs;
/// the cache is on while it listens.
pub fn start(ctx: &Context) -> tokio::task::JoinHandle<()> {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let cache = ctx.read_cache.clone();
        let _off_when_stopped = OffWhenDropped(cache.clone());
        loop {
            let error = ctx
                .db
                .listen_then(
                    CHANNEL,
                    || cache.listening(true),
                    |payload| cache.heard(payload),
                )
                .await;
            cache.listening(false);
            tracing::warn!(%error, "read cache: off, not hearing of changes; retrying in 5 s");
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    })
}

/// Turns the cache off when the listening task ends, however it ends.
struct OffWhenDropped(std::sync::Arc<ReadCache>);

impl Drop for OffWhenDropped {
    fn drop(&mut self) {
        self.0.listening(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        Page {
            body: Bytes::copy_from_slice(text.as_bytes()),
            link: None,
        }
    }

    fn live() -> ReadCache {
        let cache = ReadCache::default();
        cache.listening(true);
        cache
    }

    #[test]
    fn nothing_is_kept_until_listening() {
        let cache = ReadCache::default();
        assert!(cache.ticket().is_none());
        let cache = live();
        let ticket = cache.ticket().unwrap();
        cache.keep_page(ticket, 1, "", page("a"), vec![Source::Status(7)]);
        assert_eq!(cache.page(1, "").unwrap().body, "a");
        cache.listening(false);
        assert!(cache.page(1, "").is_none(), "stopping listening empties it");
    }

    #[test]
    fn a_change_drops_the_pages_made_from_it_only() {
        let cache = live();
        let ticket = cache.ticket().unwrap();
        cache.keep_page(ticket, 1, "", page("one"), vec![Source::Status(7)]);
        cache.keep_page(ticket, 2, "", page("two"), vec![Source::Status(8)]);
        cache.heard(r#"{"statuses":[7],"accounts":[]}"#);
        assert!(cache.page(1, "").is_none());
        assert!(cache.page(2, "").is_some());
        // A change to the viewer (a follow, a mute ...) drops their pages.
        cache.heard(r#"{"statuses":[],"accounts":[2]}"#);
        assert!(cache.page(2, "").is_none());
    }

    #[test]
    fn a_page_rendered_across_a_change_to_it_is_not_kept() {
        let cache = live();
        let ticket = cache.ticket().unwrap();
        cache.heard(r#"{"statuses":[7],"accounts":[]}"#);
        cache.keep_page(ticket, 1, "", page("stale"), vec![Source::Status(7)]);
        assert!(cache.page(1, "").is_none());
        // Unrelated changes meanwhile do not matter.
        let ticket = cache.ticket().unwrap();
        cache.heard(r#"{"statuses":[9],"accounts":[3]}"#);
        cache.keep_page(ticket, 1, "", page("fresh"), vec![Source::Status(7)]);
        assert_eq!(cache.page(1, "").unwrap().body, "fresh");
    }

    #[test]
    fn everything_goes_on_all_or_on_nonsense() {
        let cache = live();
        for announcement in [r#"{"all":true}"#, "not json"] {
            let ticket = cache.ticket().unwrap();
            cache.keep_page(ticket, 1, "", page("a"), vec![Source::Status(7)]);
            assert!(cache.page(1, "").is_some());
            cache.heard(announcement);
            assert!(cache.page(1, "").is_none(), "{announcement}");
            cache.keep_page(ticket, 1, "", page("a"), vec![]);
            assert!(cache.page(1, "").is_none(), "an old ticket is refused");
        }
    }

    #[test]
    fn the_store_stays_within_its_bound() {
        let mut store: Store<i64, i64> = Store::new(3);
        let now = Instant::now();
        for key in 0..10 {
            let until = now + Duration::from_secs(key as u64 + 1);
            store.insert(key, key, vec![Source::Account(key)], until);
        }
        assert_eq!(store.entries.len(), 3);
        assert_eq!(store.made_from.len(), 3, "the index forgets evicted keys");
        assert_eq!(store.get(&9, now), Some(9), "the newest stay");
        assert_eq!(store.get(&0, now), None);
    }
}
