//! Blocking and muting accounts, and the lists of those blocked and muted.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::{blocks, directory, follows, Context};
use serde::Deserialize;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(block).service(mute).service(lists).service(
        web::resource("/api/v1/domain_blocks")
            .route(web::get().to(blocked_domains))
            .route(web::post().to(block_domain))
            .route(web::delete().to(unblock_domain)),
    );
}

/// A page of the domains the signed-in person hides, as plain names.
async fn blocked_domains(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:blocks")?;
    let found =
        blocks::blocked_domains(&ctx, &session.account, page.max_id(), page.limit(100, 200))
            .await?;
    let cursors: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let names: Vec<&str> = found.iter().map(|(_, d)| d.as_str()).collect();
    Ok(crate::pagination::page_response(
        &ctx, &req, &cursors, &names,
    ))
}

#[derive(Deserialize)]
struct DomainParams {
    domain: String,
}

/// The domain from the body, or (as some apps send it) the query.
async fn domain_param(req: &HttpRequest, body: &web::Bytes) -> Result<String, ApiError> {
    if body.is_empty() {
        let query = web::Query::<DomainParams>::from_query(req.query_string())
            .map_err(|_| ApiError::unprocessable("domain is missing"))?;
        return Ok(query.into_inner().domain);
    }
    let params: DomainParams = crate::params::parse(req, body).await?;
    Ok(params.domain)
}

async fn block_domain(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:blocks")?;
    let domain = domain_param(&req, &body).await?;
    blocks::block_domain(&ctx, &session.account, &domain).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

async fn unblock_domain(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:blocks")?;
    let domain = domain_param(&req, &body).await?;
    blocks::unblock_domain(&ctx, &session.account, &domain).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

/// The relationship after a change, as Mastodon answers.
async fn answer(
    ctx: &Context,
    who: &moot_app::model::Account,
    target: &moot_app::model::Account,
) -> Result<HttpResponse, ApiError> {
    let relationship = follows::relationship(ctx, who, target).await?;
    Ok(HttpResponse::Ok().json(crate::presenter::relationship(target.id, relationship)))
}

#[post("/api/v1/accounts/{id}/{action:block|unblock}")]
async fn block(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:blocks")?;
    let (id, action) = path.into_inner();
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    if action == "block" {
        blocks::block(&ctx, &session.account, &target).await?;
    } else {
        blocks::unblock(&ctx, &session.account, &target).await?;
    }
    answer(&ctx, &session.account, &target).await
}

#[derive(Deserialize, Default)]
struct MuteParams {
    #[serde(default, deserialize_with = "crate::params::flag")]
    notifications: Option<bool>,
    /// Seconds; 0 or absent: until unmuted.
    #[serde(default)]
    duration: Option<serde_json::Value>,
}

#[post("/api/v1/accounts/{id}/{action:mute|unmute}")]
async fn mute(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:mutes")?;
    let (id, action) = path.into_inner();
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    if action == "unmute" {
        blocks::unmute(&ctx, &session.account, &target).await?;
        return answer(&ctx, &session.account, &target).await;
    }
    let params: MuteParams = if body.is_empty() {
        MuteParams::default()
    } else {
        crate::params::parse(&req, &body).await?
    };
    // Forms send numbers as text, JSON as numbers.
    let duration = match &params.duration {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) if s.is_empty() => None,
        Some(serde_json::Value::String(s)) => Some(s.parse().map_err(|_| {
            ApiError::unprocessable("Validation failed: duration must be a number of seconds")
        })?),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "Validation failed: duration must be a number of seconds",
            ))
        }
    };
    let notifications = params.notifications.unwrap_or(true);
    blocks::mute(&ctx, &session.account, &target, notifications, duration).await?;
    answer(&ctx, &session.account, &target).await
}

/// `GET /api/v1/blocks` and `GET /api/v1/mutes`.
#[get("/api/v1/{which:blocks|mutes}")]
async fn lists(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    which: web::Path<String>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let muted = which.as_str() == "mutes";
    let session = auth.require(if muted { "read:mutes" } else { "read:blocks" })?;
    let (max_id, limit) = (query.max_id(), query.limit(40, 80));
    let page = moot_app::blocks::page(&ctx, &session.account, muted, max_id, limit).await?;
    Ok(crate::accounts::account_page(&ctx, &req, page))
}
