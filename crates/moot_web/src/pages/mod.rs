//! The web app's pages, one module per part of the node.

pub mod admin;
pub mod events;
pub mod groups;
pub mod home;
pub mod joining;
pub mod library;
pub mod manage;
pub mod notifications;
pub mod object_links;
pub mod policies;
pub mod profiles;
pub mod reporting;
pub mod search;
pub mod settings;
pub mod sign_in;
pub mod threads;
pub mod wiki;
