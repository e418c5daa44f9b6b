//! Mastodon's admin API for accounts: the list (v1's flags and v2's
//! `origin`/`status`), one account, and the actions on it (warn, mark
//! sensitive, limit, suspend and their undoing, approving and rejecting
//! sign-ups), with `admin:read:accounts` and `admin:write:accounts`. The
//! rules are `moot_app::moderation`'s, as for the web pages.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use moot_app::model::Account;
use moot_app::moderation::{self, AccountFilter, Action, Decision, Managed, Undo};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter::{self, timestamp};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_v1)
        .service(list_v2)
        .service(show)
        .service(action)
        .service(approve)
        .service(reject)
        .service(undo)
        .service(remove);
}

/// Mastodon's `Admin::Account` of an account as moderation reads it.
pub(crate) async fn entity(ctx: &Context, managed: &Managed) -> Result<Value, ApiError> {
    let account = &managed.account;
    let user = managed.user.as_ref();
    let role = match user.is_some_and(|u| u.is_admin) {
        true => {
            json!({"id": "3", "name": "Admin", "permissions": "1", "color": "", "highlighted": true})
        }
        false => {
            json!({"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": false})
        }
    };
    let view = moot_app::views::posts::account(ctx, account.clone()).await?;
    let invite_request = user
        .map(|u| u.sign_up_reason.clone())
        .filter(|r| !r.is_empty());
    Ok(json!({
        "id": account.id.to_string(),
        "username": account.username,
        "domain": account.domain,
        "created_at": timestamp(account.created_at),
        "email": user.map(|u| u.email.clone()).unwrap_or_default(),
        "ip": null,
        "ips": [],
        "locale": "en",
        "invite_request": invite_request,
        "role": role,
        "confirmed": true,
        "approved": user.is_none_or(|u| u.approved),
        "disabled": false,
        "silenced": account.silenced_at.is_some(),
        "sensitized": account.sensitized_at.is_some(),
        "suspended": account.suspended_at.is_some(),
        "account": presenter::account_view(ctx, &view),
    }))
}

/// `entity` of an account read elsewhere (a report's).
pub(crate) async fn entity_of(ctx: &Context, account: Account) -> Result<Value, ApiError> {
    let user = match account.domain {
        None => moot_app::accounts::find_local(&ctx.db, &account.username)
            .await?
            .map(|(_, user)| user),
        Some(_) => None,
    };
    entity(ctx, &Managed { account, user }).await
}

async fn listed(
    ctx: &Context,
    auth: &Auth,
    filter: AccountFilter,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:read:accounts")?;
    let found = moderation::list(ctx, &session.account, &filter).await?;
    let mut out = Vec::with_capacity(found.len());
    for managed in &found {
        out.push(entity(ctx, managed).await?);
    }
    Ok(HttpResponse::Ok().json(out))
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The list's search: Mastodon's `username`, `display_name` or `email`
/// (Moot matches any of the three with the one given).
fn search_of(
    username: &Option<String>,
    display_name: &Option<String>,
    email: &Option<String>,
) -> Option<String> {
    given(username)
        .or_else(|| given(display_name))
        .or_else(|| given(email))
}

#[derive(Deserialize, Default)]
struct V1Query {
    #[serde(default, deserialize_with = "crate::params::flag")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    remote: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    pending: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    silenced: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    suspended: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    staff: Option<bool>,
    by_domain: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    max_id: Option<String>,
    limit: Option<i64>,
}

#[get("/api/v1/admin/accounts")]
async fn list_v1(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<V1Query>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = AccountFilter {
        local: match (q.local, q.remote) {
            (Some(true), _) => Some(true),
            (_, Some(true)) => Some(false),
            _ => None,
        },
        pending: q.pending == Some(true),
        suspended: q.suspended == Some(true),
        silenced: q.silenced == Some(true),
        admins: q.staff == Some(true),
        domain: given(&q.by_domain),
        search: search_of(&q.username, &q.display_name, &q.email),
        max_id: q.max_id.as_deref().map(parse_id).transpose()?,
        limit: q.limit.unwrap_or(100),
    };
    listed(&ctx, &auth, filter).await
}

#[derive(Deserialize, Default)]
struct V2Query {
    origin: Option<String>,
    status: Option<String>,
    permissions: Option<String>,
    by_domain: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    max_id: Option<String>,
    limit: Option<i64>,
}

#[get("/api/v2/admin/accounts")]
async fn list_v2(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<V2Query>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let status = q.status.as_deref().unwrap_or("");
    let filter = AccountFilter {
        local: match q.origin.as_deref() {
            Some("local") => Some(true),
            Some("remote") => Some(false),
            _ => None,
        },
        pending: status == "pending",
        suspended: status == "suspended",
        silenced: status == "silenced",
        admins: q.permissions.as_deref() == Some("staff"),
        domain: given(&q.by_domain),
        search: search_of(&q.username, &q.display_name, &q.email),
        max_id: q.max_id.as_deref().map(parse_id).transpose()?,
        limit: q.limit.unwrap_or(100),
    };
    listed(&ctx, &auth, filter).await
}

#[get("/api/v1/admin/accounts/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:read:accounts")?;
    let managed = moderation::find(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &managed).await?))
}

#[derive(Deserialize)]
struct ActionParams {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    report_id: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default, deserialize_with = "crate::params::flag")]
    send_email_notification: Option<bool>,
}

/// Takes an action; Mastodon answers an empty object.
#[post("/api/v1/admin/accounts/{id}/action")]
async fn action(
    ctx: web::Data<Context>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:accounts")?;
    let params: ActionParams = crate::params::parse(&req, &body).await?;
    let kind = params.kind.as_deref().unwrap_or("none");
    let action = Action::parse(kind).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "Validation failed: type `{kind}` is not none, sensitive, silence or suspend"
        ))
    })?;
    let decision = Decision {
        action,
        text: params.text,
        report_id: params.report_id.as_deref().map(parse_id).transpose()?,
        notify: params.send_email_notification != Some(false),
    };
    moderation::act(&ctx, &session.account, parse_id(&id)?, &decision).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[post("/api/v1/admin/accounts/{id}/approve")]
async fn approve(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:accounts")?;
    let managed = moderation::approve(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &managed).await?))
}

/// Rejects a pending sign-up; answers it as it was, as Mastodon does.
#[post("/api/v1/admin/accounts/{id}/reject")]
async fn reject(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:accounts")?;
    let id = parse_id(&id)?;
    let before = moderation::find(&ctx, &session.account, id).await?;
    let shown = entity(&ctx, &before).await?;
    moderation::reject(&ctx, &session.account, id).await?;
    Ok(HttpResponse::Ok().json(shown))
}

/// `unsuspend`, `unsilence`, `unsensitive`; and `enable`, which has
/// nothing to undo here (Moot has no disabled sign-ins apart from
/// suspension) and answers the account.
#[post("/api/v1/admin/accounts/{id}/{undo}")]
async fn undo(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:accounts")?;
    let (id, what) = path.into_inner();
    let id = parse_id(&id)?;
    let what = match what.as_str() {
        "unsuspend" => Some(Undo::Suspend),
        "unsilence" => Some(Undo::Silence),
        "unsensitive" => Some(Undo::Sensitive),
        "enable" => None,
        _ => return Err(ApiError::not_found()),
    };
    if let Some(what) = what {
        moderation::undo(&ctx, &session.account, id, what).await?;
    }
    let managed = moderation::find(&ctx, &session.account, id).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &managed).await?))
}

/// Mastodon deletes a suspended account's data here; Moot keeps it (a
/// suspension can be lifted), and says so.
#[delete("/api/v1/admin/accounts/{id}")]
async fn remove(auth: Auth, _id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:write:accounts")?;
    Err(ApiError::unprocessable(
        "Moot keeps a suspended account's data so the suspension can be lifted",
    ))
}
