//! `/api/moot/v1/peers`: the nodes this one peers with (or is asked to),
//! for its administrators.

use actix_web::{get, web, HttpResponse};
use moot_app::peering::PeerView;
use moot_app::Context;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::presenter::timestamp;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(peers);
}

fn peer_json(peer: &PeerView) -> Value {
    let p = &peer.peering;
    json!({
        "domain": p.domain,
        "status": peer.state,
        "proposed_by": if p.proposed_by_us { "us" } else { "them" },
        "message": p.message,
        "since": timestamp(p.active_since.unwrap_or(p.created_at)),
        "updated_at": timestamp(p.updated_at),
        "directory": {
            "listed": peer.listed,
            "fetched_at": p.directory_fetched_at.map(timestamp),
            "error": p.directory_error,
        },
        "delivery": peer.delivery.as_ref().map(|h| json!({
            "state": h.state.label(),
            "backlog": h.status.backlog,
            "behind_seconds": h.lag.num_seconds(),
            "failed_attempts": h.status.attempts,
        })),
    })
}

#[get("/api/moot/v1/peers")]
async fn peers(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read")?;
    let views = moot_app::peering::views(&ctx).await?;
    Ok(HttpResponse::Ok().json(views.iter().map(peer_json).collect::<Vec<_>>()))
}
