//! `/api/v1/accounts/...`: who people are and how they relate.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::follows::Relationship;
use moot_app::{directory, follows, Context};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::entities;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `/{id}`, which would otherwise take them.
    cfg.service(sign_up)
        .service(verify_credentials)
        .service(lookup)
        .service(relationships)
        .service(get_account)
        .service(follow)
        .service(unfollow);
}

async fn account_json(
    ctx: &Context,
    account: &moot_db::accounts::Account,
) -> Result<HttpResponse, ApiError> {
    let counts = directory::counts(ctx, account).await?;
    Ok(HttpResponse::Ok().json(entities::account(ctx, account, counts)))
}

#[get("/api/v1/accounts/verify_credentials")]
async fn verify_credentials(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = if auth.0.scopes.allows("profile") {
        &auth.0
    } else {
        auth.require("read:accounts")?
    };
    let counts = directory::counts(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(entities::credential_account(
        &ctx,
        &session.account,
        session.user.is_admin,
        counts,
    )))
}

#[derive(Deserialize)]
struct LookupQuery {
    acct: String,
}

#[get("/api/v1/accounts/lookup")]
async fn lookup(
    ctx: web::Data<Context>,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_acct(&ctx, &query.acct)
        .await?
        .ok_or_else(ApiError::not_found)?;
    account_json(&ctx, &account).await
}

#[get("/api/v1/accounts/{id}")]
async fn get_account(
    ctx: web::Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    account_json(&ctx, &account).await
}

fn relationship_json(id: i64, r: Relationship) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "following": r.following,
        "showing_reblogs": r.following,
        "notifying": false,
        "languages": null,
        "followed_by": r.followed_by,
        "blocking": false,
        "blocked_by": false,
        "muting": false,
        "muting_notifications": false,
        "requested": r.requested,
        "requested_by": false,
        "domain_blocking": false,
        "endorsed": false,
        "note": "",
    })
}

#[post("/api/v1/accounts/{id}/follow")]
async fn follow(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    let relationship = follows::follow(&ctx, &session.account, &target).await?;
    Ok(HttpResponse::Ok().json(relationship_json(target.id, relationship)))
}

#[post("/api/v1/accounts/{id}/unfollow")]
async fn unfollow(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    let relationship = follows::unfollow(&ctx, &session.account, &target).await?;
    Ok(HttpResponse::Ok().json(relationship_json(target.id, relationship)))
}

/// `GET /api/v1/accounts/relationships?id[]=1&id[]=2` (also `id=1`).
#[get("/api/v1/accounts/relationships")]
async fn relationships(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let ids: Vec<i64> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(key, _)| key == "id[]" || key == "id")
        .filter_map(|(_, value)| value.parse().ok())
        .take(100)
        .collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(other) = directory::by_id(&ctx, id).await else {
            continue;
        };
        let relationship = follows::relationship(&ctx, &session.account, &other).await?;
        out.push(relationship_json(id, relationship));
    }
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize)]
struct SignUpParams {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    agreement: Option<serde_json::Value>,
}

/// Sign-up through an app (Mastodon's `POST /api/v1/accounts`), with the
/// app's own token (`client_credentials`, scope `write:accounts`). The
/// registration mode and allowed email domains apply; in approval mode the
/// token works once an administrator approves the account.
#[post("/api/v1/accounts")]
async fn sign_up(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let invalid_token = || ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid");
    let token = crate::auth::bearer_token(&req).ok_or_else(invalid_token)?;
    let (app, scopes) = moot_app::oauth::app_of_token(&ctx, &token)
        .await?
        .ok_or_else(invalid_token)?;
    if !scopes.allows("write:accounts") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "This action is outside the authorized scopes",
        ));
    }
    let params: SignUpParams = crate::params::parse(&req, &body).await?;
    let agreed = matches!(params.agreement, Some(serde_json::Value::Bool(true)))
        || matches!(
            params.agreement.as_ref().and_then(|v| v.as_str()),
            Some("true" | "1")
        );
    if !agreed {
        return Err(ApiError::unprocessable(
            "Validation failed: agreement must be accepted",
        ));
    }
    let required = |value: Option<String>, field: &str| {
        value.filter(|v| !v.is_empty()).ok_or_else(|| {
            ApiError::unprocessable(format!("Validation failed: {field} can't be blank"))
        })
    };
    let new = moot_app::accounts::NewUser {
        username: required(params.username, "username")?,
        email: required(params.email, "email")?,
        password: Some(required(params.password, "password")?),
    };
    let created = moot_app::accounts::create_local_user(
        &ctx.db,
        &ctx.settings,
        new,
        moot_app::accounts::CreatedBy::SignUp,
    )
    .await?;
    let grant = moot_app::oauth::token_for_new_person(&ctx, &app, created.user.id, scopes)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(crate::oauth::grant_json(&grant))
}
