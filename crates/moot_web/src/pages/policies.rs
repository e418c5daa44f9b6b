//! The node's rules, terms of service and privacy policy, as its
//! administrators wrote them (see `admin::node`).

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, PreEscaped};
use moot_app::node_texts::{self, Kind};
use moot_app::Context;

use crate::errors::WebError;
use crate::layout;
use crate::session::Viewer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(rules).service(terms).service(privacy);
}

#[get("/about/rules")]
async fn rules(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let rules = node_texts::rules(&ctx).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Rules",
        html! {
            h1 { span class="caption" { (ctx.settings.instance.name) } "Rules" }
            @if rules.is_empty() { p { "The administrators have not written rules yet." } }
            @else {
                ol class="rules" {
                    @for rule in &rules {
                        li { strong { (rule.text) } @if !rule.hint.is_empty() { br; (rule.hint) } }
                    }
                }
            }
        },
    ))
}

async fn document(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    kind: Kind,
) -> Result<HttpResponse, WebError> {
    let found = node_texts::document(ctx, kind).await?;
    Ok(layout::page(
        ctx,
        req,
        viewer,
        kind.title(),
        html! {
            h1 { span class="caption" { (ctx.settings.instance.name) } (kind.title()) }
            @match &found {
                // Rendered from Markdown and sanitized when it was saved.
                Some(d) => {
                    p class="hint" { "Last changed " (layout::when(d.updated_at)) "." }
                    div class="post-body" { (PreEscaped(&d.html)) }
                },
                None => p { "The administrators have not published this yet." },
            }
        },
    ))
}

#[get("/terms")]
async fn terms(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    document(&ctx, &req, &viewer, Kind::TermsOfService).await
}

#[get("/privacy")]
async fn privacy(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    document(&ctx, &req, &viewer, Kind::PrivacyPolicy).await
}
