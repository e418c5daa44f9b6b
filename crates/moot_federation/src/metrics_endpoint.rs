//! `GET /metrics`: Prometheus text format, when `metrics.enabled`; behind a
//! bearer token when `metrics.token` is set.

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::Context;

use crate::error::FederationError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(metrics);
}

#[get("/metrics")]
async fn metrics(
    req: HttpRequest,
    ctx: web::Data<Context>,
) -> Result<HttpResponse, FederationError> {
    let settings = &ctx.settings.metrics;
    if !settings.enabled {
        return Err(FederationError::not_found());
    }
    if !settings.token.is_empty() {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let matches = given.len() == settings.token.len()
            && openssl::memcmp::eq(given.as_bytes(), settings.token.as_bytes());
        if !matches {
            return Err(FederationError::refused(
                StatusCode::UNAUTHORIZED,
                "a valid metrics token is required",
            ));
        }
    }
    let body = crate::metrics::render(&ctx).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}
