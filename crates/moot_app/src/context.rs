//! What every request handler and background task needs.

use std::sync::Arc;

use moot_core::urls::Urls;
use moot_core::Settings;
use moot_db::Database;

/// Shared by the client API, the federation endpoints and the workers.
#[derive(Clone)]
pub struct Context {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub urls: Urls,
}

impl Context {
    pub fn new(db: Database, settings: Arc<Settings>) -> Self {
        let urls = Urls::new(&settings);
        Context { db, settings, urls }
    }
}
