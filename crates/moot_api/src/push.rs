//! `/api/v1/push/subscription`: an app's Web Push subscription, one per
//! access token (see `moot_app::push`).

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use moot_app::push::{self, Subscribe};
use moot_app::Context;
use serde::Deserialize;

use crate::auth::{bearer_token, Auth};
use crate::errors::ApiError;
use crate::params::{flag, parse_nested, Flag};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/push/subscription")
            .route(web::post().to(create))
            .route(web::get().to(show))
            .route(web::put().to(update))
            .route(web::delete().to(remove)),
    );
}

#[derive(Deserialize)]
struct CreateBody {
    subscription: SubscriptionBody,
    #[serde(default)]
    data: DataBody,
    /// Mastodon.py sends the policy beside `data`, not in it.
    policy: Option<String>,
}

#[derive(Deserialize)]
struct SubscriptionBody {
    endpoint: String,
    keys: Keys,
    #[serde(default, deserialize_with = "flag")]
    standard: Option<bool>,
}

#[derive(Deserialize)]
struct Keys {
    p256dh: String,
    auth: String,
}

#[derive(Deserialize, Default)]
struct DataBody {
    #[serde(default)]
    alerts: BTreeMap<String, Flag>,
    policy: Option<String>,
}

#[derive(Deserialize, Default)]
struct UpdateBody {
    #[serde(default)]
    data: DataBody,
    policy: Option<String>,
}

fn flags(alerts: &BTreeMap<String, Flag>) -> BTreeMap<String, bool> {
    alerts.iter().map(|(k, v)| (k.clone(), v.0)).collect()
}

/// The request's token in clear (the subscription belongs to it).
fn token(req: &HttpRequest) -> Result<String, ApiError> {
    bearer_token(req).ok_or_else(ApiError::not_found)
}

async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("push")?;
    let body: CreateBody = parse_nested(&req, &body).await?;
    let asked = Subscribe {
        endpoint: body.subscription.endpoint,
        p256dh: body.subscription.keys.p256dh,
        auth: body.subscription.keys.auth,
        standard: body.subscription.standard.unwrap_or(false),
        alerts: flags(&body.data.alerts),
        policy: body.data.policy.or(body.policy),
    };
    let made = push::subscribe(&ctx, session, &token(&req)?, asked).await?;
    Ok(HttpResponse::Ok().json(made))
}

async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require("push")?;
    let found = push::current(&ctx, &token(&req)?)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(found))
}

async fn update(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("push")?;
    let body: UpdateBody = if body.is_empty() {
        UpdateBody::default()
    } else {
        parse_nested(&req, &body).await?
    };
    let policy = body.data.policy.or(body.policy);
    let changed = push::change(
        &ctx,
        session,
        &token(&req)?,
        &flags(&body.data.alerts),
        policy.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(changed))
}

async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require("push")?;
    push::unsubscribe(&ctx, &token(&req)?).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}
