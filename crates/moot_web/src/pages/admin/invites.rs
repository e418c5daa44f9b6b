//! `/admin/invites`: links that let people sign up while registration is
//! closed, so a council can bring its staff on without opening the node
//! to everyone. Each admits one person or a set number, until a date.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use maud::html;
use moot_app::invites::{self, InviteInput};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::session::{self, Viewer};

use super::{administrator, nav};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(invites_page).service(create).service(revoke);
}

/// (form value, label, hours) for how long an invitation lasts.
const LIFETIMES: [(&str, &str, Option<i64>); 5] = [
    ("1d", "1 day", Some(24)),
    ("7d", "1 week", Some(24 * 7)),
    ("30d", "30 days", Some(24 * 30)),
    ("90d", "90 days", Some(24 * 90)),
    ("never", "Never expires", None),
];

/// (form value, label) for how many people an invitation admits.
const USES: [(&str, &str); 6] = [
    ("1", "1 person"),
    ("5", "5 people"),
    ("10", "10 people"),
    ("25", "25 people"),
    ("100", "100 people"),
    ("", "Any number"),
];

#[get("/admin/invites")]
async fn invites_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let all = invites::list(&ctx, &session.session.account).await?;
    let csrf = &session.csrf_token;
    let now = Utc::now();
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Invitations",
        html! {
            (nav("/admin/invites"))
            h1 { "Invitations" }
            p { "An invitation link lets people create an account on this node even while registration is closed. They can sign in at once." }
            form method="post" action="/admin/invites" class="panel" {
                (csrf_field(csrf))
                h2 { "New invitation" }
                (layout::input(&layout::Input { hint: Some("For your records, for example the team it is for."),
                    ..layout::Input::new("comment", "Note") }, &[]))
                div class="field" {
                    label for="max_uses" { "Admits" }
                    select id="max_uses" name="max_uses" {
                        @for (value, label) in USES { option value=(value) { (label) } }
                    }
                }
                div class="field" {
                    label for="expires" { "Expires after" }
                    select id="expires" name="expires" {
                        @for (value, label, _) in LIFETIMES { option value=(value) selected[value == "7d"] { (label) } }
                    }
                }
                button type="submit" { "Make invitation link" }
            }
            h2 { "Invitations made" }
            @if all.is_empty() { p { "None yet." } }
            @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th scope="col" { "Link" } th scope="col" { "Used" } th scope="col" { "Expires" } th scope="col" { "Note" } th scope="col" { span class="visually-hidden" { "Actions" } } } }
                        tbody {
                            @for invite in &all {
                                @let usable = invite.usable(now);
                                tr {
                                    td class="checksum" {
                                        @if usable { (ctx.urls.invite(&invite.code).as_str()) }
                                        @else if invite.revoked_at.is_some() { strong class="tag grey" { "Withdrawn" } }
                                        @else { strong class="tag grey" { "No longer works" } }
                                    }
                                    td { (invite.uses) @if let Some(max) = invite.max_uses { " of " (max) } }
                                    td { @match invite.expires_at { Some(at) => { (layout::when(at)) }, None => { "Never" } } }
                                    td { (invite.comment) }
                                    td {
                                        @if usable {
                                            form method="post" action={ "/admin/invites/" (invite.id) "/revoke" } {
                                                (csrf_field(csrf))
                                                button type="submit" class="secondary" { "Withdraw" span class="visually-hidden" { " invitation " (invite.id) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    expires: String,
}

#[post("/admin/invites")]
async fn create(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<InviteForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let form = &posted.form;
    let max_uses = match form.max_uses.trim() {
        "" => None,
        n => Some(
            n.parse::<i32>()
                .map_err(|_| AppError::invalid("max_uses", "is not a number"))?,
        ),
    };
    let (_, _, hours) = LIFETIMES
        .iter()
        .find(|(value, _, _)| *value == form.expires)
        .ok_or_else(|| AppError::invalid("expires", "is not one of the choices"))?;
    let input = InviteInput {
        comment: form.comment.clone(),
        max_uses,
        expires_at: hours.map(|h| Utc::now() + Duration::hours(h)),
    };
    invites::create(&ctx, &session.session.account, input).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        "/admin/invites",
        "The invitation link is ready: copy it from the list below.",
    ))
}

#[post("/admin/invites/{id}/revoke")]
async fn revoke(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    invites::revoke(&ctx, &session.session.account, *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        "/admin/invites",
        "The invitation is withdrawn: it admits nobody more.",
    ))
}
