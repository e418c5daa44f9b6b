//! The shared inbox and the per-actor inboxes.
//!
//! Cheap checks come first (a signature and a digest must be present; the
//! body size is capped by the server's payload limit), then the federation
//! library parses the activity, applies the policy hook to its id, fetches
//! the actor if unknown, and verifies the signature and digest before our
//! handlers run. Handlers record each activity id so a repeat has no effect.

use activitypub_federation::actix_web::inbox::receive_activity;
use activitypub_federation::config::Data;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use moot_app::Context;

use crate::activities::InboxActivity;
use crate::error::FederationError;
use crate::objects::actor::ApActor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbox", web::post().to(inbox))
        .route("/users/{username}/inbox", web::post().to(inbox));
}

async fn inbox(
    req: HttpRequest,
    body: Bytes,
    data: Data<Context>,
) -> Result<HttpResponse, FederationError> {
    for required in ["signature", "digest"] {
        if !req.headers().contains_key(required) {
            return Err(FederationError::refused(
                StatusCode::UNAUTHORIZED,
                format!("inbox requests must carry a {required} header"),
            ));
        }
    }
    receive_activity::<InboxActivity, ApActor, Context>(req, body, &data).await?;
    Ok(HttpResponse::Accepted().finish())
}
