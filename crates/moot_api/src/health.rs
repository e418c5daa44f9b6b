//! `GET /healthz`: is this node able to serve? For load balancers and probes.

use std::time::Duration;

use actix_web::{get, web, HttpResponse};
use serde_json::json;

use moot_app::Context;

/// How long the database gets to answer before the node reports it down.
const DATABASE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[get("/healthz")]
pub async fn healthz(state: web::Data<Context>) -> HttpResponse {
    check(&state).await
}

/// The same answer where Mastodon's probes ask.
#[get("/health")]
pub async fn health(state: web::Data<Context>) -> HttpResponse {
    check(&state).await
}

async fn check(state: &Context) -> HttpResponse {
    match state.db.check(DATABASE_PROBE_TIMEOUT).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(reason) => {
            tracing::warn!(%reason, "health check: database unreachable");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "error",
                "database": "unreachable",
                "error": format!("database unreachable: {reason}"),
            }))
        }
    }
}
