//! Reading positions (`/api/v1/markers`) and the signed-in person's
//! posting and reading preferences (`/api/v1/preferences`).

use std::collections::BTreeMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::markers::TIMELINES;
use moot_app::model::Account;
use moot_app::Context;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_markers)
        .service(set_markers)
        .service(preferences);
}

async fn markers_json(
    ctx: &Context,
    who: &Account,
    timelines: &[String],
) -> Result<Value, ApiError> {
    let found = moot_app::markers::of(ctx, who, timelines).await?;
    let map: serde_json::Map<String, Value> = found
        .into_iter()
        .map(|m| {
            (
                m.timeline,
                json!({
                    "last_read_id": m.last_read_id.to_string(),
                    "version": m.version,
                    "updated_at": crate::presenter::timestamp(m.updated_at),
                }),
            )
        })
        .collect();
    Ok(Value::Object(map))
}

/// `timeline[]=home&timeline[]=notifications` (or `timeline=home`).
#[get("/api/v1/markers")]
async fn get_markers(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let asked: Vec<String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == "timeline[]" || k == "timeline")
        .map(|(_, v)| v.into_owned())
        .filter(|t| TIMELINES.contains(&t.as_str()))
        .collect();
    Ok(HttpResponse::Ok().json(markers_json(&ctx, &session.account, &asked).await?))
}

/// The new positions: JSON `{"home": {"last_read_id": "1"}}` or a form
/// `home[last_read_id]=1`.
fn positions(req: &HttpRequest, body: &[u8]) -> Result<BTreeMap<String, String>, ApiError> {
    let mut found = BTreeMap::new();
    if crate::params::is_json(req) {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")))?;
        for timeline in TIMELINES {
            if let Some(id) = value[timeline]["last_read_id"].as_str() {
                found.insert(timeline.to_owned(), id.to_owned());
            }
        }
    } else {
        for (key, value) in url::form_urlencoded::parse(body) {
            for timeline in TIMELINES {
                if key == format!("{timeline}[last_read_id]") {
                    found.insert(timeline.to_owned(), value.to_string());
                }
            }
        }
    }
    Ok(found)
}

#[post("/api/v1/markers")]
async fn set_markers(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let positions = positions(&req, &body)?;
    let mut read = Vec::with_capacity(positions.len());
    for (timeline, id) in positions {
        let id: i64 = id.parse().map_err(|_| {
            ApiError::unprocessable(format!(
                "Validation failed: last_read_id `{id}` is not an id"
            ))
        })?;
        read.push((timeline, id));
    }
    moot_app::markers::set(&ctx, &session.account, &read).await?;
    let timelines: Vec<String> = read.into_iter().map(|(t, _)| t).collect();
    Ok(HttpResponse::Ok().json(markers_json(&ctx, &session.account, &timelines).await?))
}

/// Moot keeps no per-person posting preferences yet: the defaults it
/// applies are what clients are told.
#[get("/api/v1/preferences")]
async fn preferences(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("read:accounts")?;
    Ok(HttpResponse::Ok().json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
    })))
}
