//! What the app asks of other nodes when a person looks something up
//! (search with `resolve=true`). The federation crate answers; the app
//! only knows this trait, so it never depends on the federation crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use url::Url;

use crate::model::{Account, Status};

/// A boxed future, as a trait object's async method returns it.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// Fetches and stores what another node has (origins, policy and fetch
/// limits apply, as for every fetch).
pub trait Resolver: Send + Sync {
    /// The account `user@host`.
    fn account_by_handle<'a>(&'a self, handle: &'a str) -> Pending<'a, Account>;
    /// The actor at `uri`.
    fn account_by_uri<'a>(&'a self, uri: &'a Url) -> Pending<'a, Account>;
    /// The post at `uri`, with its author.
    fn post_by_uri<'a>(&'a self, uri: &'a Url) -> Pending<'a, (Status, Account)>;
    /// What the web page at `url` says about itself, for a preview card.
    fn page_summary<'a>(&'a self, url: &'a Url) -> Pending<'a, moot_core::pages::PageSummary>;
}

/// The resolver of a node, set once its federation side is built (none in
/// processes that do not serve people, such as delivery workers).
#[derive(Clone, Default)]
pub struct Remote(Arc<OnceLock<Arc<dyn Resolver>>>);

impl Remote {
    /// Sets the resolver; a second call changes nothing.
    pub fn set(&self, resolver: Arc<dyn Resolver>) {
        let _ = self.0.set(resolver);
    }

    pub fn get(&self) -> Option<&Arc<dyn Resolver>> {
        self.0.get()
    }
}
