//! `/api/v1/polls`: reading a poll and voting in it (the poll's id is its
//! post's).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::Context;
use serde::Deserialize;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show).service(vote);
}

async fn poll_json(
    ctx: &Context,
    viewer: Option<&moot_app::model::Account>,
    id: i64,
) -> Result<HttpResponse, ApiError> {
    let view = moot_app::polls::view(ctx, viewer, id).await?;
    Ok(HttpResponse::Ok().json(presenter::poll(&view, viewer.is_some())))
}

#[get("/api/v1/polls/{id}")]
async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = crate::statuses::viewer(&req).await;
    poll_json(&ctx, viewer.as_ref(), parse_id(&id)?).await
}

#[derive(Deserialize)]
struct VoteParams {
    #[serde(default, rename = "choices[]", alias = "choices")]
    choices: Vec<crate::params::Number>,
}

#[post("/api/v1/polls/{id}/votes")]
async fn vote(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: VoteParams = crate::params::parse(&req, &body).await?;
    let choices: Vec<i32> = params
        .choices
        .iter()
        .map(|n| i32::try_from(n.0).unwrap_or(-1))
        .collect();
    let id = parse_id(&id)?;
    moot_app::polls::vote(&ctx, &session.account, id, &choices).await?;
    poll_json(&ctx, Some(&session.account), id).await
}
