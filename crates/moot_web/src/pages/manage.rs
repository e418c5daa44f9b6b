//! `/groups/NAME/manage`: what a group's moderators decide: requests to
//! join, bans, moderators (the owner appoints them), and the group's name,
//! description and way of joining. Each decision goes through
//! `moot_app::groups`, which checks the person may make it.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::groups::{GroupChange, MembershipMode};
use moot_app::model::{Account, FollowAnswer};
use moot_app::views::groups::{GroupCard, Membership};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, FieldError, Input};
use crate::pages::groups::{find, section, section_trail};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(manage_page)
        .service(decide)
        .service(change_settings)
        .service(remove_post)
        .service(lock_thread)
        .service(resolve_report);
}

/// A moderator's tools under a post of their group: remove it (with a
/// reason for the audit log), and close or reopen its thread.
pub fn post_moderation(group: &GroupCard, csrf: &str, status_id: i64, closed: bool) -> Markup {
    let base = format!("{}/posts/{status_id}", section(group, "manage"));
    html! {
        details class="moderation" {
            summary { "Moderate this post" }
            form method="post" action={ (base) "/remove" } {
                (csrf_field(csrf))
                div class="field" {
                    label for={ "remove-reason-" (status_id) } { "Why remove it from the group" }
                    span class="hint" id={ "remove-reason-" (status_id) "-hint" } { "Kept in the audit log." }
                    input type="text" id={ "remove-reason-" (status_id) } name="reason" aria-describedby={ "remove-reason-" (status_id) "-hint" };
                }
                button type="submit" class="warning" { "Remove from the group" }
            }
            form method="post" action={ (base) "/lock" } {
                (csrf_field(csrf))
                @if closed {
                    input type="hidden" name="locked" value="false";
                    button type="submit" class="secondary" { "Reopen to replies" }
                } @else {
                    input type="hidden" name="locked" value="true";
                    button type="submit" class="secondary" { "Close to new replies" }
                }
            }
        }
    }
}

/// A button that posts one decision about one person.
fn decision(
    base: &str,
    csrf: &str,
    action: &str,
    person: &Account,
    label: &str,
    class: Option<&str>,
) -> Markup {
    html! {
        form class="inline" method="post" action={ (base) "/" (action) } {
            (csrf_field(csrf))
            input type="hidden" name="account_id" value=(person.id);
            button type="submit" class=[class] { (label) span class="visually-hidden" { " " (posts::shown_name(person)) } }
        }
    }
}

async fn render(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    let me = &session.session.account;
    if !group.membership.moderates() || !group.is_local() {
        return Err(WebError::forbidden(
            "Only the group's owner and moderators can manage it.",
        ));
    }
    let id = group.account.id;
    let requests = moot_app::groups::pending_requests(ctx, me, id).await?;
    let members = moot_app::groups::members(ctx, me, id, None, 200).await?;
    let banned = moot_app::groups::bans(ctx, me, id).await?;
    let reports = moot_app::group_moderation::reports(ctx, me, id).await?;
    let mut reported = Vec::with_capacity(reports.len());
    for report in &reports {
        let found = moot_app::reports::posts(ctx, report).await?;
        let shown = moot_app::views::posts::posts(ctx, Some(me), found).await?;
        reported.push((report, shown));
    }
    let base = section(group, "manage");
    let csrf = &session.csrf_token;
    let owner = group.membership == Membership::Owner;
    let modes = [
        (MembershipMode::Open, "Open: anyone can join"),
        (
            MembershipMode::Approval,
            "Approval: a moderator accepts each request",
        ),
        (
            MembershipMode::Private,
            "Private: approval, and only members see what it keeps",
        ),
    ];
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        &format!("Manage {}", group.shown_name()),
        html! {
            (section_trail(group, "manage", "Manage"))
            h1 { span class="caption" { (group.shown_name()) } "Manage the group" }
            h2 id="reports" { "Reports about posts in this group" }
            @if reported.is_empty() { p { "No open reports." } }
            @else {
                ul class="feed" {
                    @for (report, shown) in &reported {
                        li {
                            p { strong { (moot_app::reports::category_label(&report.category)) } " · " (layout::when(report.created_at))
                                @if !report.comment.is_empty() { ": " (report.comment) } }
                            @for post in shown.iter().filter(|p| p.status.group_id == Some(id)) {
                                (posts::post(ctx, post, true))
                                (post_moderation(group, csrf, post.status.id, false))
                            }
                            form method="post" action={ (base) "/reports/" (report.id) "/resolve" } {
                                (csrf_field(csrf))
                                button type="submit" class="secondary" { "Mark as resolved" span class="visually-hidden" { " (report " (report.id) ")" } }
                            }
                        }
                    }
                }
            }
            h2 { "Requests to join" }
            @if requests.is_empty() { p { "No one is waiting." } }
            @else {
                ul class="feed" {
                    @for person in &requests {
                        li {
                            a href=(posts::person_href(person)) { (posts::shown_name(person)) } " " span class="secondary" { (posts::handle(ctx, person)) }
                            div class="button-group" {
                                (decision(&base, csrf, "accept", person, "Accept", None))
                                (decision(&base, csrf, "reject", person, "Reject", Some("secondary")))
                            }
                        }
                    }
                }
            }
            h2 { "Members" }
            div class="table-wrap" {
                table {
                    caption class="visually-hidden" { "Members and their roles" }
                    thead { tr { th scope="col" { "Member" } th scope="col" { "Role" } th scope="col" { span class="visually-hidden" { "Actions" } } } }
                    tbody {
                        @for (_, person, role) in &members {
                            tr {
                                td { a href=(posts::person_href(person)) { (posts::shown_name(person)) } br; span class="secondary" { (posts::handle(ctx, person)) } }
                                td { (role) }
                                td {
                                    @if *role != "owner" && person.id != me.id {
                                        div class="button-group" {
                                            @if owner && person.domain.is_none() {
                                                @if *role == "moderator" { (decision(&base, csrf, "demote", person, "Remove as moderator", Some("secondary"))) }
                                                @else { (decision(&base, csrf, "promote", person, "Make moderator", Some("secondary"))) }
                                            }
                                            (decision(&base, csrf, "ban", person, "Ban", Some("warning")))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Banned" }
            @if banned.is_empty() { p { "No one is banned." } }
            @else {
                ul {
                    @for person in &banned {
                        li { (posts::handle(ctx, person)) " " (decision(&base, csrf, "unban", person, "Lift the ban", Some("secondary"))) }
                    }
                }
            }
            h2 id="settings" { "Name, description and joining" }
            (layout::error_summary(errors))
            form method="post" action={ (base) "/settings" } novalidate {
                (csrf_field(csrf))
                (layout::input(&Input { value: group.shown_name(), ..Input::new("display_name", "Name") }, errors))
                (layout::textarea(&Input { hint: Some("Leave empty to keep the current description. You can use Markdown."),
                    ..Input::new("description", "New description (optional)") }, 5, errors))
                fieldset {
                    legend { "How people join" }
                    div class="radios" {
                        @for (mode, label) in modes {
                            div {
                                input type="radio" id={ "mode-" (mode.as_str()) } name="mode" value=(mode.as_str()) checked[group.mode == Some(mode)];
                                label for={ "mode-" (mode.as_str()) } { (label) }
                            }
                        }
                    }
                }
                button type="submit" { "Save" }
            }
        },
    ))
}

#[get("/groups/{handle}/manage")]
async fn manage_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    viewer.require(&req)?;
    let group = find(&ctx, &viewer, &handle).await?;
    render(&ctx, &req, &viewer, &group, &[]).await
}

#[derive(Deserialize)]
struct Person {
    #[serde(default)]
    account_id: String,
}

#[post("/groups/{handle}/manage/{action:accept|reject|ban|unban|promote|demote}")]
async fn decide(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    posted: Posted<Person>,
) -> Result<HttpResponse, WebError> {
    let (handle, action) = path.into_inner();
    let me = &posted.viewer.require(&req)?.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let id = group.account.id;
    let person: i64 = posted
        .form
        .account_id
        .parse()
        .map_err(|_| WebError::bad_request("Choose a person."))?;
    let groups = moot_app::groups::answer_request;
    let notice = match action.as_str() {
        "accept" => {
            groups(&ctx, me, id, person, FollowAnswer::Accept).await?;
            "The request has been accepted."
        }
        "reject" => {
            groups(&ctx, me, id, person, FollowAnswer::Reject).await?;
            "The request has been rejected."
        }
        "ban" => {
            moot_app::groups::ban(&ctx, me, id, person).await?;
            "They are banned from the group."
        }
        "unban" => {
            moot_app::groups::unban(&ctx, me, id, person).await?;
            "The ban has been lifted."
        }
        "promote" => {
            moot_app::groups::set_role(&ctx, me, id, person, true).await?;
            "They are a moderator now."
        }
        _ => {
            moot_app::groups::set_role(&ctx, me, id, person, false).await?;
            "They are no longer a moderator."
        }
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &section(&group, "manage"),
        notice,
    ))
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    mode: String,
}

#[post("/groups/{handle}/manage/settings")]
async fn change_settings(
    ctx: web::Data<Context>,
    req: HttpRequest,
    handle: web::Path<String>,
    posted: Posted<SettingsForm>,
) -> Result<HttpResponse, WebError> {
    let me = &posted.viewer.require(&req)?.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let form = &posted.form;
    let change = GroupChange {
        display_name: Some(form.display_name.trim().to_owned()).filter(|n| !n.is_empty()),
        description: Some(form.description.trim().to_owned()).filter(|d| !d.is_empty()),
        mode: MembershipMode::parse(&form.mode),
    };
    match moot_app::groups::change(&ctx, me, group.account.id, change).await {
        Ok(_) => Ok(session::redirect_with_notice(
            &ctx,
            &section(&group, "manage"),
            "The group's settings have been saved.",
        )),
        Err(AppError::Invalid { field, message }) => {
            let field = if field == "display_name" {
                "display_name"
            } else {
                "description"
            };
            let errors = [FieldError {
                field,
                message: format!("The {} {message}", field.replace('_', " ")),
            }];
            render(&ctx, &req, &posted.viewer, &group, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
}

#[post("/groups/{handle}/manage/posts/{id}/remove")]
async fn remove_post(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    posted: Posted<RemoveForm>,
) -> Result<HttpResponse, WebError> {
    let (handle, status_id) = path.into_inner();
    let me = &posted.viewer.require(&req)?.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    moot_app::group_moderation::remove_post(
        &ctx,
        me,
        group.account.id,
        status_id,
        &posted.form.reason,
    )
    .await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/groups/{}", group.handle()),
        "The post has been removed from the group.",
    ))
}

#[derive(Deserialize)]
struct LockForm {
    #[serde(default)]
    locked: String,
}

#[post("/groups/{handle}/manage/posts/{id}/lock")]
async fn lock_thread(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    posted: Posted<LockForm>,
) -> Result<HttpResponse, WebError> {
    let (handle, status_id) = path.into_inner();
    let me = &posted.viewer.require(&req)?.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let locked = posted.form.locked == "true";
    moot_app::group_moderation::lock_thread(&ctx, me, group.account.id, status_id, locked).await?;
    let notice = if locked {
        "The discussion is closed to new replies."
    } else {
        "The discussion is open to replies again."
    };
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/posts/{status_id}"),
        notice,
    ))
}

#[post("/groups/{handle}/manage/reports/{id}/resolve")]
async fn resolve_report(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let (handle, report_id) = path.into_inner();
    let me = &posted.viewer.require(&req)?.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    moot_app::group_moderation::resolve_report(&ctx, me, group.account.id, report_id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("{}#reports", section(&group, "manage")),
        "The report is resolved.",
    ))
}
