//! `/api/v1/notifications`: mentions, follows, follow requests,
//! favourites and boosts of the signed-in person, newest first.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::{directory, AppError, Context};
use moot_db::accounts::Account;
use moot_db::notifications::{self as store, Notification, Page};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::entities;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `clear` before `{id}`, which would otherwise take it.
    cfg.service(clear)
        .service(list)
        .service(get_one)
        .service(dismiss);
}

/// Mastodon's `Notification` entity, as `viewer` sees it.
pub(crate) async fn render(
    ctx: &Context,
    n: &Notification,
    from: &Account,
    viewer: &Account,
) -> Result<Value, ApiError> {
    let counts = directory::counts(ctx, from).await?;
    let status = match n.status_id {
        None => Value::Null,
        Some(id) => {
            let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
            let found = moot_db::statuses::find(&mut conn, id)
                .await
                .map_err(AppError::from)?;
            drop(conn);
            match found {
                Some((status, author)) if status.deleted_at.is_none() => {
                    crate::statuses::render(ctx, &status, &author, Some(viewer)).await?
                }
                _ => Value::Null,
            }
        }
    };
    let mut body = json!({
        "id": n.id.to_string(),
        "type": n.kind,
        "group_key": format!("ungrouped-{}", n.id),
        "created_at": entities::timestamp(n.created_at),
        "account": entities::account(ctx, from, counts),
    });
    if !status.is_null() {
        body["status"] = status;
    }
    Ok(body)
}

/// `types[]=a&types[]=b` (or `types=a`) style lists from the query string.
fn list_param(req: &HttpRequest, name: &str) -> Vec<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == name || k == &format!("{name}[]"))
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[get("/api/v1/notifications")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let single = |name: &str| list_param(&req, name).into_iter().next();
    let id_param = |name: &str| single(name).and_then(|v| v.parse::<i64>().ok());
    let limit = id_param("limit").unwrap_or(40).clamp(1, 80);
    let (kinds, exclude) = (list_param(&req, "types"), list_param(&req, "exclude_types"));
    let page = Page {
        max_id: id_param("max_id"),
        since_id: id_param("since_id").or(id_param("min_id")),
        limit,
        kinds: &kinds,
        exclude: &exclude,
    };
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    let rows = store::list(&mut conn, session.account.id, page)
        .await
        .map_err(AppError::from)?;
    drop(conn);
    let mut out = Vec::with_capacity(rows.len());
    for (n, from) in &rows {
        out.push(render(&ctx, n, from, &session.account).await?);
    }
    let ids: Vec<i64> = rows.iter().map(|(n, _)| n.id).collect();
    Ok(crate::pagination::page_response(&ctx, &req, &ids, out))
}

#[get("/api/v1/notifications/{id}")]
async fn get_one(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    let found = store::get(&mut conn, session.account.id, parse_id(&id)?)
        .await
        .map_err(AppError::from)?;
    drop(conn);
    let (n, from) = found.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(render(&ctx, &n, &from, &session.account).await?))
}

#[post("/api/v1/notifications/{id}/dismiss")]
async fn dismiss(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    if !store::dismiss(&mut conn, session.account.id, parse_id(&id)?)
        .await
        .map_err(AppError::from)?
    {
        return Err(ApiError::not_found());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}

#[post("/api/v1/notifications/clear")]
async fn clear(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    store::clear(&mut conn, session.account.id)
        .await
        .map_err(AppError::from)?;
    Ok(HttpResponse::Ok().json(json!({})))
}
