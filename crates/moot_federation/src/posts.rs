//! Serving this node's posts at their ActivityPub ids. Public and unlisted
//! posts are served to anyone; followers-only posts only to a request signed
//! by one of the author's followers; otherwise 404, so their existence is
//! not revealed. A deleted post answers 410 with a `Tombstone`.

use activitypub_federation::actix_web::signing_actor;
use activitypub_federation::config::Data;
use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::{statuses, Context};
use moot_protocol::notes;

use crate::error::FederationError;
use crate::negotiation::{activity_json, redirect_to_page, wants_activitypub, ACTIVITY_JSON};
use crate::objects::actor::ApActor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post);
}

#[get("/statuses/{id}")]
async fn post(
    req: HttpRequest,
    data: Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let ctx = data.app_data();
    let id: i64 = id.parse().map_err(|_| FederationError::not_found())?;
    let (status, author) = moot_app::statuses::find_local(ctx, id).await?;
    if !wants_activitypub(&req) {
        return Ok(redirect_to_page(
            &ctx.urls.status_page(&author.username, status.id),
        ));
    }
    if let Some(deleted) = status.deleted_at {
        return Ok(HttpResponse::build(StatusCode::GONE)
            .insert_header((header::CONTENT_TYPE, ACTIVITY_JSON))
            .json(notes::tombstone(&ctx.urls.status(status.id), deleted)));
    }
    let public = matches!(status.visibility.as_str(), "public" | "unlisted");
    if !public {
        // Only a signed request from someone in the post's audience.
        let viewer = match signing_actor::<ApActor>(&req, None, &data).await {
            Ok(actor) => actor.account,
            Err(_) => None,
        };
        if !statuses::can_view(ctx, viewer.as_ref(), &status, &author).await? {
            return Err(FederationError::not_found());
        }
    }
    let mut object = statuses::object_json(ctx, &status, &author).await?;
    object["@context"] = serde_json::json!(moot_protocol::context::ACTIVITYSTREAMS);
    Ok(activity_json(&object))
}
