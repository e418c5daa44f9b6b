//! Moot's business rules. The client API and the federation inbox both call
//! these functions, so each rule lives in one place.

pub mod accounts;
pub mod error;
pub mod passwords;

pub use error::AppError;
