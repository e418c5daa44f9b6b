//! Moot's ActivityPub side: serving actors, discovery (WebFinger, host-meta,
//! NodeInfo), the inbox, fetching through one guarded client, and delivery
//! of the outbox with openssl signatures.

pub mod activities;
pub mod actors;
mod backfill;
pub mod client;
pub mod config;
pub mod delivery;
pub mod discovery;
pub mod dns_cache;
pub mod error;
pub mod files;
pub mod group_objects;
pub mod inbox;
pub mod inbox_gate;
pub mod inbox_screen;
pub mod inbox_signatures;
pub mod metrics;
pub mod metrics_endpoint;
pub mod negotiation;
pub mod objects;
pub mod origin;
pub mod pages;
pub mod peering;
pub mod posts;
pub mod push;
pub mod resolve;
pub mod sector_directory;
pub mod signing;
pub mod subscriptions;

use actix_web::web;

/// Most fetches one incoming request may cause (actors, keys, threads).
pub const MAX_FETCHES_PER_REQUEST: u32 = 20;

/// Registers the federation endpoints except the inboxes (see
/// [`inbox::configure`]).
pub fn configure(cfg: &mut web::ServiceConfig) {
    discovery::configure(cfg);
    actors::configure(cfg);
    posts::configure(cfg);
    group_objects::configure(cfg);
    metrics_endpoint::configure(cfg);
    sector_directory::configure(cfg);
}
