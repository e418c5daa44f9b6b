//! `/notifications`: what happened that concerns the person.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::model::Account;
use moot_app::views::notifications::NotificationQuery;
use moot_app::Context;
use serde::Deserialize;

use crate::errors::WebError;
use crate::layout;
use crate::posts;
use crate::session::Viewer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(notifications_page);
}

/// One line saying what happened.
pub fn describe(kind: &str, from: &Account) -> Markup {
    let who = html! { a href=(posts::person_href(from)) { (posts::shown_name(from)) } };
    let what = match kind {
        "mention" => "mentioned you",
        "reblog" => "shared your post",
        "favourite" => "liked your post",
        "follow" => "followed you",
        "follow_request" => "asked to follow you",
        "poll" => "ended a poll you answered",
        "update" => "edited a post you interacted with",
        "status" => "posted",
        _ => "did something that concerns you",
    };
    html! { (who) " " (what) }
}

/// What the administrators told a person they decided.
fn warning_title(action: &str) -> &'static str {
    match action {
        "sensitive" => "The administrators marked your files as sensitive",
        "silence" => "The administrators limited your account",
        "suspend" => "The administrators suspended your account",
        _ => "A warning from the administrators",
    }
}

#[derive(Deserialize)]
struct Query {
    #[serde(default)]
    max_id: String,
}

#[get("/notifications")]
async fn notifications_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<Query>,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let found = moot_app::views::notifications::list(
        &ctx,
        &session.session.account,
        &NotificationQuery {
            max_id: query.max_id.parse().ok(),
            limit: 30,
            ..Default::default()
        },
    )
    .await?;
    let older = (found.cursors.len() == 30)
        .then(|| found.cursors.last().copied())
        .flatten();
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Notifications",
        html! {
            h1 { "Notifications" }
            @if found.items.is_empty() { p { "You have no notifications." } }
            ul class="feed" {
                @for n in &found.items {
                    li {
                        @if let Some(warning) = &n.warning {
                            // From the administrators, not from a person.
                            p { strong { (warning_title(&warning.action)) } " · " (layout::when(n.notification.created_at)) }
                            @if !warning.text.is_empty() { p class="panel" { (warning.text) } }
                        } @else {
                            p { (describe(&n.notification.kind, &n.from.account)) " · " (layout::when(n.notification.created_at)) }
                            @if let Some(post) = &n.post { (posts::post(&ctx, post, true)) }
                        }
                    }
                }
            }
            @if let Some(older) = older {
                nav class="pagination" aria-label="Pages of notifications" {
                    a href={ "/notifications?max_id=" (older) } { "Older notifications" }
                }
            }
        },
    ))
}
