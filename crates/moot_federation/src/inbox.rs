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
    check_key_matches_actor(&req, &body)?;
    receive_activity::<InboxActivity, ApActor, Context>(req, body, &data).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Before any fetch: the signing key must belong to the activity's actor's
/// origin. (The signature itself is then checked against the actor's key.)
fn check_key_matches_actor(req: &HttpRequest, body: &[u8]) -> Result<(), FederationError> {
    #[derive(serde::Deserialize)]
    struct ActorOnly {
        actor: serde_json::Value,
    }
    let unauthorized =
        |why: &str| FederationError::refused(StatusCode::UNAUTHORIZED, why.to_owned());
    let key_id = req
        .headers()
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .and_then(signature_key_id)
        .and_then(|k| url::Url::parse(&k).ok())
        .ok_or_else(|| unauthorized("the signature header has no valid keyId"))?;
    let parsed: ActorOnly = serde_json::from_slice(body).map_err(|e| {
        FederationError::refused(StatusCode::BAD_REQUEST, format!("malformed activity: {e}"))
    })?;
    let actor = crate::activities::object_id(&parsed.actor).ok_or_else(|| {
        FederationError::refused(StatusCode::BAD_REQUEST, "the activity has no actor")
    })?;
    if !crate::origin::same_origin(&key_id, &actor) {
        return Err(unauthorized(
            "the activity was signed by a key of another origin than its actor",
        ));
    }
    Ok(())
}

/// The `keyId` parameter of a `Signature` header.
fn signature_key_id(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name.trim() == "keyId").then(|| value.trim().trim_matches('"').to_owned())
    })
}
