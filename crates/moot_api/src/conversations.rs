//! `/api/v1/conversations`: direct conversations, with the people in each,
//! its latest post and whether it is read.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use moot_app::conversations::{self, ConversationView};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(read).service(remove);
}

/// Mastodon's `Conversation`.
fn entity(ctx: &Context, view: &ConversationView) -> Value {
    json!({
        "id": view.conversation.id.to_string(),
        "unread": view.conversation.unread,
        "accounts": view.accounts.iter().map(|a| presenter::account_view(ctx, a)).collect::<Vec<_>>(),
        "last_status": view.last.as_ref().map(|p| presenter::status(ctx, p, true)),
    })
}

#[derive(Deserialize)]
struct ListQuery {
    max_id: Option<String>,
    limit: Option<i64>,
}

#[get("/api/v1/conversations")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let max_id = query.max_id.as_deref().and_then(|m| m.parse().ok());
    let found =
        conversations::list(&ctx, &session.account, max_id, query.limit.unwrap_or(20)).await?;
    let cursors: Vec<i64> = found
        .iter()
        .map(|c| c.conversation.last_status_id)
        .collect();
    let body: Vec<Value> = found.iter().map(|c| entity(&ctx, c)).collect();
    Ok(crate::pagination::page_response(
        &ctx, &req, &cursors, &body,
    ))
}

#[post("/api/v1/conversations/{id}/read")]
async fn read(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:conversations")?;
    let view = conversations::mark_read(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &view)))
}

#[delete("/api/v1/conversations/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:conversations")?;
    conversations::remove(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
