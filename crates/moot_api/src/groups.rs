//! Moot's extension of the client API for group moderators:
//! `/api/v1/moot/groups/:id/requests` (join requests) and their answers.

use actix_web::{get, post, web, HttpResponse};
use moot_app::{directory, groups, Context};
use moot_protocol::activities::FollowAnswer;

use crate::auth::Auth;
use crate::entities;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(requests)
        .service(answer)
        .service(ban)
        .service(appoint);
}

#[get("/api/v1/moot/groups/{id}/requests")]
async fn requests(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let pending = groups::pending_requests(&ctx, &session.account, parse_id(&id)?).await?;
    let mut out = Vec::with_capacity(pending.len());
    for account in &pending {
        let counts = directory::counts(&ctx, account).await?;
        out.push(entities::account(&ctx, account, counts));
    }
    Ok(HttpResponse::Ok().json(out))
}

#[post("/api/v1/moot/groups/{id}/requests/{account_id}/{answer:authorize|reject}")]
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
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

#[post("/api/v1/moot/groups/{id}/bans/{account_id}")]
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
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

#[post("/api/v1/moot/groups/{id}/moderators/{account_id}")]
async fn appoint(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (group_id, account_id) = path.into_inner();
    groups::appoint_moderator(
        &ctx,
        &session.account,
        parse_id(&group_id)?,
        parse_id(&account_id)?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}
