//! `/api/moot/v1/statuses/{id}/answer`: a question's accepted answer,
//! chosen (POST) or cleared (DELETE) by its author or a moderator of its
//! group. Described in `crates/moot_api/openapi.json`.

use actix_web::{get, route, web, HttpRequest, HttpResponse};
use moot_app::model::Accepted;
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show).service(choose);
}

fn answer_json(question_id: i64, accepted: Option<&Accepted>) -> Value {
    json!({
        "question_id": question_id.to_string(),
        "answer_id": accepted.map(|a| a.answer_id.to_string()),
        "chosen_by_id": accepted.map(|a| a.chosen_by.to_string()),
        "chosen_at": accepted.map(|a| a.created_at),
    })
}

#[get("/api/moot/v1/statuses/{id}/answer")]
async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = crate::statuses::viewer(&req).await;
    let (question, accepted) =
        moot_app::answers::of_question(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(answer_json(question.id, accepted.as_ref())))
}

#[derive(Deserialize)]
struct ChooseParams {
    answer_id: Option<String>,
}

/// POST chooses `answer_id`; DELETE clears the choice.
#[route(
    "/api/moot/v1/statuses/{id}/answer",
    method = "POST",
    method = "DELETE"
)]
async fn choose(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let question = parse_id(&id)?;
    let answer = if req.method() == actix_web::http::Method::POST {
        let params: ChooseParams = crate::params::parse(&req, &body).await?;
        let raw = params.answer_id.ok_or_else(|| {
            ApiError::unprocessable("Validation failed: answer_id can't be blank")
        })?;
        Some(parse_id(&raw)?)
    } else {
        None
    };
    let accepted = moot_app::answers::choose(&ctx, &session.account, question, answer).await?;
    Ok(HttpResponse::Ok().json(answer_json(question, accepted.as_ref())))
}
