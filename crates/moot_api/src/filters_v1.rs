//! Filters v1 (`/api/v1/filters`), for older apps: each is one keyword of
//! a v2 filter (see `moot_app::filters::V1Input`).

use actix_web::{web, HttpRequest, HttpResponse};
use moot_app::filters::{self, V1Filter, V1Input};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::filters::{seconds, some_or_null};
use crate::params::{flag, parse_id};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/filters")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/api/v1/filters/{id}")
            .route(web::get().to(show))
            .route(web::put().to(change))
            .route(web::delete().to(remove)),
    );
}

/// Mastodon's `V1Filter`.
fn entity(found: &V1Filter) -> Value {
    json!({
        "id": found.keyword.id.to_string(),
        "phrase": found.keyword.keyword,
        "context": found.filter.context,
        "whole_word": found.keyword.whole_word,
        "expires_at": found.filter.expires_at.map(crate::presenter::timestamp),
        "irreversible": found.filter.action == "hide",
    })
}

#[derive(Deserialize)]
struct Params {
    phrase: Option<String>,
    #[serde(default, rename = "context[]", alias = "context")]
    context: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flag")]
    irreversible: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    whole_word: Option<bool>,
    #[serde(default, deserialize_with = "some_or_null")]
    expires_in: Option<Option<Value>>,
}

async fn read(req: &HttpRequest, body: &web::Bytes) -> Result<V1Input, ApiError> {
    let params: Params = crate::params::parse(req, body).await?;
    Ok(V1Input {
        phrase: params.phrase,
        context: params.context,
        irreversible: params.irreversible,
        whole_word: params.whole_word,
        expires_in: seconds(params.expires_in)?,
    })
}

async fn list(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::all_v1(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(found.iter().map(entity).collect::<Vec<_>>()))
}

async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let made = filters::create_v1(&ctx, &session.account, read(&req, &body).await?).await?;
    Ok(HttpResponse::Ok().json(entity(&made)))
}

async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned_v1(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&found)))
}

async fn change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let input = read(&req, &body).await?;
    let changed = filters::change_v1(&ctx, &session.account, parse_id(&id)?, input).await?;
    Ok(HttpResponse::Ok().json(entity(&changed)))
}

async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    filters::remove_v1(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
