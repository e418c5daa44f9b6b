//! Moot's ActivityPub side: how this node's actors look on the wire, how other
//! nodes discover them (WebFinger, host-meta, NodeInfo), and, as it grows, the
//! inbox, signatures and fetching.

pub mod actors;
pub mod discovery;
pub mod errors;
pub mod negotiation;
pub mod protocol;

use actix_web::web;

/// Registers the federation endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    discovery::configure(cfg);
    actors::configure(cfg);
}
