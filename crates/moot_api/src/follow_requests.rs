//! `/api/v1/follow_requests`: people who asked to follow someone who
//! approves followers by hand, and the answers.

use actix_web::{get, post, web, HttpResponse};
use moot_app::{directory, follows, Context};
use moot_protocol::activities::FollowAnswer;
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(answer);
}

#[get("/api/v1/follow_requests")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let mut waiting = follows::requests(&ctx, &session.account).await?;
    waiting.truncate(query.limit(40, 80) as usize);
    let body: Vec<_> = crate::accounts::render_accounts(&ctx, &waiting)
        .await?
        .into_iter()
        .map(|a| json!(a))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[post("/api/v1/follow_requests/{id}/{answer:authorize|reject}")]
async fn answer(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let (id, answer) = path.into_inner();
    let requester = directory::by_id(&ctx, parse_id(&id)?).await?;
    let answer = match answer.as_str() {
        "authorize" => FollowAnswer::Accept,
        _ => FollowAnswer::Reject,
    };
    follows::answer_request(&ctx, &session.account, requester.id, answer).await?;
    let relationship = follows::relationship(&ctx, &session.account, &requester).await?;
    Ok(HttpResponse::Ok().json(crate::presenter::relationship(requester.id, relationship)))
}
