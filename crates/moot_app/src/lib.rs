//! Moot's business rules. The client API and the federation inbox both call
//! these functions, so each rule lives in one place.

pub mod accounts;
pub mod announcements;
pub mod answers;
pub mod blocks;
pub mod bookmarks;
pub mod browser_sessions;
pub mod context;
pub mod directory;
pub mod domain_lists;
pub mod domain_policy;
pub mod domain_subscriptions;
pub mod error;
pub mod events;
pub mod filters;
pub mod follows;
pub mod groups;
pub mod keys;
pub mod library;
pub mod lists;
pub mod markers;
pub mod media;
pub mod model;
pub mod oauth;
pub mod outbound;
pub mod passwords;
pub mod pins;
pub mod polls;
pub mod profiles;
pub mod reactions;
pub mod read_cache;
pub mod received_posts;
pub mod remote;
pub mod search;
pub mod sign_in;
pub mod site;
pub mod statuses;
pub mod storage;
pub mod streaming;
pub mod tags;
pub mod tokens;
pub mod views;
pub mod wiki;

pub use context::Context;
pub use error::AppError;
