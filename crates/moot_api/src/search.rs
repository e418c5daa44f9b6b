//! `GET /api/v2/search`: accounts by handle, resolving remote ones through
//! WebFinger when `resolve=true` and the request is signed in; posts by
//! URL, or by their words (full text, what the viewer may see).

use activitypub_federation::config::Data;
use actix_web::{get, web, HttpResponse};
use moot_app::{directory, Context};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::entities;
use crate::errors::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search);
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    resolve: Option<bool>,
}

/// Whether `q` looks like `user@host` (with or without a leading @).
fn as_handle(q: &str) -> Option<&str> {
    let handle = q.trim().trim_start_matches('@');
    let (user, host) = handle.split_once('@')?;
    (!user.is_empty() && !host.is_empty() && !host.contains(['@', '/', ' '])).then_some(handle)
}

/// An http(s) URL, which may name a post.
fn as_post_uri(q: &str) -> Option<url::Url> {
    url::Url::parse(q.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

#[get("/api/v2/search")]
async fn search(
    ctx: web::Data<Context>,
    federation: Data<Context>,
    auth: Auth,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:search")?;
    let mut accounts = Vec::new();
    let mut statuses = Vec::new();
    let wants_statuses = query.kind.as_deref().is_none_or(|k| k == "statuses");
    // Nothing from a node this node does not federate with, known or not.
    let uri = as_post_uri(&query.q).filter(|uri| ctx.policy.allows(uri));
    if let (true, Some(uri)) = (wants_statuses, uri) {
        let known = moot_app::statuses::find_by_uri(&ctx, &uri).await?;
        let found = match known {
            Some(found) => Some(found),
            None if query.resolve == Some(true) => {
                match moot_federation::resolve::post_by_uri(&federation, &uri).await {
                    Ok(found) => Some(found),
                    Err(e) => {
                        tracing::info!(%uri, error = %e, "search: could not resolve");
                        None
                    }
                }
            }
            None => None,
        };
        if let Some((status, author)) = found {
            if moot_app::statuses::can_view(&ctx, Some(&session.account), &status, &author).await? {
                statuses.push(
                    crate::statuses::render(&ctx, &status, &author, Some(&session.account)).await?,
                );
            }
        }
    }
    let words = query.q.trim();
    if wants_statuses && statuses.is_empty() && as_post_uri(words).is_none() && !words.is_empty() {
        statuses = posts_with_words(&ctx, &session.account, words).await?;
    }
    let wants_accounts = query.kind.as_deref().is_none_or(|k| k == "accounts");
    let handle = as_handle(&query.q).filter(|handle| {
        let domain = handle
            .trim_start_matches('@')
            .split_once('@')
            .map(|(_, d)| d);
        moot_app::domain_policy::require_allowed(&ctx, domain).is_ok()
    });
    if let (true, Some(handle)) = (wants_accounts, handle) {
        let known = directory::by_acct(&ctx, handle).await?;
        let found = match known {
            Some(account) => Some(account),
            None if query.resolve == Some(true) => {
                match moot_federation::resolve::account_by_handle(&federation, handle).await {
                    Ok(account) => Some(account),
                    Err(e) => {
                        tracing::info!(%handle, error = %e, "search: could not resolve");
                        None
                    }
                }
            }
            None => None,
        };
        if let Some(account) = found {
            let counts = directory::counts(&ctx, &account).await?;
            accounts.push(entities::account(&ctx, &account, counts));
        }
    } else if wants_accounts && as_post_uri(&query.q).is_none() && !query.q.trim().is_empty() {
        // A name, not a handle: the people and groups this node knows.
        let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
        let found = moot_db::accounts::search_by_name(&mut conn, query.q.trim(), 20)
            .await
            .map_err(moot_app::AppError::from)?;
        drop(conn);
        accounts = crate::accounts::render_accounts(&ctx, &found).await?;
    }
    let mut hashtags = Vec::new();
    let tag = query.q.trim().trim_start_matches('#');
    let wants_tags = query.kind.as_deref().is_none_or(|k| k == "hashtags");
    if wants_tags && !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
        let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
        hashtags = moot_db::statuses::tags_like(&mut conn, tag, 20)
            .await
            .map_err(moot_app::AppError::from)?
            .iter()
            .map(|t| entities::tag(&ctx, t))
            .collect();
    }
    Ok(HttpResponse::Ok()
        .json(json!({ "accounts": accounts, "statuses": statuses, "hashtags": hashtags })))
}

/// Posts the viewer may see whose text matches `words`, best first.
async fn posts_with_words(
    ctx: &Context,
    viewer: &moot_db::accounts::Account,
    words: &str,
) -> Result<Vec<serde_json::Value>, ApiError> {
    let input = moot_app::search::SearchInput {
        text: words.chars().take(moot_app::search::MAX_QUERY).collect(),
        kind: Some("post".to_owned()),
        limit: 20,
        ..Default::default()
    };
    let hits = moot_app::search::search(ctx, viewer, &input).await?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let mut page = Vec::with_capacity(hits.len());
    for hit in &hits {
        if let Some(found) = moot_db::statuses::find(&mut conn, hit.id)
            .await
            .map_err(moot_app::AppError::from)?
        {
            page.push(found);
        }
    }
    drop(conn);
    crate::statuses::render_page(ctx, &page, Some(viewer)).await
}
