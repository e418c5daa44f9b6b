//! Moot's HTTP interface. Handlers stay thin: parse, authorize, call the
//! rules in `moot_app`, serialize.

pub mod accounts;
pub mod admin_domains;
pub mod answers;
pub mod auth;
pub mod blocks;
pub mod bookmarks;
pub mod errors;
pub mod events;
pub mod filters;
pub mod follow_requests;
pub mod groups;
pub mod health;
pub mod instance;
pub mod knowledge;
pub mod library;
pub mod lists;
pub mod markers;
pub mod media;
pub mod metrics;
pub mod nothing_yet;
pub mod notifications;
pub mod oauth;
pub mod pages;
pub mod pagination;
pub mod params;
pub mod polls;
pub mod presenter;
pub mod profiles;
pub mod rate_limits;
pub mod search;
pub mod server;
pub mod statuses;
pub mod streaming;
pub mod wiki;

pub use server::build_server;
