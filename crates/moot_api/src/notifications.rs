//! `/api/v1/notifications`: mentions, follows, follow requests,
//! favourites and boosts of the signed-in person, newest first.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use moot_app::views::notification_groups::{self as groups, Group};
use moot_app::views::notifications::{self, NotificationQuery};
use moot_app::Context;
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `clear`, `unread_count` and `requests` before `{id}`, which would
    // otherwise take them; so too in v2 before `{group_key}`.
    cfg.service(clear)
        .service(unread_count)
        .service(requests)
        .service(requests_merged)
        .service(requests_settle_all)
        .service(request_one)
        .service(request_settle)
        .service(list)
        .service(get_one)
        .service(dismiss)
        .service(grouped_unread_count)
        .service(policy)
        .service(change_policy)
        .service(grouped_list)
        .service(one_group)
        .service(group_accounts)
        .service(dismiss_group);
}

/// `types[]=a&types[]=b` (or `types=a`) style lists from the query string.
fn list_param(req: &HttpRequest, name: &str) -> Vec<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == name || k == &format!("{name}[]"))
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// The page asked for by `max_id`, `since_id`/`min_id`, `limit`, `types`
/// and `exclude_types`, in v1 and v2 alike.
fn query_of(req: &HttpRequest) -> NotificationQuery {
    let single = |name: &str| list_param(req, name).into_iter().next();
    let id_param = |name: &str| single(name).and_then(|v| v.parse::<i64>().ok());
    NotificationQuery {
        max_id: id_param("max_id"),
        since_id: id_param("since_id").or(id_param("min_id")),
        limit: id_param("limit").unwrap_or(40).clamp(1, 80),
        kinds: list_param(req, "types"),
        exclude: list_param(req, "exclude_types"),
    }
}

/// The kinds an app asks to be grouped (`grouped_types[]`), or Mastodon's.
fn grouped_types(req: &HttpRequest) -> Vec<String> {
    let asked = list_param(req, "grouped_types");
    match asked.is_empty() {
        true => groups::GROUPED_BY_DEFAULT
            .iter()
            .map(|k| k.to_string())
            .collect(),
        false => asked,
    }
}

#[get("/api/v1/notifications")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let query = query_of(&req);
    let page = notifications::list(&ctx, &session.account, &query).await?;
    let body: Vec<presenter::NotificationEntity> = page
        .items
        .iter()
        .map(|n| presenter::notification(&ctx, n))
        .collect();
    Ok(crate::pagination::page_response(
        &ctx,
        &req,
        &page.cursors,
        &body,
    ))
}

#[get("/api/v1/notifications/{id}")]
async fn get_one(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let found = notifications::get(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::notification(&ctx, &found)))
}

#[post("/api/v1/notifications/{id}/dismiss")]
async fn dismiss(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    notifications::dismiss(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[post("/api/v1/notifications/clear")]
async fn clear(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    notifications::clear(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// How many unread (`limit`, default 100, at most 1000): since the
/// notifications marker.
fn cap(req: &HttpRequest) -> i64 {
    list_param(req, "limit")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
        .clamp(1, 1000)
}

#[get("/api/v1/notifications/unread_count")]
async fn unread_count(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let count = groups::unread_count(&ctx, &session.account, cap(&req), None).await?;
    Ok(HttpResponse::Ok().json(json!({ "count": count })))
}

#[get("/api/v2/notifications/unread_count")]
async fn grouped_unread_count(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let grouped = grouped_types(&req);
    let count = groups::unread_count(&ctx, &session.account, cap(&req), Some(&grouped)).await?;
    Ok(HttpResponse::Ok().json(json!({ "count": count })))
}

/// Moot filters no notifications: nothing ever waits as a request.
#[get("/api/v1/notifications/requests")]
async fn requests(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("read:notifications")?;
    Ok(HttpResponse::Ok().json(json!([])))
}

#[get("/api/v1/notifications/requests/merged")]
async fn requests_merged(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("read:notifications")?;
    Ok(HttpResponse::Ok().json(json!({ "merged": true })))
}

/// Accepting or dismissing requests by id: there are none, so nothing
/// changes (as Mastodon answers for ids it does not hold in a batch).
#[post("/api/v1/notifications/requests/{action:accept|dismiss}")]
async fn requests_settle_all(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("write:notifications")?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// No request is ever held, so none is found.
#[get("/api/v1/notifications/requests/{id}")]
async fn request_one(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("read:notifications")?;
    Err(ApiError::not_found())
}

#[post("/api/v1/notifications/requests/{id}/{action:accept|dismiss}")]
async fn request_settle(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("write:notifications")?;
    Err(ApiError::not_found())
}

/// Moot's policy: every notification is accepted (none is filtered or
/// dropped), as Mastodon's defaults are for people one follows.
fn accept_all() -> serde_json::Value {
    json!({
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "summary": { "pending_requests_count": 0, "pending_notifications_count": 0 },
    })
}

#[get("/api/v2/notifications/policy")]
async fn policy(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("read:notifications")?;
    Ok(HttpResponse::Ok().json(accept_all()))
}

/// The policy cannot be changed: the answer is the policy as it stays.
#[patch("/api/v2/notifications/policy")]
async fn change_policy(auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require("write:notifications")?;
    Ok(HttpResponse::Ok().json(accept_all()))
}

/// Mastodon's `GroupedNotificationsResults` of `found`: the groups, with
/// the accounts and posts they name, each once.
fn grouped_results(ctx: &Context, found: &[Group]) -> serde_json::Value {
    let mut accounts: Vec<presenter::AccountEntity> = Vec::new();
    let mut statuses: Vec<presenter::StatusEntity> = Vec::new();
    let mut shown = Vec::with_capacity(found.len());
    for group in found {
        for n in &group.notifications {
            if group.sample().iter().any(|a| a.id == n.from.account.id)
                && !accounts
                    .iter()
                    .any(|a| a.id == n.from.account.id.to_string())
            {
                accounts.push(presenter::account_view(ctx, &n.from));
            }
        }
        let newest = group.newest();
        if let Some(post) = &newest.post {
            if !statuses.iter().any(|s| s.id == post.status.id.to_string()) {
                statuses.push(presenter::status(ctx, post, true));
            }
        }
        let entity = presenter::notification(ctx, newest);
        let ids: Vec<i64> = group
            .notifications
            .iter()
            .map(|n| n.notification.id)
            .collect();
        shown.push(json!({
            "group_key": group.key,
            "notifications_count": group.notifications.len(),
            "type": group.kind,
            "most_recent_notification_id": newest.notification.id,
            "page_min_id": ids.iter().min().map(i64::to_string),
            "page_max_id": ids.iter().max().map(i64::to_string),
            "latest_page_notification_at": presenter::timestamp(group.latest_at()),
            "sample_account_ids": group.sample().iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
            "status_id": newest.post.as_ref().map(|p| p.status.id.to_string()),
            "moderation_warning": entity.moderation_warning,
        }));
    }
    json!({ "accounts": accounts, "statuses": statuses, "notification_groups": shown })
}

/// Mastodon 4.3's grouped notifications.
#[get("/api/v2/notifications")]
async fn grouped_list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let page = groups::page(
        &ctx,
        &session.account,
        &query_of(&req),
        &grouped_types(&req),
    )
    .await?;
    let mut response = HttpResponse::Ok();
    if let Some(link) = crate::pagination::link_header(&ctx, &req, &page.cursors) {
        response.insert_header((actix_web::http::header::LINK, link));
    }
    Ok(response.json(grouped_results(&ctx, &page.groups)))
}

#[get("/api/v2/notifications/{group_key}")]
async fn one_group(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let found = groups::one(&ctx, &session.account, &key, &grouped_types(&req)).await?;
    Ok(HttpResponse::Ok().json(grouped_results(&ctx, &[found])))
}

#[get("/api/v2/notifications/{group_key}/accounts")]
async fn group_accounts(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:notifications")?;
    let found = groups::one(&ctx, &session.account, &key, &grouped_types(&req)).await?;
    let mut accounts: Vec<presenter::AccountEntity> = Vec::new();
    for n in &found.notifications {
        if !accounts
            .iter()
            .any(|a| a.id == n.from.account.id.to_string())
        {
            accounts.push(presenter::account_view(&ctx, &n.from));
        }
    }
    Ok(HttpResponse::Ok().json(accounts))
}

#[post("/api/v2/notifications/{group_key}/dismiss")]
async fn dismiss_group(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:notifications")?;
    groups::dismiss(&ctx, &session.account, &key, &grouped_types(&req)).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
