//! Editing one's own profile (`PATCH /api/v1/accounts/update_credentials`,
//! and the newer `/api/v1/profile` with its picture removals) and private
//! notes on other accounts.

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use moot_app::profiles::{self, ProfileInput};
use moot_app::{directory, Context};
use serde::Deserialize;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::{malformed_multipart, parse_id, read_text};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(update_credentials)
        .service(note)
        .service(profile)
        .service(update_profile)
        .service(remove_picture);
}

/// The text fields of an update; unknown ones (fields_attributes, bot,
/// indexable ...) are read and ignored.
#[derive(Deserialize, Default)]
struct ProfileParams {
    display_name: Option<String>,
    note: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    locked: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    discoverable: Option<bool>,
}

#[patch("/api/v1/accounts/update_credentials")]
async fn update_credentials(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let input = read_update(&ctx, &req, payload).await?;
    let updated = profiles::update(&ctx, &session.account, input).await?;
    crate::accounts::credentials(&ctx, &updated, session.user.is_admin).await
}

/// An update as a form, JSON or a multipart form with pictures.
async fn read_update(
    ctx: &Context,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<ProfileInput, ApiError> {
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        return read_multipart(ctx, Multipart::new(req.headers(), payload)).await;
    }
    let body = payload
        .to_bytes_limited(ctx.settings.server.max_body_bytes)
        .await
        .map_err(|_| {
            ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                "Request body is too large",
            )
        })?
        .map_err(|e| ApiError::bad_request(format!("Unreadable body: {e}")))?;
    let params: ProfileParams = if body.is_empty() {
        ProfileParams::default()
    } else {
        crate::params::parse(req, &body).await?
    };
    Ok(ProfileInput {
        display_name: params.display_name,
        note: params.note,
        locked: params.locked,
        discoverable: params.discoverable,
        ..ProfileInput::default()
    })
}

/// Mastodon's `Profile`: one's own profile as the profile editor reads it.
fn profile_json(ctx: &Context, account: &moot_app::model::Account) -> serde_json::Value {
    let entity = crate::presenter::account(ctx, account, (0, 0, 0));
    serde_json::json!({
        "id": entity.id,
        "display_name": entity.display_name,
        "note": account.note_source.clone().unwrap_or_default(),
        "fields": [],
        "avatar": entity.avatar,
        "avatar_static": entity.avatar_static,
        "avatar_description": "",
        "header": entity.header,
        "header_static": entity.header_static,
        "header_description": "",
        "locked": entity.locked,
        "bot": entity.bot,
        "discoverable": entity.discoverable,
        "indexable": entity.indexable,
        "hide_collections": false,
        "show_media": true,
        "show_media_replies": true,
        "show_featured": true,
        "attribution_domains": [],
    })
}

#[get("/api/v1/profile")]
async fn profile(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:accounts")?;
    Ok(HttpResponse::Ok().json(profile_json(&ctx, &session.account)))
}

#[patch("/api/v1/profile")]
async fn update_profile(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let input = read_update(&ctx, &req, payload).await?;
    let updated = profiles::update(&ctx, &session.account, input).await?;
    Ok(HttpResponse::Ok().json(profile_json(&ctx, &updated)))
}

/// Back to the default avatar or header; answers the own account.
#[delete("/api/v1/profile/{picture:avatar|header}")]
async fn remove_picture(
    ctx: web::Data<Context>,
    auth: Auth,
    picture: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let input = ProfileInput {
        remove_avatar: picture.as_str() == "avatar",
        remove_header: picture.as_str() == "header",
        ..ProfileInput::default()
    };
    let updated = profiles::update(&ctx, &session.account, input).await?;
    crate::accounts::credentials(&ctx, &updated, session.user.is_admin).await
}

/// A multipart update: text fields, and the pictures streamed to staging.
async fn read_multipart(ctx: &Context, mut multipart: Multipart) -> Result<ProfileInput, ApiError> {
    let (mut input, mut pairs) = (ProfileInput::default(), Vec::new());
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed_multipart)?;
        match field.name().unwrap_or_default().to_owned().as_str() {
            "avatar" => input.avatar = Some(crate::media::receive_file(ctx, &mut field).await?),
            "header" => input.header = Some(crate::media::receive_file(ctx, &mut field).await?),
            name => pairs.push((name.to_owned(), read_text(&mut field, 64 * 1024).await?)),
        }
    }
    let form = serde_urlencoded::to_string(&pairs)
        .map_err(|e| ApiError::bad_request(format!("Malformed form: {e}")))?;
    let params: ProfileParams = serde_html_form::from_str(&form)
        .map_err(|e| ApiError::bad_request(format!("Malformed form: {e}")))?;
    input.display_name = params.display_name;
    input.note = params.note;
    input.locked = params.locked;
    input.discoverable = params.discoverable;
    Ok(input)
}

#[derive(Deserialize)]
struct NoteParams {
    #[serde(default)]
    comment: String,
}

/// Sets the viewer's private note on an account; answers the relationship.
#[post("/api/v1/accounts/{id}/note")]
async fn note(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let params: NoteParams = crate::params::parse(&req, &body).await?;
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    profiles::set_note(&ctx, &session.account, &target, &params.comment).await?;
    let relationship = moot_app::follows::relationship(&ctx, &session.account, &target).await?;
    Ok(HttpResponse::Ok().json(crate::presenter::relationship(target.id, relationship)))
}
