//! `/api/v1/scheduled_statuses`: posts waiting to be published (made with
//! `scheduled_at` on `POST /api/v1/statuses`; see `moot_app::scheduled`).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use moot_app::scheduled::{self, ScheduledView};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/scheduled_statuses", web::get().to(list))
        .service(
            web::resource("/api/v1/scheduled_statuses/{id}")
                .route(web::get().to(show))
                .route(web::put().to(reschedule))
                .route(web::delete().to(cancel)),
        );
}

/// Mastodon's `ScheduledStatus`.
pub fn entity(ctx: &Context, view: &ScheduledView) -> Value {
    json!({
        "id": view.id.to_string(),
        "scheduled_at": presenter::timestamp(view.scheduled_at),
        "params": view.params,
        "media_attachments": view.media.iter().map(|m| presenter::media(ctx, m)).collect::<Vec<_>>(),
    })
}

/// A time as apps send it (RFC 3339).
pub fn parse_time(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::unprocessable(format!(
                "Validation failed: scheduled_at `{raw}` is not an ISO 8601 time"
            ))
        })
}

async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let found = scheduled::page(&ctx, &session.account, page.max_id(), page.limit(20, 40)).await?;
    let cursors: Vec<i64> = found.iter().map(|s| s.id).collect();
    let body: Vec<Value> = found.iter().map(|s| entity(&ctx, s)).collect();
    Ok(crate::pagination::page_response(
        &ctx, &req, &cursors, &body,
    ))
}

async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let found = scheduled::get(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &found)))
}

#[derive(Deserialize)]
struct RescheduleParams {
    scheduled_at: Option<String>,
}

async fn reschedule(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: RescheduleParams = crate::params::parse(&req, &body).await?;
    let at = params
        .scheduled_at
        .ok_or_else(|| ApiError::unprocessable("Validation failed: scheduled_at is missing"))?;
    let changed =
        scheduled::reschedule(&ctx, &session.account, parse_id(&id)?, parse_time(&at)?).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &changed)))
}

async fn cancel(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    scheduled::cancel(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
