//! Moot's HTTP interface. Handlers stay thin: parse, authorize, call the
//! rules in `moot_app`, serialize.

pub mod accounts;
mod admin_accounts;
pub mod admin_domains;
pub mod answers;
pub mod api_document;
pub mod auth;
pub mod blocks;
pub mod bookmarks;
mod conversations;
pub mod errors;
pub mod events;
mod featured;
pub mod filters;
mod filters_v1;
pub mod follow_requests;
pub mod groups;
pub mod health;
pub mod instance;
pub mod knowledge;
pub mod library;
pub mod lists;
pub mod markers;
pub mod media;
pub mod nothing_yet;
pub mod notifications;
pub mod oauth;
pub mod pages;
pub mod pagination;
pub mod params;
pub mod peers;
pub mod polls;
pub mod presenter;
pub mod profiles;
mod push;
pub mod rate_limits;
pub mod reports;
mod scheduled;
pub mod search;
pub mod statuses;
pub mod streaming;
pub mod wiki;

/// Registers the client API's routes and the HTML pages (not the health
/// check and calendar feeds, which the server registers first).
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    // Fixed paths before `/api/v1/accounts/{id}`, which would take them.
    crate::profiles::configure(cfg);
    crate::follow_requests::configure(cfg);
    crate::blocks::configure(cfg);
    crate::lists::configure(cfg);
    crate::filters::configure(cfg);
    crate::accounts::configure(cfg);
    crate::search::configure(cfg);
    crate::statuses::configure(cfg);
    crate::polls::configure(cfg);
    crate::answers::configure(cfg);
    crate::knowledge::configure(cfg);
    crate::media::configure(cfg);
    crate::bookmarks::configure(cfg);
    crate::markers::configure(cfg);
    crate::streaming::configure(cfg);
    crate::groups::configure(cfg);
    crate::wiki::configure(cfg);
    crate::library::configure(cfg);
    crate::events::configure(cfg);
    crate::admin_domains::configure(cfg);
    crate::peers::configure(cfg);
    crate::reports::configure(cfg);
    crate::conversations::configure(cfg);
    crate::featured::configure(cfg);
    crate::filters_v1::configure(cfg);
    crate::scheduled::configure(cfg);
    crate::push::configure(cfg);
    crate::admin_accounts::configure(cfg);
    crate::oauth::configure(cfg);
    crate::instance::configure(cfg);
    crate::nothing_yet::configure(cfg);
    crate::notifications::configure(cfg);
    crate::api_document::configure(cfg);
    // Last: they take whatever method the routes above did not.
    crate::api_document::configure_method_fallbacks(cfg);
}
