//! The few HTML pages people reach from other servers: a profile page for
//! each person and an about page for the node. Rendered with maud, which
//! escapes every interpolated value.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup, DOCTYPE};
use moot_app::accounts::require_local;
use moot_app::Context;

use crate::errors::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(profile).service(post).service(about);
}

fn layout(title: &str, body: Markup) -> HttpResponse {
    page(actix_web::http::StatusCode::OK, title, body)
}

/// An HTML page of the node, with `status`.
pub(crate) fn page(status: actix_web::http::StatusCode, title: &str, body: Markup) -> HttpResponse {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
            }
            body { main { (body) } }
        }
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // Sign-in and consent pages must not be framed by another site.
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "frame-ancestors 'none'; form-action 'self' *",
        ))
        .body(page.into_string())
}

#[get("/@{username}")]
async fn profile(
    ctx: web::Data<Context>,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (account, _) = require_local(&ctx.db, &username).await?;
    let handle = format!("@{}@{}", account.username, ctx.urls.authority());
    let shown_name = if account.display_name.is_empty() {
        account.username.clone()
    } else {
        account.display_name.clone()
    };
    Ok(layout(
        &format!("{shown_name} ({handle})"),
        html! {
            h1 { (shown_name) }
            p { (handle) }
            @if !account.summary.is_empty() { p { (account.summary) } }
            p { "Follow from any fediverse app by searching for " code { (handle) } "." }
        },
    ))
}

/// A public post's page. Its content was sanitized when stored.
#[get("/@{username}/{id}")]
async fn post(
    ctx: web::Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (username, id) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let (status, author) = moot_app::statuses::get_visible(&ctx, None, id).await?;
    if !author.username.eq_ignore_ascii_case(&username) || author.domain.is_some() {
        return Err(ApiError::not_found());
    }
    let handle = format!("@{}@{}", author.username, ctx.urls.authority());
    Ok(layout(
        &format!("Post by {handle}"),
        html! {
            article {
                p { a href=(ctx.urls.person_page(&author.username).as_str()) { (handle) } }
                @if !status.spoiler_text.is_empty() { p { strong { (status.spoiler_text) } } }
                (maud::PreEscaped(&status.content))
                p { time datetime=(status.created_at.to_rfc3339()) { (status.created_at.format("%e %B %Y, %H:%M UTC")) } }
            }
        },
    ))
}

#[get("/about")]
async fn about(ctx: web::Data<Context>) -> HttpResponse {
    let instance = &ctx.settings.instance;
    layout(
        &instance.name,
        html! {
            h1 { (instance.name) }
            p { (instance.description) }
            @if !instance.contact_email.is_empty() {
                p { "Contact: " a href={ "mailto:" (instance.contact_email) } { (instance.contact_email) } }
            }
            p { "This is a Moot node, part of the fediverse. Moot is free software under the GNU Affero General Public License 3.0." }
            @if !instance.source_url.is_empty() {
                p { a href=(instance.source_url) { "Source code of this node" } }
            }
        },
    )
}
