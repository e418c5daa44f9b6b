//! `/api/v1/lists`: a person's lists, their members, and list timelines.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::lists::{self, ListInput};
use moot_app::model::List;
use moot_app::views::timelines;
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(all)
        .service(create)
        .service(show)
        .service(change)
        .service(remove)
        .service(members)
        .service(add_members)
        .service(remove_members)
        .service(holding)
        .service(timeline);
}

/// Mastodon's `List` entity.
fn entity(list: &List) -> Value {
    json!({
        "id": list.id.to_string(),
        "title": list.title,
        "replies_policy": list.replies_policy,
        "exclusive": list.exclusive,
    })
}

#[derive(Deserialize)]
struct ListParams {
    title: Option<String>,
    replies_policy: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    exclusive: Option<bool>,
}

impl From<ListParams> for ListInput {
    fn from(p: ListParams) -> Self {
        ListInput {
            title: p.title,
            replies_policy: p.replies_policy,
            exclusive: p.exclusive,
        }
    }
}

#[derive(Deserialize)]
struct MemberParams {
    #[serde(default, rename = "account_ids[]", alias = "account_ids")]
    account_ids: Vec<String>,
}

impl MemberParams {
    fn ids(&self) -> Result<Vec<i64>, ApiError> {
        self.account_ids.iter().map(|id| parse_id(id)).collect()
    }
}

/// `owner`'s lists (those holding `member`, if given).
async fn lists_of(
    ctx: &Context,
    owner: i64,
    member: Option<i64>,
) -> Result<HttpResponse, ApiError> {
    let found = lists::of(ctx, owner, member).await?;
    Ok(HttpResponse::Ok().json(found.iter().map(entity).collect::<Vec<_>>()))
}

#[get("/api/v1/lists")]
async fn all(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:lists")?;
    lists_of(&ctx, session.account.id, None).await
}

#[post("/api/v1/lists")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:lists")?;
    let params: ListParams = crate::params::parse(&req, &body).await?;
    let list = lists::create(&ctx, &session.account, params.into()).await?;
    Ok(HttpResponse::Ok().json(entity(&list)))
}

#[get("/api/v1/lists/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:lists")?;
    let list = lists::get(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&list)))
}

#[put("/api/v1/lists/{id}")]
async fn change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:lists")?;
    let params: ListParams = crate::params::parse(&req, &body).await?;
    let list = lists::change(&ctx, &session.account, parse_id(&id)?, params.into()).await?;
    Ok(HttpResponse::Ok().json(entity(&list)))
}

#[delete("/api/v1/lists/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:lists")?;
    lists::delete(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[get("/api/v1/lists/{id}/accounts")]
async fn members(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:lists")?;
    let found = lists::members(&ctx, &session.account, parse_id(&id)?).await?;
    let body = crate::accounts::render_accounts(&ctx, &found).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[post("/api/v1/lists/{id}/accounts")]
async fn add_members(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:lists")?;
    let params: MemberParams = crate::params::parse(&req, &body).await?;
    lists::add(&ctx, &session.account, parse_id(&id)?, &params.ids()?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The accounts to remove come in the body or, as some clients send a
/// DELETE, in the query string.
#[delete("/api/v1/lists/{id}/accounts")]
async fn remove_members(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:lists")?;
    let params: MemberParams = if body.is_empty() {
        serde_html_form::from_str(req.query_string())
            .map_err(|e| ApiError::bad_request(format!("Malformed query: {e}")))?
    } else {
        crate::params::parse(&req, &body).await?
    };
    lists::remove(&ctx, &session.account, parse_id(&id)?, &params.ids()?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The viewer's lists that hold an account.
#[get("/api/v1/accounts/{id}/lists")]
async fn holding(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:lists")?;
    lists_of(&ctx, session.account.id, Some(parse_id(&id)?)).await
}

#[get("/api/v1/timelines/list/{id}")]
async fn timeline(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:lists")?;
    let list_id = parse_id(&id)?;
    let shown = timelines::list(&ctx, &session.account, list_id, query.window(20, 40)).await?;
    let body = crate::statuses::present_entries(&ctx, &shown.items, true);
    Ok(crate::pagination::page_response(
        &ctx,
        &req,
        &shown.cursors,
        &body,
    ))
}
