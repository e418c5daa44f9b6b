//! What every request handler and background task needs.

use std::sync::Arc;

use moot_core::urls::Urls;
use moot_core::Settings;
use moot_db::Database;

use crate::domain_policy::Policy;
use crate::storage::Storage;

/// Shared by the client API, the federation endpoints and the workers.
#[derive(Clone)]
pub struct Context {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub urls: Urls,
    /// Whom the node federates with; see `domain_policy`.
    pub policy: Arc<Policy>,
    /// Where uploaded files are kept.
    pub storage: Storage,
    /// Live events for this process's streaming clients.
    pub streams: crate::streaming::Hub,
    /// Remote actors read lately (see `directory::RecentActors`).
    pub recent_actors: Arc<crate::directory::RecentActors>,
    /// Where plain received posts wait to be stored in batches.
    pub received_posts: Arc<crate::received_posts::ReceivedPosts>,
    /// Sessions and home pages clients read most (see `read_cache`).
    pub read_cache: Arc<crate::read_cache::ReadCache>,
    /// Looking up what other nodes have (see `remote`).
    pub remote: crate::remote::Remote,
    /// Recent sign-in attempts (see `sign_in`).
    pub sign_in_throttle: Arc<crate::sign_in::Throttle>,
    /// The node's Web Push key, read once (see `push::vapid`).
    pub vapid: Arc<tokio::sync::OnceCell<Arc<crate::push::Vapid>>>,
}

impl Context {
    pub fn new(db: Database, settings: Arc<Settings>) -> Self {
        let urls = Urls::new(&settings);
        let policy = Arc::new(Policy::from_settings(&settings));
        let storage = Storage::from_settings(&settings);
        let sign_in_throttle = Arc::new(crate::sign_in::Throttle::new(&settings.rate_limits));
        Context {
            db,
            settings,
            urls,
            policy,
            storage,
            streams: Default::default(),
            recent_actors: Default::default(),
            received_posts: Default::default(),
            read_cache: Default::default(),
            remote: Default::default(),
            sign_in_throttle,
            vapid: Default::default(),
        }
    }
}
