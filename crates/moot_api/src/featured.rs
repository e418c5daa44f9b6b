//! What a person features on their profile: hashtags
//! (`/api/v1/featured_tags`, `/api/v1/tags/{id}/feature`) and endorsed
//! accounts (`/api/v1/accounts/{id}/endorse`, `/api/v1/endorsements`).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use moot_app::{directory, featured, follows, Context};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(own_tags)
        .service(add_tag)
        .service(remove_tag)
        .service(tag_feature)
        .service(endorse)
        .service(own_endorsements)
        .service(endorsements_of);
}

#[get("/api/v1/featured_tags")]
async fn own_tags(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:accounts")?;
    let tags = featured::tags(&ctx, &session.account).await?;
    let body: Vec<Value> = tags
        .iter()
        .map(|t| presenter::featured_tag(&ctx, t))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
struct NameParams {
    name: String,
}

#[post("/api/v1/featured_tags")]
async fn add_tag(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let params: NameParams = crate::params::parse(&req, &body).await?;
    let added = featured::feature_tag(&ctx, &session.account, &params.name).await?;
    Ok(HttpResponse::Ok().json(presenter::featured_tag(&ctx, &added)))
}

#[delete("/api/v1/featured_tags/{id}")]
async fn remove_tag(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    featured::unfeature_tag(&ctx, &session.account, &id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

/// Featuring from the hashtag's own page; answers the hashtag.
#[post("/api/v1/tags/{tag}/{action:feature|unfeature}")]
async fn tag_feature(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (tag, action) = path.into_inner();
    let feature = action == "feature";
    let name = if feature {
        featured::feature_tag(&ctx, &session.account, &tag)
            .await?
            .tag
    } else {
        match featured::unfeature_tag(&ctx, &session.account, &tag).await {
            Ok(name) => name,
            // Not featured: nothing to undo.
            Err(moot_app::AppError::NotFound) => {
                moot_app::tags::name(&tag).ok_or_else(ApiError::not_found)?
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut body = presenter::tag(&ctx, &name);
    body.following = moot_app::tags::following(&ctx, &session.account, &name).await?;
    body.featuring = Some(feature);
    Ok(HttpResponse::Ok().json(body))
}

/// Endorsing an account one follows (`pin`/`unpin` are Mastodon's older
/// names); answers the relationship.
#[post("/api/v1/accounts/{id}/{action:endorse|unendorse|pin|unpin}")]
async fn endorse(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (id, action) = path.into_inner();
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    let on = matches!(action.as_str(), "endorse" | "pin");
    featured::set_endorsed(&ctx, &session.account, &target, on).await?;
    let relationship = follows::relationship(&ctx, &session.account, &target).await?;
    Ok(HttpResponse::Ok().json(presenter::relationship(target.id, relationship)))
}

#[get("/api/v1/endorsements")]
async fn own_endorsements(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:accounts")?;
    let accounts = featured::endorsed(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(crate::accounts::render_accounts(&ctx, &accounts).await?))
}

#[get("/api/v1/accounts/{id}/endorsements")]
async fn endorsements_of(
    ctx: web::Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    let accounts = featured::endorsed(&ctx, &account).await?;
    Ok(HttpResponse::Ok().json(crate::accounts::render_accounts(&ctx, &accounts).await?))
}
