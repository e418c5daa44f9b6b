//! ActivityPub documents as they travel, and the one place that converts this
//! node's rows into them. Pure data: the business rules (`moot_app`) use it to
//! write outbox rows, the federation crate to read what peers send.

pub mod activities;
pub mod actor;
pub mod collection;
pub mod context;
pub mod events;
pub mod library;
pub mod media;
pub mod notes;
pub mod wiki;
