//! Reports through the client API, in Mastodon's shapes: `POST
//! /api/v1/reports` for everyone, and `/api/v1/admin/reports` (list, show,
//! resolve, reopen) for the node's administrators; and Moot's
//! `/api/moot/v1/admin/statuses/{id}/remove`, what they do about a post.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::model::Account;
use moot_app::reports::{self, Report, ReportInput};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter::{self, timestamp};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(admin_list)
        .service(admin_show)
        .service(admin_resolve)
        .service(admin_reopen)
        .service(admin_remove_status);
}

#[derive(Deserialize)]
struct ReportParams {
    account_id: Option<String>,
    #[serde(default, rename = "status_ids[]", alias = "status_ids")]
    status_ids: Vec<String>,
    #[serde(default)]
    comment: String,
    category: Option<String>,
    #[serde(default, rename = "rule_ids[]", alias = "rule_ids")]
    rule_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    forward: Option<bool>,
}

fn ids(raw: &[String], field: &str) -> Result<Vec<i64>, ApiError> {
    raw.iter()
        .map(|id| {
            id.parse().map_err(|_| {
                ApiError::unprocessable(format!("Validation failed: {field} `{id}` is not an id"))
            })
        })
        .collect()
}

async fn account_entity(ctx: &Context, account: Account) -> Result<Value, ApiError> {
    let view = moot_app::views::posts::account(ctx, account).await?;
    Ok(json!(presenter::account_view(ctx, &view)))
}

/// What every showing of a report has, with `more` added.
fn report_json(report: &Report, more: Value) -> Value {
    let mut shown = json!({
        "id": report.id.to_string(),
        "action_taken": report.action_taken_at.is_some(),
        "action_taken_at": report.action_taken_at.map(timestamp),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": timestamp(report.created_at),
    });
    if let (Some(shown), Value::Object(more)) = (shown.as_object_mut(), more) {
        shown.extend(more);
    }
    shown
}

/// Mastodon's `Report`, as the reporter sees it.
async fn entity(ctx: &Context, report: &Report, target: Account) -> Result<Value, ApiError> {
    Ok(report_json(
        report,
        json!({
            "status_ids": report.status_ids.iter().map(i64::to_string).collect::<Vec<_>>(),
            "rule_ids": report.rule_ids.iter().map(i64::to_string).collect::<Vec<_>>(),
            "target_account": account_entity(ctx, target).await?,
        }),
    ))
}

#[post("/api/v1/reports")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:reports")?;
    let params: ReportParams = crate::params::parse(&req, &body).await?;
    let account_id = params
        .account_id
        .as_deref()
        .ok_or_else(|| ApiError::unprocessable("Validation failed: account_id is missing"))?;
    let input = ReportInput {
        account_id: parse_id(account_id)?,
        status_ids: ids(&params.status_ids, "status_ids")?,
        comment: params.comment,
        category: params.category,
        rule_ids: ids(&params.rule_ids, "rule_ids")?,
        forward: params.forward.unwrap_or(false),
    };
    let report = reports::create(&ctx, &session.account, input).await?;
    let target =
        moot_app::directory::by_id(&ctx, report.target_account_id.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(entity(&ctx, &report, target).await?))
}

async fn admin_account(ctx: &Context, account: Account) -> Result<Value, ApiError> {
    crate::admin_accounts::entity_of(ctx, account).await
}

/// Mastodon's `Admin::Report`: who reported whom, the posts, and who acted.
async fn admin_entity(ctx: &Context, viewer: &Account, report: &Report) -> Result<Value, ApiError> {
    let by_id = |id: i64| moot_app::directory::by_id(ctx, id);
    let reporter = admin_account(ctx, by_id(report.reporter_id).await?).await?;
    let target = match report.target_account_id {
        Some(id) => admin_account(ctx, by_id(id).await?).await?,
        None => Value::Null,
    };
    let acted_by = match report.action_taken_by_id {
        Some(id) => admin_account(ctx, by_id(id).await?).await?,
        None => Value::Null,
    };
    let posts = reports::posts(ctx, report).await?;
    let statuses: Vec<Value> = moot_app::views::posts::posts(ctx, Some(viewer), posts)
        .await?
        .iter()
        .map(|post| json!(presenter::status(ctx, post, true)))
        .collect();
    Ok(report_json(
        report,
        json!({
            "updated_at": timestamp(report.updated_at),
            "account": reporter,
            "target_account": target,
            "assigned_account": null,
            "action_taken_by_account": acted_by,
            "statuses": statuses,
            "rules": moot_app::node_texts::rules(ctx)
                .await?
                .iter()
                .filter(|r| report.rule_ids.contains(&r.id))
                .map(crate::instance::rule_entity)
                .collect::<Vec<_>>(),
        }),
    ))
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "crate::params::flag")]
    resolved: Option<bool>,
    max_id: Option<String>,
    limit: Option<i64>,
}

#[get("/api/v1/admin/reports")]
async fn admin_list(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:read:reports")?;
    let max_id = query.max_id.as_deref().map(parse_id).transpose()?;
    let limit = query.limit.unwrap_or(100).clamp(1, 200);
    // Open reports unless asked otherwise, as Mastodon lists them.
    let resolved = Some(query.resolved.unwrap_or(false));
    let found = reports::list(&ctx, resolved, max_id, limit).await?;
    let mut shown = Vec::with_capacity(found.len());
    for report in &found {
        shown.push(admin_entity(&ctx, &session.account, report).await?);
    }
    Ok(HttpResponse::Ok().json(shown))
}

#[get("/api/v1/admin/reports/{id}")]
async fn admin_show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:read:reports")?;
    let report = reports::find(&ctx, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(admin_entity(&ctx, &session.account, &report).await?))
}

async fn set_resolved(
    ctx: &Context,
    auth: &Auth,
    id: &str,
    resolved: bool,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:reports")?;
    let report = reports::set_resolved(ctx, &session.account, parse_id(id)?, resolved).await?;
    Ok(HttpResponse::Ok().json(admin_entity(ctx, &session.account, &report).await?))
}

#[post("/api/v1/admin/reports/{id}/resolve")]
async fn admin_resolve(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_resolved(&ctx, &auth, &id, true).await
}

#[post("/api/v1/admin/reports/{id}/reopen")]
async fn admin_reopen(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_resolved(&ctx, &auth, &id, false).await
}

#[derive(Deserialize, Default)]
struct RemoveParams {
    #[serde(default)]
    reason: String,
}

/// Removes a post (a `Delete` to every node that had it, for a post made
/// here); the audit log keeps the reason.
#[post("/api/moot/v1/admin/statuses/{id}/remove")]
async fn admin_remove_status(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:reports")?;
    let params: RemoveParams = match body.is_empty() {
        true => RemoveParams::default(),
        false => crate::params::parse(&req, &body).await?,
    };
    let removed =
        moot_app::statuses::remove(&ctx, &session.account, parse_id(&id)?, &params.reason).await?;
    let uri = moot_app::statuses::status_uri(&ctx, &removed)?;
    Ok(HttpResponse::Ok().json(json!({ "id": removed.id.to_string(), "uri": uri })))
}
