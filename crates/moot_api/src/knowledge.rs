//! Moot's own search over the knowledge the node keeps
//! (`/api/moot/v1/search`): posts, wiki pages,
//! library items and events, with filters by type, group, author, node and
//! date; and the "ask who knows" directory (`/api/moot/v1/directory`).
//! Posts are found through `/api/v2/search` too. Described in
//! `crates/moot_api/openapi.json`.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use moot_app::search::SearchInput;
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::render_accounts;
use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search).service(directory);
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    group_id: Option<String>,
    author_id: Option<String>,
    node: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    limit: Option<i64>,
}

#[get("/api/moot/v1/search")]
async fn search(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:search")?;
    let query = query.into_inner();
    let input = SearchInput {
        text: query.q,
        kind: query.kind.filter(|k| !k.is_empty()),
        group_id: query.group_id.as_deref().map(parse_id).transpose()?,
        author_id: query.author_id.as_deref().map(parse_id).transpose()?,
        node: query.node.filter(|n| !n.is_empty()),
        since: query.since,
        until: query.until,
        limit: query.limit.unwrap_or(20),
    };
    let hits = moot_app::search::search(&ctx, &session.account, &input).await?;
    let body: Vec<Value> = hits
        .iter()
        .map(|h| {
            let uri = match &h.ap_id {
                Some(uri) => uri.clone(),
                None => ctx.urls.status(h.id).to_string(),
            };
            let node = moot_app::search::node_of(&ctx, h);
            json!({
                "type": h.kind,
                "id": h.id.to_string(),
                "node": node,
                "group_id": h.group_id.map(|g| g.to_string()),
                "title": h.title,
                "excerpt": h.excerpt,
                "rank": h.rank,
                "uri": uri,
                "created_at": h.created_at,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
struct DirectoryQuery {
    topic: Option<String>,
    limit: Option<i64>,
}

/// With a topic, "ask who knows": people who write about it. Without, the
/// sector directory: this node's groups anyone may find and those of every
/// peered node, each with its node, topics, members and last activity.
#[get("/api/moot/v1/directory")]
async fn directory(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require("read:accounts")?;
    let Some(topic) = &query.topic else {
        return sector_groups(&ctx, query.limit.unwrap_or(200)).await;
    };
    let found = moot_app::search::who_knows(&ctx, topic, query.limit.unwrap_or(40)).await?;
    let accounts: Vec<_> = found.iter().map(|(a, _)| a.clone()).collect();
    let rendered = render_accounts(&ctx, &accounts).await?;
    let body: Vec<Value> = rendered
        .into_iter()
        .zip(&found)
        .map(|(account, (_, score))| json!({ "account": account, "score": score }))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn sector_groups(ctx: &Context, limit: i64) -> Result<HttpResponse, ApiError> {
    let limit = limit.clamp(1, 500) as usize;
    let mut listed = moot_app::sector_directory::sector(ctx).await?;
    listed.truncate(limit);
    let accounts: Vec<_> = listed.iter().map(|l| l.account.clone()).collect();
    let rendered = render_accounts(ctx, &accounts).await?;
    let body: Vec<Value> = rendered
        .into_iter()
        .zip(&listed)
        .map(|(account, l)| {
            json!({
                "account": account,
                "node": l.node.clone().unwrap_or_else(|| ctx.urls.authority()),
                "local": l.node.is_none(),
                "topics": l.topics,
                "members": l.members,
                "last_active": l.last_active.map(crate::presenter::timestamp),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
