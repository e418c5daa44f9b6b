//! Moot's own API for groups, under `/api/moot/v1/groups`: creating and
//! changing groups, members and roles, join requests, bans. Described in
//! `crates/moot_api/openapi.json` (served at `/api/moot/v1/openapi.json`).

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use moot_app::groups::{self, GroupChange, GroupView, MembershipMode};
use moot_app::Context;
use moot_protocol::activities::FollowAnswer;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::render_accounts;
use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(show)
        .service(change)
        .service(members)
        .service(set_role)
        .service(requests)
        .service(answer)
        .service(ban)
        .service(unban)
        .service(pin);
}

fn membership(raw: Option<&str>) -> Result<Option<MembershipMode>, ApiError> {
    raw.map(|m| {
        MembershipMode::parse(m).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "Validation failed: membership `{m}` is not open, approval or private"
            ))
        })
    })
    .transpose()
}

async fn group_json(ctx: &Context, view: GroupView) -> Result<Value, ApiError> {
    let mut accounts = vec![view.account.clone()];
    accounts.extend(view.moderators.iter().cloned());
    let mut rendered = render_accounts(ctx, &accounts).await?.into_iter();
    let account = rendered.next();
    Ok(json!({
        "id": view.account.id.to_string(),
        "account": account,
        "membership": view.mode.as_str(),
        "description": view.account.summary,
        "members_count": view.members,
        "moderators": rendered.collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
struct NewGroup {
    name: String,
    display_name: Option<String>,
    description: Option<String>,
    membership: Option<String>,
}

#[post("/api/moot/v1/groups")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let params: NewGroup = crate::params::parse(&req, &body).await?;
    let mode = membership(params.membership.as_deref())?.unwrap_or(MembershipMode::Approval);
    let group = groups::create(&ctx, &params.name, &session.account.username, mode).await?;
    let view = groups::change(
        &ctx,
        &session.account,
        group.id,
        GroupChange {
            display_name: params.display_name,
            description: params.description,
            mode: None,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(group_json(&ctx, view).await?))
}

#[get("/api/moot/v1/groups/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require("read:accounts")?;
    let view = groups::view(&ctx, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(group_json(&ctx, view).await?))
}

#[derive(Deserialize)]
struct ChangeParams {
    display_name: Option<String>,
    description: Option<String>,
    membership: Option<String>,
}

#[patch("/api/moot/v1/groups/{id}")]
async fn change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let params: ChangeParams = crate::params::parse(&req, &body).await?;
    let change = GroupChange {
        display_name: params.display_name,
        description: params.description,
        mode: membership(params.membership.as_deref())?,
    };
    let view = groups::change(&ctx, &session.account, parse_id(&id)?, change).await?;
    Ok(HttpResponse::Ok().json(group_json(&ctx, view).await?))
}

#[get("/api/moot/v1/groups/{id}/members")]
async fn members(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:accounts")?;
    let (max_id, limit) = (query.max_id(), query.limit(40, 80));
    let page = groups::members(&ctx, &session.account, parse_id(&id)?, max_id, limit).await?;
    let cursors: Vec<i64> = page.iter().map(|(c, _, _)| *c).collect();
    let accounts: Vec<_> = page.iter().map(|(_, a, _)| a.clone()).collect();
    let rendered = render_accounts(&ctx, &accounts).await?;
    let body: Vec<serde_json::Value> = rendered
        .into_iter()
        .zip(&page)
        .map(|(account, (_, _, role))| json!({ "account": account, "role": role }))
        .collect();
    Ok(crate::pagination::page_response(
        &ctx, &req, &cursors, &body,
    ))
}

#[derive(Deserialize)]
struct RoleParams {
    role: String,
}

#[put("/api/moot/v1/groups/{id}/members/{account_id}/role")]
async fn set_role(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (group_id, account_id) = path.into_inner();
    let params: RoleParams = crate::params::parse(&req, &body).await?;
    let moderator = match params.role.as_str() {
        "moderator" => true,
        "member" => false,
        other => {
            return Err(ApiError::unprocessable(format!(
                "Validation failed: role `{other}` is not moderator or member"
            )))
        }
    };
    let (member, role) = groups::set_role(
        &ctx,
        &session.account,
        parse_id(&group_id)?,
        parse_id(&account_id)?,
        moderator,
    )
    .await?;
    let account = render_accounts(&ctx, &[member]).await?.pop();
    Ok(HttpResponse::Ok().json(json!({ "account": account, "role": role })))
}

#[get("/api/moot/v1/groups/{id}/requests")]
async fn requests(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let pending = groups::pending_requests(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(render_accounts(&ctx, &pending).await?))
}

#[post("/api/moot/v1/groups/{id}/requests/{account_id}/{answer:authorize|reject}")]
async fn answer(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let (group_id, account_id, answer) = path.into_inner();
    let answer = if answer == "authorize" {
        FollowAnswer::Accept
    } else {
        FollowAnswer::Reject
    };
    groups::answer_request(
        &ctx,
        &session.account,
        parse_id(&group_id)?,
        parse_id(&account_id)?,
        answer,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[post("/api/moot/v1/groups/{id}/bans/{account_id}")]
async fn ban(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:blocks")?;
    let (group_id, account_id) = path.into_inner();
    groups::ban(
        &ctx,
        &session.account,
        parse_id(&group_id)?,
        parse_id(&account_id)?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[delete("/api/moot/v1/groups/{id}/bans/{account_id}")]
async fn unban(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:blocks")?;
    let (group_id, account_id) = path.into_inner();
    groups::unban(
        &ctx,
        &session.account,
        parse_id(&group_id)?,
        parse_id(&account_id)?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// POST pins a post made in the group to its profile; DELETE unpins it.
#[actix_web::route(
    "/api/moot/v1/groups/{id}/pins/{status_id}",
    method = "POST",
    method = "DELETE"
)]
async fn pin(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (group_id, status_id) = path.into_inner();
    let (group_id, status_id) = (parse_id(&group_id)?, parse_id(&status_id)?);
    if req.method() == actix_web::http::Method::POST {
        moot_app::pins::pin_in_group(&ctx, &session.account, group_id, status_id).await?;
    } else {
        moot_app::pins::unpin_in_group(&ctx, &session.account, group_id, status_id).await?;
    }
    Ok(HttpResponse::Ok().json(json!({})))
}
