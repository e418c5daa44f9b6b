//! Mastodon's search (`/api/v2/search`) as one viewer sees it: accounts by
//! handle (fetched from their node when asked to resolve) or by name,
//! posts by URL (likewise) or by their words, hashtags by prefix. Nothing
//! from a node this node does not federate with, known or not.

use url::Url;

use crate::model::Account;
use crate::views::posts::{self, AccountView, PostView};
use crate::{directory, domain_policy, statuses, tags, AppError, Context};

/// What was asked.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub q: String,
    /// `accounts`, `statuses` or `hashtags`; None for all three.
    pub kind: Option<String>,
    /// Fetch from other nodes what this node does not have yet.
    pub resolve: bool,
}

/// What was found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub accounts: Vec<AccountView>,
    pub posts: Vec<PostView>,
    pub hashtags: Vec<String>,
}

/// How many of each kind a search shows.
const SHOWN: i64 = 20;

/// Whether `q` looks like `user@host` (with or without a leading @).
fn as_handle(q: &str) -> Option<&str> {
    let handle = q.trim().trim_start_matches('@');
    let (user, host) = handle.split_once('@')?;
    (!user.is_empty() && !host.is_empty() && !host.contains(['@', '/', ' '])).then_some(handle)
}

/// An http(s) URL, which may name a post.
fn as_post_uri(q: &str) -> Option<Url> {
    Url::parse(q.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

pub async fn lookup(ctx: &Context, viewer: &Account, asked: &Lookup) -> Result<Found, AppError> {
    let wants = |kind: &str| asked.kind.as_deref().is_none_or(|k| k == kind);
    let q = asked.q.trim();
    let mut found = Found::default();
    if wants("statuses") {
        found.posts = match as_post_uri(q) {
            Some(uri) => post_by_uri(ctx, viewer, &uri, asked.resolve)
                .await?
                .into_iter()
                .collect(),
            None if !q.is_empty() => posts_with_words(ctx, viewer, q).await?,
            None => Vec::new(),
        };
    }
    if wants("accounts") {
        let accounts = match as_handle(q) {
            Some(handle) => account_by_handle(ctx, handle, asked.resolve)
                .await?
                .into_iter()
                .collect(),
            None => match as_post_uri(q) {
                // An address that was a post is not also an actor.
                Some(_) if !found.posts.is_empty() => Vec::new(),
                Some(uri) => account_by_uri(ctx, &uri, asked.resolve)
                    .await?
                    .into_iter()
                    .collect(),
                None if !q.is_empty() => directory::by_name(ctx, q, SHOWN).await?,
                None => Vec::new(),
            },
        };
        let accounts = accounts
            .into_iter()
            .filter(crate::views::rules::account_shown)
            .collect();
        found.accounts = posts::accounts(ctx, accounts).await?;
    }
    let tag = q.trim_start_matches('#');
    if wants("hashtags") && tags::name(tag).is_some() {
        found.hashtags = tags::like(ctx, tag, SHOWN).await?;
    }
    Ok(found)
}

/// The post at `uri` if the viewer may see it: known here, or fetched.
async fn post_by_uri(
    ctx: &Context,
    viewer: &Account,
    uri: &Url,
    resolve: bool,
) -> Result<Option<PostView>, AppError> {
    if !ctx.policy.allows(uri) {
        return Ok(None);
    }
    let known = statuses::find_by_uri(ctx, uri).await?;
    let found = match (known, ctx.remote.get()) {
        (Some(found), _) => Some(found),
        (None, Some(remote)) if resolve => match remote.post_by_uri(uri).await {
            Ok(found) => Some(found),
            Err(error) => {
                tracing::info!(%uri, %error, "search: could not resolve");
                None
            }
        },
        (None, _) => None,
    };
    let Some((status, author)) = found else {
        return Ok(None);
    };
    if !statuses::can_view(ctx, Some(viewer), &status, &author).await? {
        return Ok(None);
    }
    Ok(Some(posts::post(ctx, Some(viewer), status, author).await?))
}

/// The account `user@host`: known here, or fetched.
pub(crate) async fn account_by_handle(
    ctx: &Context,
    handle: &str,
    resolve: bool,
) -> Result<Option<Account>, AppError> {
    let domain = handle.split_once('@').map(|(_, d)| d);
    if domain_policy::require_allowed(ctx, domain).is_err() {
        return Ok(None);
    }
    if let Some(known) = directory::by_acct(ctx, handle).await? {
        return Ok(Some(known));
    }
    match ctx.remote.get() {
        Some(remote) if resolve => match remote.account_by_handle(handle).await {
            Ok(account) => Ok(Some(account)),
            Err(error) => {
                tracing::info!(%handle, %error, "search: could not resolve");
                Ok(None)
            }
        },
        _ => Ok(None),
    }
}

/// The actor at `uri` (as Mastodon's search finds a profile's address):
/// known here, or fetched. None for an address that is not an actor.
async fn account_by_uri(
    ctx: &Context,
    uri: &Url,
    resolve: bool,
) -> Result<Option<Account>, AppError> {
    if !ctx.policy.allows(uri) {
        return Ok(None);
    }
    if let Some(known) = directory::remote_by_uri(ctx, uri.as_str()).await? {
        return Ok(Some(known));
    }
    match ctx.remote.get() {
        Some(remote) if resolve => match remote.account_by_uri(uri).await {
            Ok(account) => Ok(Some(account)),
            Err(error) => {
                tracing::debug!(%uri, %error, "search: not an actor");
                Ok(None)
            }
        },
        _ => Ok(None),
    }
}

/// Posts the viewer may see whose text matches `words`, best first.
async fn posts_with_words(
    ctx: &Context,
    viewer: &Account,
    words: &str,
) -> Result<Vec<PostView>, AppError> {
    let input = crate::search::SearchInput {
        text: words.chars().take(crate::search::MAX_QUERY).collect(),
        kind: Some("post".to_owned()),
        limit: SHOWN,
        ..Default::default()
    };
    let hits = crate::search::search(ctx, viewer, &input).await?;
    let mut conn = ctx.db.conn().await?;
    let mut found = Vec::with_capacity(hits.len());
    for hit in &hits {
        match moot_db::statuses::find(&mut conn, hit.id).await? {
            Some(post) if crate::views::rules::account_shown(&post.1) => found.push(post),
            _ => {}
        }
    }
    drop(conn);
    posts::posts(ctx, Some(viewer), found).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_urls() {
        assert_eq!(as_handle("@jo@council.example"), Some("jo@council.example"));
        assert_eq!(as_handle("jo"), None);
        assert_eq!(as_handle("jo@"), None);
        assert!(as_post_uri("https://a.example/statuses/1").is_some());
        assert!(as_post_uri("javascript:alert(1)").is_none());
    }
}
