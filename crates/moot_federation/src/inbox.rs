//! The shared inbox and the per-actor inboxes.
//!
//! Cheap checks come first (a signature and a digest must be present; the
//! body size is capped by the server's payload limit), then the federation
//! library parses the activity, applies the policy hook to its id, fetches
//! the actor if unknown, and verifies the signature and digest before our
//! handlers run. Handlers record each activity id so a repeat has no effect.

use activitypub_federation::actix_web::inbox::receive_activity;
use activitypub_federation::config::Data;
use activitypub_federation::error::Error as ProtocolError;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Actor as _, Object as _};
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
    let actor = check_key_matches_actor(&req, &body, &data)?;
    match receive_activity::<InboxActivity, ApActor, Context>(req.clone(), body.clone(), &data)
        .await
    {
        Err(FederationError::Protocol(ProtocolError::ActivitySignatureInvalid))
            if refresh_stale_key(&actor, &data).await =>
        {
            // The actor may have rotated its key: try once more with the new one.
            receive_activity::<InboxActivity, ApActor, Context>(req, body, &data).await?;
        }
        result => {
            result?;
        }
    }
    Ok(HttpResponse::Accepted().finish())
}

/// How old a cached key must be before a failing signature makes us fetch
/// the actor again (so a flood of bad signatures cannot make us fetch much).
const KEY_REFRESH_AFTER: chrono::Duration = chrono::Duration::minutes(1);

/// Re-fetches a remote actor whose cached key may be stale; true if the key
/// changed.
async fn refresh_stale_key(actor: &url::Url, data: &Data<Context>) -> bool {
    let id = ObjectId::<ApActor>::from(actor.clone());
    let Ok(Some(cached)) = ApActor::read_from_id(actor.clone(), data).await else {
        return false;
    };
    let fresh_enough = cached
        .account
        .as_ref()
        .and_then(|a| a.fetched_at)
        .is_some_and(|t| chrono::Utc::now() - t < KEY_REFRESH_AFTER);
    if fresh_enough || cached.account.as_ref().is_none_or(|a| a.domain.is_none()) {
        return false;
    }
    match id.dereference_forced(data).await {
        Ok(fresh) => fresh.public_key_pem() != cached.public_key_pem(),
        Err(e) => {
            tracing::info!(%actor, error = %e, "could not re-fetch an actor's key");
            false
        }
    }
}

/// Before any fetch: the signing key must belong to the activity's actor's
/// origin. (The signature itself is then checked against the actor's key.)
fn check_key_matches_actor(
    req: &HttpRequest,
    body: &[u8],
    data: &Data<Context>,
) -> Result<url::Url, FederationError> {
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
    // The policy decides on the domain alone, before any key is fetched.
    if !data.app_data().policy.allows(&key_id) {
        return Err(FederationError::refused(
            StatusCode::FORBIDDEN,
            "this node does not federate with your domain",
        ));
    }
    if !crate::origin::same_origin(&key_id, &actor) {
        return Err(unauthorized(
            "the activity was signed by a key of another origin than its actor",
        ));
    }
    Ok(actor)
}

/// The `keyId` parameter of a `Signature` header.
fn signature_key_id(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name.trim() == "keyId").then(|| value.trim().trim_matches('"').to_owned())
    })
}
