//! Moot's own API for group libraries, under
//! `/api/moot/v1/groups/{id}/library`: list (by folder, by tag), add an
//! upload (made with `POST /api/v2/media`, whose type and size limits
//! apply) as an item, add a new version, delete. Described in
//! `crates/moot_api/openapi.json`.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use moot_app::library::{self, Added, ItemInput, ItemView};
use moot_app::model::Account;
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::render_accounts;
use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(add)
        .service(show)
        .service(add_version)
        .service(remove);
}

/// Items as the API shows them, their uploaders read at once.
async fn items_json(ctx: &Context, views: &[ItemView]) -> Result<Vec<Value>, ApiError> {
    let mut ids: Vec<i64> = views.iter().map(|v| v.item.uploader_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let uploaders: Vec<Account> = moot_app::directory::by_ids(ctx, &ids).await?;
    let rendered = render_accounts(ctx, &uploaders).await?;
    let by_id: std::collections::HashMap<i64, _> =
        uploaders.iter().map(|a| a.id).zip(rendered).collect();
    Ok(views
        .iter()
        .map(|view| {
            let item = &view.item;
            let versions: Vec<Value> = view
                .versions
                .iter()
                .map(|v| {
                    json!({
                        "number": v.number,
                        "uri": v.ap_id,
                        "url": v.url,
                        "media_type": v.media_type,
                        "size": v.size,
                        "sha256": v.sha256,
                        "file_name": v.file_name,
                        "created_at": v.created_at,
                    })
                })
                .collect();
            json!({
                "id": item.id.to_string(),
                "group_id": view.group.id.to_string(),
                "uri": item.ap_id,
                "local": view.group.domain.is_none(),
                "title": item.title,
                "description": item.description,
                "folder": item.folder,
                "tags": item.tags,
                "uploader": by_id.get(&item.uploader_id),
                "current_version": item.current_version,
                "versions": versions,
                "created_at": item.created_at,
                "updated_at": item.updated_at,
            })
        })
        .collect())
}

async fn item_response(ctx: &Context, view: ItemView) -> Result<HttpResponse, ApiError> {
    let body = items_json(ctx, std::slice::from_ref(&view)).await?.pop();
    Ok(HttpResponse::Ok().json(body))
}

/// 200 with the item for a file stored here, 202 with the submission for
/// one proposed to a remote group's node.
async fn added_response(ctx: &Context, added: Added) -> Result<HttpResponse, ApiError> {
    match added {
        Added::Stored(view) => item_response(ctx, *view).await,
        Added::Proposed(submission) => Ok(HttpResponse::Accepted().json(json!({
            "state": submission.state,
            "submission_id": submission.id.to_string(),
        }))),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    folder: Option<String>,
    tag: Option<String>,
    max_id: Option<String>,
    limit: Option<i64>,
}

#[get("/api/moot/v1/groups/{id}/library")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let max_id = query.max_id.as_deref().and_then(|m| m.parse().ok());
    let views = library::list(
        &ctx,
        Some(&session.account),
        parse_id(&id)?,
        (query.folder.as_deref(), query.tag.as_deref()),
        max_id,
        query.limit.unwrap_or(40).clamp(1, 80),
    )
    .await?;
    let ids: Vec<i64> = views.iter().map(|v| v.item.id).collect();
    let body = items_json(&ctx, &views).await?;
    Ok(crate::pagination::page_response(&ctx, &req, &ids, &body))
}

#[derive(Deserialize)]
struct NewItem {
    media_id: String,
    title: String,
    description: Option<String>,
    folder: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[post("/api/moot/v1/groups/{id}/library")]
async fn add(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let params: NewItem = crate::params::parse(&req, &body).await?;
    let input = ItemInput {
        title: params.title,
        description: params.description.unwrap_or_default(),
        folder: params.folder.unwrap_or_default(),
        tags: params.tags,
    };
    let media_id = parse_id(&params.media_id)?;
    let added = library::add(&ctx, &session.account, parse_id(&id)?, media_id, input).await?;
    added_response(&ctx, added).await
}

#[get("/api/moot/v1/groups/{id}/library/{item_id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (group, item) = path.into_inner();
    let view = library::show(
        &ctx,
        Some(&session.account),
        parse_id(&group)?,
        parse_id(&item)?,
    )
    .await?;
    item_response(&ctx, view).await
}

#[derive(Deserialize)]
struct NewVersion {
    media_id: String,
}

#[post("/api/moot/v1/groups/{id}/library/{item_id}/versions")]
async fn add_version(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let (group, item) = path.into_inner();
    let params: NewVersion = crate::params::parse(&req, &body).await?;
    let added = library::add_version(
        &ctx,
        &session.account,
        parse_id(&group)?,
        parse_id(&item)?,
        parse_id(&params.media_id)?,
    )
    .await?;
    added_response(&ctx, added).await
}

#[delete("/api/moot/v1/groups/{id}/library/{item_id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let (group, item) = path.into_inner();
    library::delete(&ctx, &session.account, parse_id(&group)?, parse_id(&item)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
