//! The client error shape is shared with the federation endpoints, which
//! own it because the API crate builds on them.

pub use moot_federation::errors::{payload_error, ApiError};
