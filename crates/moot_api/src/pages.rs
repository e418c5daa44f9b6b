//! The few HTML pages people reach from other servers: a profile page for
//! each person and an about page for the node. Rendered with maud, which
//! escapes every interpolated value.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup, DOCTYPE};
use moot_app::accounts::require_local;
use moot_app::Context;

use crate::errors::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(profile).service(about);
}

fn layout(title: &str, body: Markup) -> HttpResponse {
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
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
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
            p { "This is a Moot node, part of the fediverse." }
        },
    )
}
