//! `/admin/reports`: the node's administrators read reports about people
//! and posts (made here, or sent by other nodes) and act on them: remove
//! a post, resolve or reopen the report. Each action goes through
//! `moot_app`, which checks the person may take it and records it in the
//! audit log.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::reports::{self, category_label, Report};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::posts;
use crate::session::{self, Viewer};

use super::administrator;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(reports_page)
        .service(report_page)
        .service(decide)
        .service(remove_post);
}

async fn who(ctx: &Context, id: Option<i64>) -> Result<Option<moot_app::model::Account>, WebError> {
    Ok(match id {
        Some(id) => Some(moot_app::directory::by_id(ctx, id).await?),
        None => None,
    })
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    resolved: Option<String>,
}

#[get("/admin/reports")]
async fn reports_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    administrator(&req, &viewer)?;
    let resolved = query.resolved.is_some();
    let found = reports::list(&ctx, Some(resolved), None, 100).await?;
    let mut rows = Vec::with_capacity(found.len());
    for report in &found {
        let reporter = moot_app::directory::by_id(&ctx, report.reporter_id).await?;
        rows.push((report, reporter, who(&ctx, report.target_account_id).await?));
    }
    let title = if resolved {
        "Resolved reports"
    } else {
        "Open reports"
    };
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        title,
        html! {
            (super::nav("/admin/reports"))
            h1 { (title) }
            p {
                @if resolved { a href="/admin/reports" { "Open reports" } }
                @else { a href="/admin/reports?resolved=1" { "Resolved reports" } }
            }
            @if rows.is_empty() {
                p { "No reports." }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th scope="col" { "Reported" } th scope="col" { "Why" } th scope="col" { "By" } th scope="col" { "When" } } }
                        tbody {
                            @for (report, reporter, target) in &rows {
                                tr {
                                    td { a href={ "/admin/reports/" (report.id) } {
                                        @match target { Some(t) => { (posts::handle(&ctx, t)) }, None => { "Posts" } }
                                    } }
                                    td { (category_label(&report.category)) ": " (report.comment) }
                                    td { (posts::handle(&ctx, reporter)) }
                                    td { (layout::when(report.created_at)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn render_report(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    report: &Report,
) -> Result<HttpResponse, WebError> {
    let session = administrator(req, viewer)?;
    let reporter = moot_app::directory::by_id(ctx, report.reporter_id).await?;
    let target = who(ctx, report.target_account_id).await?;
    let acted_by = who(ctx, report.action_taken_by_id).await?;
    let posts = reports::posts(ctx, report).await?;
    let shown = moot_app::views::posts::posts(ctx, Some(&session.session.account), posts).await?;
    let csrf = &session.csrf_token;
    let title = format!("Report {}", report.id);
    Ok(layout::page(
        ctx,
        req,
        viewer,
        &title,
        html! {
            (super::nav("/admin/reports"))
            (layout::breadcrumbs(&[("/admin/reports", "Reports")]))
            h1 { (title) }
            dl class="summary-list" {
                div { dt { "Reported" } dd { @match &target { Some(t) => { a href=(posts::person_href(t)) { (posts::handle(ctx, t)) } }, None => { "Posts only" } } } }
                div { dt { "Why" } dd { (category_label(&report.category)) } }
                div { dt { "What they said" } dd { @if report.comment.is_empty() { "Nothing" } @else { (report.comment) } } }
                div { dt { "Reported by" } dd { (posts::handle(ctx, &reporter)) } }
                div { dt { "When" } dd { (layout::when(report.created_at)) } }
                div { dt { "Sent on to their node" } dd { @if report.forwarded { "Yes" } @else { "No" } } }
                div { dt { "State" } dd {
                    @match (&report.action_taken_at, &acted_by) {
                        (Some(at), Some(by)) => { "Resolved by " (posts::handle(ctx, by)) ", " (layout::when(*at)) }
                        _ => { "Open" }
                    }
                } }
            }
            h2 { "Posts reported" }
            @if shown.is_empty() {
                p { "None, or they have been removed." }
            } @else {
                ul class="feed" {
                    @for post in &shown {
                        li {
                            (posts::post(ctx, post, true))
                            form method="post" action={ "/admin/statuses/" (post.status.id) "/remove" } {
                                (csrf_field(csrf))
                                input type="hidden" name="report_id" value=(report.id);
                                // One form per post: each field its own id.
                                div class="field" {
                                    label for={ "reason-" (post.status.id) } { "Why remove it" }
                                    span class="hint" id={ "reason-" (post.status.id) "-hint" } { "Kept in the audit log." }
                                    input type="text" id={ "reason-" (post.status.id) } name="reason"
                                        aria-describedby={ "reason-" (post.status.id) "-hint" };
                                }
                                button type="submit" class="warning" { "Remove this post" }
                            }
                        }
                    }
                }
            }
            h2 { "Decision" }
            form method="post" action={ "/admin/reports/" (report.id) } {
                (csrf_field(csrf))
                @if report.action_taken_at.is_none() {
                    input type="hidden" name="decision" value="resolve";
                    button type="submit" { "Mark as resolved" }
                } @else {
                    input type="hidden" name="decision" value="reopen";
                    button type="submit" { "Reopen" }
                }
            }
        },
    ))
}

#[get("/admin/reports/{id}")]
async fn report_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    administrator(&req, &viewer)?;
    let report = reports::find(&ctx, *id).await?;
    render_report(&ctx, &req, &viewer, &report).await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
}

#[post("/admin/reports/{id}")]
async fn decide(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let resolved = match posted.form.decision.as_str() {
        "resolve" => true,
        "reopen" => false,
        _ => return Err(AppError::invalid("decision", "is resolve or reopen").into()),
    };
    reports::set_resolved(&ctx, &session.session.account, *id, resolved).await?;
    let notice = if resolved {
        "The report is resolved."
    } else {
        "The report is open again."
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/admin/reports/{id}"),
        notice,
    ))
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    report_id: Option<i64>,
}

#[post("/admin/statuses/{id}/remove")]
async fn remove_post(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<RemoveForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    moot_app::statuses::remove(
        &ctx,
        &session.session.account,
        *id,
        posted.form.reason.trim(),
    )
    .await?;
    let back = match posted.form.report_id {
        Some(report) => format!("/admin/reports/{report}"),
        None => "/admin/reports".to_owned(),
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &back,
        "The post has been removed, on every node that had it.",
    ))
}
