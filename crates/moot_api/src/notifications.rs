//! `/api/v1/notifications`: mentions, follows, follow requests,
//! favourites and boosts of the signed-in person, newest first.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::views::notifications::{self, NotificationQuery};
use moot_app::Context;
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `clear` before `{id}`, which would otherwise take it.
    cfg.service(clear)
        .service(list)
        .service(get_one)
        .service(dismiss);
}

/// `types[]=a&types[]=b` (or `types=a`) style lists from the query string.
fn list_param(req: &HttpRequest, name: &str) -> Vec<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == name || k == &format!("{name}[]"))
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[get("/api/v1/notifications")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let single = |name: &str| list_param(&req, name).into_iter().next();
    let id_param = |name: &str| single(name).and_then(|v| v.parse::<i64>().ok());
    let query = NotificationQuery {
        max_id: id_param("max_id"),
        since_id: id_param("since_id").or(id_param("min_id")),
        limit: id_param("limit").unwrap_or(40).clamp(1, 80),
        kinds: list_param(&req, "types"),
        exclude: list_param(&req, "exclude_types"),
    };
    let page = notifications::list(&ctx, &session.account, &query).await?;
    let body: Vec<presenter::NotificationEntity> = page
        .items
        .iter()
        .map(|n| presenter::notification(&ctx, n))
        .collect();
    Ok(crate::pagination::page_response(
        &ctx,
        &req,
        &page.cursors,
        &body,
    ))
}

#[get("/api/v1/notifications/{id}")]
async fn get_one(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let found = notifications::get(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::notification(&ctx, &found)))
}

#[post("/api/v1/notifications/{id}/dismiss")]
async fn dismiss(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    notifications::dismiss(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[post("/api/v1/notifications/clear")]
async fn clear(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    notifications::clear(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
