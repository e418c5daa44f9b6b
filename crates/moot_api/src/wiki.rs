//! Moot's own API for group wikis, under `/api/moot/v1/groups/{id}/wiki`:
//! pages, their history, diffs between revisions, edits (which name the
//! version they were based on: a stale one is answered 409 with both
//! texts), restoring an old revision, and who may edit. Edits of another
//! node's page are sent there and answered 202 with a submission whose
//! state the author can follow. Described in `crates/moot_api/openapi.json`.

use actix_web::{get, post, put, route, web, HttpRequest, HttpResponse};
use moot_app::model::Account;
use moot_app::model::{Revision, Submission, WikiPage as Page};
use moot_app::wiki::{self, EditInput, EditOutcome, EditPolicy, NewPage, PageView};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::render_accounts;
use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(history)
        .service(edit)
        .service(diff)
        .service(restore)
        .service(show_submission)
        .service(group_policy)
        .service(page_policy)
        .service(group_editor)
        .service(page_editor);
}

fn page_json(page: &Page, group: &Account, policy: Option<EditPolicy>) -> Value {
    let mut body = json!({
        "id": page.id.to_string(),
        "group_id": group.id.to_string(),
        "slug": page.slug,
        "title": page.title,
        "uri": page.ap_id,
        "local": group.domain.is_none(),
        "version": page.version,
        "created_at": page.created_at,
        "updated_at": page.updated_at,
    });
    if let Some(policy) = policy {
        body["body"] = json!(page.body);
        body["content"] = json!(page.content_html);
        body["edit_policy"] = json!(policy.as_str());
    }
    body
}

fn view_json(view: &PageView) -> Value {
    page_json(&view.page, &view.group, Some(view.policy))
}

async fn revisions_json(
    ctx: &Context,
    revisions: &[(Revision, Account)],
) -> Result<Vec<Value>, ApiError> {
    let authors: Vec<Account> = revisions.iter().map(|(_, a)| a.clone()).collect();
    let rendered = render_accounts(ctx, &authors).await?;
    Ok(revisions
        .iter()
        .zip(rendered)
        .map(|((r, _), author)| {
            json!({
                "number": r.number,
                "uri": r.ap_id,
                "version": r.version,
                "previous_version": r.previous_version,
                "author": author,
                "summary": r.summary,
                "title": r.title,
                "body": r.body,
                "created_at": r.created_at,
            })
        })
        .collect())
}

fn submission_json(submission: &Submission, group: &Account, view: Option<&PageView>) -> Value {
    json!({
        "id": submission.id.to_string(),
        "state": submission.state,
        "reason": submission.reason,
        "base_version": submission.base_version,
        "title": submission.title,
        "body": submission.body,
        "summary": submission.summary,
        "created_at": submission.created_at,
        "decided_at": submission.decided_at,
        "group_id": group.id.to_string(),
        "page": view.map(view_json),
    })
}

fn policy(raw: &str) -> Result<EditPolicy, ApiError> {
    EditPolicy::parse(raw).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "Validation failed: policy `{raw}` is not members, moderators or editors"
        ))
    })
}

#[get("/api/moot/v1/groups/{id}/wiki")]
async fn list(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (max_id, limit) = (query.max_id(), query.limit(40, 80));
    let (group, pages) =
        wiki::pages(&ctx, Some(&session.account), parse_id(&id)?, max_id, limit).await?;
    let body: Vec<Value> = pages.iter().map(|p| page_json(p, &group, None)).collect();
    let ids: Vec<i64> = pages.iter().map(|p| p.id).collect();
    Ok(crate::pagination::page_response(&ctx, &req, &ids, &body))
}

#[derive(Deserialize)]
struct NewPageParams {
    title: String,
    body: String,
    summary: Option<String>,
}

#[post("/api/moot/v1/groups/{id}/wiki")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: NewPageParams = crate::params::parse(&req, &body).await?;
    let created = wiki::create_page(
        &ctx,
        &session.account,
        parse_id(&id)?,
        &params.title,
        &params.body,
        params.summary.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(match created {
        NewPage::Created(view) => HttpResponse::Ok().json(view_json(&view)),
        NewPage::Submitted(_, submission) => HttpResponse::Accepted().json(json!({
            "state": submission.state,
            "submission_id": submission.id.to_string(),
            "page": null,
        })),
    })
}

#[get("/api/moot/v1/groups/{id}/wiki/{slug}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (id, slug) = path.into_inner();
    let view = wiki::page(&ctx, Some(&session.account), parse_id(&id)?, &slug).await?;
    Ok(HttpResponse::Ok().json(view_json(&view)))
}

#[get("/api/moot/v1/groups/{id}/wiki/{slug}/revisions")]
async fn history(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (id, slug) = path.into_inner();
    let (_, revisions) = wiki::history(&ctx, Some(&session.account), parse_id(&id)?, &slug).await?;
    Ok(HttpResponse::Ok().json(revisions_json(&ctx, &revisions).await?))
}

#[derive(Deserialize)]
struct EditParams {
    base_version: String,
    title: Option<String>,
    body: String,
    summary: Option<String>,
}

/// 200 for an edit recorded here, 202 for one sent to the group's node.
fn outcome_response(outcome: EditOutcome) -> HttpResponse {
    match outcome {
        EditOutcome::Saved(page, revision) => HttpResponse::Ok().json(json!({
            "state": "accepted",
            "revision": revision.number,
            "page": page_id_json(&page),
        })),
        EditOutcome::Submitted(page, submission) => HttpResponse::Accepted().json(json!({
            "state": submission.state,
            "submission_id": submission.id.to_string(),
            "page": page_id_json(&page),
        })),
    }
}

fn page_id_json(page: &Page) -> Value {
    json!({ "id": page.id.to_string(), "slug": page.slug, "version": page.version })
}

#[post("/api/moot/v1/groups/{id}/wiki/{slug}/revisions")]
async fn edit(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let (id, slug) = path.into_inner();
    let params: EditParams = crate::params::parse(&req, &body).await?;
    let input = EditInput {
        base_version: params.base_version,
        title: params.title,
        body: params.body,
        summary: params.summary.unwrap_or_default(),
    };
    let outcome = wiki::edit(&ctx, &session.account, parse_id(&id)?, &slug, input).await?;
    Ok(outcome_response(outcome))
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i32,
    to: i32,
}

#[get("/api/moot/v1/groups/{id}/wiki/{slug}/diff")]
async fn diff(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (id, slug) = path.into_inner();
    let (from, to, diff) = wiki::diff(
        &ctx,
        Some(&session.account),
        parse_id(&id)?,
        &slug,
        query.from,
        query.to,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "from": { "number": from.number, "version": from.version },
        "to": { "number": to.number, "version": to.version },
        "diff": diff,
    })))
}

#[derive(Deserialize)]
struct RestoreParams {
    revision: crate::params::Number,
}

#[post("/api/moot/v1/groups/{id}/wiki/{slug}/restore")]
async fn restore(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let (id, slug) = path.into_inner();
    let params: RestoreParams = crate::params::parse(&req, &body).await?;
    // A revision number past any page's is one the page does not have.
    let revision = i32::try_from(params.revision.0).unwrap_or(i32::MAX);
    let outcome = wiki::restore(&ctx, &session.account, parse_id(&id)?, &slug, revision).await?;
    Ok(outcome_response(outcome))
}

#[get("/api/moot/v1/wiki/submissions/{id}")]
async fn show_submission(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (submission, group, view) =
        wiki::submission(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(submission_json(&submission, &group, view.as_ref())))
}

#[derive(Deserialize)]
struct PolicyParams {
    /// None on a page: the group's policy applies again.
    policy: Option<String>,
}

#[put("/api/moot/v1/groups/{id}/wiki_policy")]
async fn group_policy(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let params: PolicyParams = crate::params::parse(&req, &body).await?;
    let raw = params
        .policy
        .ok_or_else(|| ApiError::unprocessable("Validation failed: policy can't be blank"))?;
    let chosen = policy(&raw)?;
    wiki::set_policy(&ctx, &session.account, parse_id(&id)?, None, Some(chosen)).await?;
    Ok(HttpResponse::Ok().json(json!({ "policy": chosen.as_str() })))
}

#[put("/api/moot/v1/groups/{id}/wiki/{slug}/policy")]
async fn page_policy(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (id, slug) = path.into_inner();
    let params: PolicyParams = crate::params::parse(&req, &body).await?;
    let chosen = params.policy.as_deref().map(policy).transpose()?;
    wiki::set_policy(&ctx, &session.account, parse_id(&id)?, Some(&slug), chosen).await?;
    Ok(HttpResponse::Ok().json(json!({ "policy": chosen.map(EditPolicy::as_str) })))
}

async fn set_editor(
    ctx: &Context,
    auth: Auth,
    group: &str,
    slug: Option<&str>,
    account: &str,
    listed: bool,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    wiki::set_editor(
        ctx,
        &session.account,
        parse_id(group)?,
        slug,
        parse_id(account)?,
        listed,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// POST lists someone as an editor of the group's pages, DELETE unlists them.
#[route(
    "/api/moot/v1/groups/{id}/wiki_editors/{account_id}",
    method = "POST",
    method = "DELETE"
)]
async fn group_editor(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, account) = path.into_inner();
    let listed = req.method() == actix_web::http::Method::POST;
    set_editor(&ctx, auth, &group, None, &account, listed).await
}

/// The same for one page.
#[route(
    "/api/moot/v1/groups/{id}/wiki/{slug}/editors/{account_id}",
    method = "POST",
    method = "DELETE"
)]
async fn page_editor(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, slug, account) = path.into_inner();
    let listed = req.method() == actix_web::http::Method::POST;
    set_editor(&ctx, auth, &group, Some(&slug), &account, listed).await
}
