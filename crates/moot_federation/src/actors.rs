//! Serving this node's actors: JSON for ActivityPub servers, a redirect to
//! the profile page for everyone else.

use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::Context;

use crate::error::FederationError;
use crate::negotiation::{activity_json, redirect_to_page, wants_activitypub};
use moot_protocol::{actor, collection::OrderedCollection};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(person)
        .service(moderators)
        .service(outbox)
        .service(featured)
        .service(person_collection)
        .service(instance_actor);
}

#[get("/users/{username}")]
async fn person(
    req: HttpRequest,
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let account = local_account(&ctx, &username).await?;
    if !wants_activitypub(&req) {
        return Ok(redirect_to_page(&ctx.urls.person_page(&account.username)));
    }
    let document = crate::objects::actor::local_actor_json(&ctx, &account).await?;
    Ok(activity_json(&document))
}

/// A local person or group by name, or 404.
async fn local_account(
    ctx: &Context,
    name: &str,
) -> Result<moot_app::model::Account, FederationError> {
    moot_app::directory::local_any(ctx, name)
        .await?
        .ok_or_else(FederationError::not_found)
}

/// A group's moderators (owner included), as FEP-1b12's `attributedTo`.
#[get("/users/{username}/moderators")]
async fn moderators(
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let account = local_account(&ctx, &username).await?;
    let names = moot_app::groups::moderator_names(&ctx, &account).await?;
    let items: Vec<serde_json::Value> = names
        .iter()
        .map(|n| serde_json::Value::String(ctx.urls.person(n).to_string()))
        .collect();
    let id = ctx.urls.person_collection(&account.username, "moderators");
    Ok(activity_json(&OrderedCollection::new(
        id,
        items.len() as i64,
        items,
    )))
}

/// An actor's followers and following: their sizes only (who follows
/// whom is not published, as on most Mastodon servers by default).
#[get("/users/{username}/{collection:followers|following}")]
async fn person_collection(
    ctx: web::Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (username, collection) = path.into_inner();
    let account = local_account(&ctx, &username).await?;
    let (followers, following, _) = moot_app::directory::counts(&ctx, &account).await?;
    let total = if collection == "followers" {
        followers
    } else {
        following
    };
    let id = ctx.urls.person_collection(&account.username, &collection);
    Ok(activity_json(&OrderedCollection::new(
        id,
        total,
        Vec::new(),
    )))
}

/// An actor's outbox: its latest public posts, as `Create` activities.
#[get("/users/{username}/outbox")]
async fn outbox(
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let account = local_account(&ctx, &username).await?;
    let (_, _, total) = moot_app::directory::counts(&ctx, &account).await?;
    let recent = moot_app::statuses::public_of(&ctx, &account, 20).await?;
    let actor = ctx.urls.person(&account.username);
    let mut items = Vec::with_capacity(recent.len());
    for status in &recent {
        let object = moot_app::statuses::object_json(&ctx, status, &account).await?;
        let create_id = format!("{}/activity", ctx.urls.status(status.id));
        let create_id =
            url::Url::parse(&create_id).map_err(|e| moot_app::AppError::Internal(e.into()))?;
        let mut create = moot_protocol::notes::wrap("Create", &create_id, &actor, &object);
        if let Some(map) = create.as_object_mut() {
            map.remove("@context");
        }
        items.push(create);
    }
    let id = ctx.urls.person_collection(&account.username, "outbox");
    Ok(activity_json(&OrderedCollection::new(id, total, items)))
}

/// An actor's pinned posts, as objects, the latest pinned first.
#[get("/users/{username}/featured")]
async fn featured(
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let account = local_account(&ctx, &username).await?;
    let pinned = moot_app::pins::public_of(&ctx, &account).await?;
    let mut items = Vec::with_capacity(pinned.len());
    for (status, author) in &pinned {
        let mut object = moot_app::statuses::object_json(&ctx, status, author).await?;
        if let Some(map) = object.as_object_mut() {
            map.remove("@context");
        }
        items.push(object);
    }
    let id = ctx.urls.person_collection(&account.username, "featured");
    Ok(activity_json(&OrderedCollection::new(
        id,
        items.len() as i64,
        items,
    )))
}

#[get("/actor")]
async fn instance_actor(
    req: HttpRequest,
    ctx: web::Data<Context>,
) -> Result<HttpResponse, FederationError> {
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
