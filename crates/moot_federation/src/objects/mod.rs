//! activitypub_federation's view of our objects: how to find them locally,
//! render them, and verify and store them when fetched.

pub mod actor;
pub mod post;
