//! Moot's end-to-end tests, in one test binary.
//!
//! Each module is one subject. They share one process, so they share the
//! test PostgreSQL cluster (every test still gets a database of its own),
//! and the whole stack is linked once rather than once per subject.

mod accounts;
mod answers;
mod api_document;
mod api_schema;
mod blocks;
mod boosts;
mod browser_clients;
mod clients_across_nodes;
mod delivery;
mod delivery_faults;
mod discovery;
mod domain_admin;
mod edits;
mod events;
mod federation;
mod federation_policy;
mod filters;
mod fixtures;
mod follow_requests;
mod group_pins;
mod groups;
mod health;
mod hostile;
mod idempotency;
mod inbox_batches;
mod inbox_overload;
mod knowledge_in_apps;
mod lemmy_replays;
mod library;
mod link_previews;
mod lists;
mod mastodon_py;
mod media;
mod notifications;
mod oauth;
mod pins;
mod polls;
mod post_text;
mod profiles;
mod rate_limits;
mod read_cache;
mod reading;
mod received_media;
mod reports;
mod search;
mod secure_peers;
mod streaming;
mod tags;
mod timeline_paging;
mod web_accessibility;
mod web_admin;
mod web_events;
mod web_groups;
mod web_keyboard;
mod web_library;
mod web_links;
mod web_manage;
mod web_sessions;
mod web_settings;
mod web_two_nodes;
mod web_wiki;
mod wiki;
