//! Serving this node's actors: JSON for ActivityPub servers, a redirect to
//! the profile page for everyone else.

use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::accounts::require_local;
use moot_app::Context;

use crate::errors::ApiError;
use crate::negotiation::{activity_json, redirect_to_page, wants_activitypub};
use moot_protocol::{actor, collection::OrderedCollection};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(person)
        .service(person_collection)
        .service(instance_actor);
}

#[get("/users/{username}")]
async fn person(
    req: HttpRequest,
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (account, _) = require_local(&ctx.db, &username).await?;
    if !wants_activitypub(&req) {
        return Ok(redirect_to_page(&ctx.urls.person_page(&account.username)));
    }
    Ok(activity_json(&actor::person(&ctx.urls, &account)))
}

/// A person's outbox, followers and following. Nothing is published or
/// followed yet, so they are empty; they fill as posting and following land.
#[get("/users/{username}/{collection:outbox|followers|following}")]
async fn person_collection(
    ctx: web::Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (username, collection) = path.into_inner();
    let (account, _) = require_local(&ctx.db, &username).await?;
    let id = ctx.urls.person_collection(&account.username, &collection);
    Ok(activity_json(&OrderedCollection::new(id, 0, Vec::new())))
}

#[get("/actor")]
async fn instance_actor(
    req: HttpRequest,
    ctx: web::Data<Context>,
) -> Result<HttpResponse, ApiError> {
    if !wants_activitypub(&req) {
        return Ok(redirect_to_page(&ctx.urls.about_page()));
    }
    let keys = moot_app::site::instance_keys(&ctx.db).await?;
    Ok(activity_json(&actor::instance_actor(
        &ctx.urls,
        &ctx.settings.instance.name,
        &keys.public_key_pem,
    )))
}
