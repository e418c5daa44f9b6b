//! ActivityPub documents as they travel, and the one place that converts
//! this node's rows into them.

pub mod actor;
pub mod collection;
pub mod context;
