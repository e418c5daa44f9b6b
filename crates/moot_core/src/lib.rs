//! Moot's core: configuration and the validation rules that every other crate
//! shares. Nothing here talks to the network or the database.

pub mod client_address;
pub mod domain_rules;
pub mod identifiers;
pub mod pages;
pub mod scopes;
pub mod settings;
pub mod text;
pub mod urls;
pub mod wiki;

pub use settings::Settings;
