//! What a person sees. Every read of posts, timelines and notifications
//! goes through these functions, so the client API, the streams and the
//! web pages apply the same rules: who may see a post (`rules`), which
//! domains stay out of public timelines (`rules`), and the person's
//! keyword filters (`filtering`).

pub mod filtering;
pub mod groups;
pub mod knowledge;
pub mod notification_groups;
pub mod notifications;
pub mod posts;
pub mod rules;
pub mod search;
pub mod timelines;

/// A page of a list read by cursor: what is shown, and the cursors of
/// everything read (a filtered-out item still moves the page on).
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursors: Vec<i64>,
}
