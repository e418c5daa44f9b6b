//! `/admin/accounts`: every account the node knows, with filters (this
//! node's or others', waiting for approval, suspended, limited,
//! administrators, by domain, by name or email), and one account's page:
//! approve or reject a sign-up, warn, mark sensitive, limit or suspend
//! (and undo), grant or remove the admin role, make a password reset link.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::moderation::{self, AccountFilter, Action, Decision, Managed, Undo};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::posts;
use crate::session::{self, Viewer};

use super::{administrator, nav};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(account_page)
        .service(act)
        .service(undo)
        .service(approve)
        .service(reject)
        .service(role)
        .service(reset_link);
}

const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    q: String,
    max_id: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> AccountFilter {
        AccountFilter {
            local: match self.origin.as_str() {
                "local" => Some(true),
                "remote" => Some(false),
                _ => None,
            },
            pending: self.status == "pending",
            suspended: self.status == "suspended",
            silenced: self.status == "silenced",
            admins: self.status == "admins",
            domain: Some(self.domain.trim().to_owned()).filter(|d| !d.is_empty()),
            search: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            max_id: self.max_id,
            limit: PAGE,
        }
    }

    /// This query's address with `max_id` set, for the next page.
    fn next(&self, max_id: i64) -> String {
        let enc = crate::forms::encode;
        format!(
            "/admin/accounts?status={}&origin={}&domain={}&q={}&max_id={max_id}",
            enc(&self.status),
            enc(&self.origin),
            enc(&self.domain),
            enc(&self.q)
        )
    }
}

/// A `select` of a filter form.
fn choice(name: &str, label: &str, current: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div class="field" {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
            }
        }
    }
}

/// The tags that say what state an account is in.
fn state_tags(managed: &Managed) -> Markup {
    let a = &managed.account;
    let pending = managed.user.as_ref().is_some_and(|u| !u.approved);
    let active = !pending && a.suspended_at.is_none() && a.silenced_at.is_none();
    html! {
        @if active { "Active " }
        @if pending { strong class="tag" { "Waiting for approval" } }
        @if a.suspended_at.is_some() { strong class="tag grey" { "Suspended" } }
        @if a.silenced_at.is_some() { strong class="tag grey" { "Limited" } }
        @if a.sensitized_at.is_some() { strong class="tag grey" { "Sensitive" } }
        @if managed.user.as_ref().is_some_and(|u| u.is_admin) { strong class="tag green" { "Administrator" } }
    }
}

#[get("/admin/accounts")]
async fn list_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let found = moderation::list(&ctx, &session.session.account, &query.filter()).await?;
    let more = found.len() as i64 == PAGE;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Accounts",
        html! {
            (nav("/admin/accounts"))
            h1 { "Accounts" }
            form method="get" action="/admin/accounts" class="panel" {
                div class="filters" {
                    (choice("status", "Show", &query.status, &[("", "All accounts"), ("pending", "Waiting for approval"),
                        ("suspended", "Suspended"), ("silenced", "Limited"), ("admins", "Administrators")]))
                    (choice("origin", "From", &query.origin, &[("", "Any node"), ("local", "This node"), ("remote", "Other nodes")]))
                    div class="field" {
                        label for="domain" { "Domain" }
                        input type="text" id="domain" name="domain" value=(query.domain);
                    }
                    div class="field" {
                        label for="q" { "Name or email" }
                        input type="search" id="q" name="q" value=(query.q);
                    }
                }
                button type="submit" { "Filter" }
            }
            @if found.is_empty() {
                p { "No accounts match." }
            } @else {
                div class="table-wrap" {
                    table {
                        caption class="visually-hidden" { "Accounts, newest first" }
                        thead { tr { th scope="col" { "Account" } th scope="col" { "State" } th scope="col" { "Joined or first seen" } } }
                        tbody {
                            @for m in &found {
                                tr {
                                    td { a href={ "/admin/accounts/" (m.account.id) } { (posts::handle(&ctx, &m.account)) } }
                                    td { (state_tags(m)) }
                                    td { (layout::when(m.account.created_at)) }
                                }
                            }
                        }
                    }
                }
                @if more {
                    @if let Some(last) = found.last() {
                        nav class="pagination" aria-label="Pages" { a href=(query.next(last.account.id)) { "Older accounts" } }
                    }
                }
            }
        },
    ))
}

fn warning_label(action: &str) -> &'static str {
    match action {
        "sensitive" => "Files marked sensitive",
        "silence" => "Limited",
        "suspend" => "Suspended",
        _ => "Warning",
    }
}

#[get("/admin/accounts/{id}")]
async fn account_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let admin = &session.session.account;
    let managed = moderation::find(&ctx, admin, *id).await?;
    let warnings = moderation::warnings(&ctx, admin, *id).await?;
    let csrf = &session.csrf_token;
    let account = &managed.account;
    let own = account.id == admin.id;
    let title = posts::handle(&ctx, account);
    let base = format!("/admin/accounts/{}", account.id);
    let pending = managed.user.as_ref().is_some_and(|u| !u.approved);
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &title,
        html! {
            (nav("/admin/accounts"))
            (layout::breadcrumbs(&[("/admin/accounts", "Accounts")]))
            h1 { (title) }
            dl class="summary-list" {
                div { dt { "Profile" } dd { a href=(posts::person_href(account)) { (posts::handle(&ctx, account)) } } }
                div { dt { "Node" } dd { (account.domain.as_deref().unwrap_or("This node")) } }
                @if let Some(user) = &managed.user {
                    div { dt { "Email" } dd { (user.email) } }
                    @if !user.sign_up_reason.is_empty() {
                        div { dt { "Why they want to join" } dd { (user.sign_up_reason) } }
                    }
                    @if user.invite_id.is_some() { div { dt { "Joined with" } dd { "An invitation" } } }
                }
                div { dt { "Joined or first seen" } dd { (layout::when(account.created_at)) } }
                div { dt { "State" } dd {
                    (state_tags(&managed))
                    @if account.suspension_origin.as_deref() == Some("remote") { " (by its own node)" }
                } }
            }
            @if pending {
                h2 { "Sign-up" }
                div class="button-group" {
                    form method="post" action={ (base) "/approve" } { (csrf_field(csrf)) button type="submit" { "Approve" } }
                    form method="post" action={ (base) "/reject" } { (csrf_field(csrf)) button type="submit" class="warning" { "Reject and remove" } }
                }
            } @else if !own {
                h2 { "Take action" }
                form method="post" action={ (base) "/act" } {
                    (csrf_field(csrf))
                    fieldset class="radios" {
                        legend { "What to do" }
                        div { input type="radio" id="action-none" name="action" value="none" checked; label for="action-none" { "Warn only" } }
                        div { input type="radio" id="action-sensitive" name="action" value="sensitive"; label for="action-sensitive" { "Mark their files as sensitive" } }
                        div { input type="radio" id="action-silence" name="action" value="silence"; label for="action-silence" { "Limit: keep their posts out of public timelines" } }
                        div { input type="radio" id="action-suspend" name="action" value="suspend";
                            label for="action-suspend" {
                                @if account.domain.is_none() { "Suspend: sign them out, hide their posts and tell other nodes" }
                                @else { "Suspend: hide them on this node" }
                            } }
                    }
                    (layout::textarea(&layout::Input { hint: Some("Kept in the audit log, and shown to them when they are told."),
                        ..layout::Input::new("text", "Reason") }, 4, &[]))
                    @if account.domain.is_none() {
                        div class="field checkbox" {
                            input type="checkbox" id="notify" name="notify" value="true" checked;
                            label for="notify" { "Tell them (a notification in their apps)" }
                        }
                    }
                    button type="submit" class="warning" { "Apply" }
                }
                @let undos = [
                    (account.suspended_at.is_some() && account.suspension_origin.as_deref() != Some("remote"), "suspend", "Lift the suspension"),
                    (account.silenced_at.is_some(), "silence", "Stop limiting"),
                    (account.sensitized_at.is_some(), "sensitive", "Stop marking files sensitive"),
                ];
                @if undos.iter().any(|(on, _, _)| *on) {
                    div class="button-group" {
                        @for (on, what, label) in undos {
                            @if on {
                                form method="post" action={ (base) "/undo" } {
                                    (csrf_field(csrf))
                                    input type="hidden" name="what" value=(what);
                                    button type="submit" class="secondary" { (label) }
                                }
                            }
                        }
                    }
                }
                @if let Some(user) = &managed.user {
                    h2 { "Sign-in and role" }
                    div class="button-group" {
                        form method="post" action={ (base) "/role" } {
                            (csrf_field(csrf))
                            @if user.is_admin {
                                input type="hidden" name="admin" value="false";
                                button type="submit" class="secondary" { "Remove administrator role" }
                            } @else {
                                input type="hidden" name="admin" value="true";
                                button type="submit" class="secondary" { "Make administrator" }
                            }
                        }
                        form method="post" action={ (base) "/reset" } {
                            (csrf_field(csrf))
                            button type="submit" class="secondary" { "Make a password reset link" }
                        }
                    }
                }
            }
            h2 { "Warnings and decisions" }
            @if warnings.is_empty() { p { "None." } }
            @else {
                ul {
                    @for w in &warnings {
                        li { strong { (warning_label(&w.action)) } ", " (layout::when(w.created_at))
                            @if !w.text.is_empty() { ": " (w.text) } }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    notify: Option<String>,
    report_id: Option<i64>,
}

#[post("/admin/accounts/{id}/act")]
async fn act(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<ActForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let action = Action::parse(&posted.form.action)
        .ok_or_else(|| AppError::invalid("action", "is none, sensitive, silence or suspend"))?;
    let decision = Decision {
        action,
        text: posted.form.text.clone(),
        report_id: posted.form.report_id,
        notify: posted.form.notify.is_some(),
    };
    moderation::act(&ctx, &session.session.account, *id, &decision).await?;
    let notice = match action {
        Action::Warn => "The warning has been sent.",
        Action::Sensitive => "Their files are now marked as sensitive.",
        Action::Silence => "The account is limited.",
        Action::Suspend => "The account is suspended.",
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/admin/accounts/{id}"),
        notice,
    ))
}

#[derive(Deserialize)]
struct UndoForm {
    #[serde(default)]
    what: String,
}

#[post("/admin/accounts/{id}/undo")]
async fn undo(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<UndoForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let (what, notice) = match posted.form.what.as_str() {
        "suspend" => (Undo::Suspend, "The suspension is lifted."),
        "silence" => (Undo::Silence, "The account is no longer limited."),
        "sensitive" => (
            Undo::Sensitive,
            "Their files are no longer marked as sensitive.",
        ),
        _ => return Err(AppError::invalid("what", "is suspend, silence or sensitive").into()),
    };
    moderation::undo(&ctx, &session.session.account, *id, what).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/admin/accounts/{id}"),
        notice,
    ))
}

#[post("/admin/accounts/{id}/approve")]
async fn approve(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    moderation::approve(&ctx, &session.session.account, *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/admin/accounts/{id}"),
        "The sign-up is approved: they can sign in now.",
    ))
}

#[post("/admin/accounts/{id}/reject")]
async fn reject(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let account = moderation::reject(&ctx, &session.session.account, *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        "/admin/accounts?status=pending",
        &format!(
            "The sign-up of {} is rejected and removed.",
            account.username
        ),
    ))
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    admin: String,
}

#[post("/admin/accounts/{id}/role")]
async fn role(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<RoleForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let make_admin = posted.form.admin == "true";
    moderation::set_admin(&ctx, &session.session.account, *id, make_admin).await?;
    let notice = if make_admin {
        "They are now an administrator."
    } else {
        "They are no longer an administrator."
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/admin/accounts/{id}"),
        notice,
    ))
}

/// Makes the link and shows it once: only its digest is kept.
#[post("/admin/accounts/{id}/reset")]
async fn reset_link(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let link = moderation::password_reset_link(&ctx, &session.session.account, *id).await?;
    let managed = moderation::find(&ctx, &session.session.account, *id).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &posted.viewer,
        "Password reset link",
        html! {
            (nav("/admin/accounts"))
            (layout::breadcrumbs(&[("/admin/accounts", "Accounts"), (&format!("/admin/accounts/{id}"), &managed.account.username)]))
            h1 { "Password reset link" }
            p { "Give this link to " strong { (managed.account.username) } " yourself (by email or in person). It works once, for 24 hours, and signs them out everywhere when used. It is shown only now." }
            p class="panel checksum" { (link.as_str()) }
        },
    ))
}
