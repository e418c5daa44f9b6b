//! `/admin/rules`: the node's rules (what reports cite, what apps show at
//! sign-up), and its terms of service and privacy policy, written here
//! and published at `/about/rules`, `/terms` and `/privacy`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::node_texts::{self, Kind};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::session::{self, Viewer};

use super::{administrator, nav};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(rules_page)
        .service(add_rule)
        .service(change_rule)
        .service(remove_rule)
        .service(set_document);
}

const HERE: &str = "/admin/rules";

#[get("/admin/rules")]
async fn rules_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let csrf = &session.csrf_token;
    let rules = node_texts::rules(&ctx).await?;
    let terms = node_texts::document(&ctx, Kind::TermsOfService).await?;
    let privacy = node_texts::document(&ctx, Kind::PrivacyPolicy).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Rules and policies",
        html! {
            (nav(HERE))
            h1 { "Rules and policies" }
            h2 { "Rules" }
            p { "People see the rules when they join, and cite them when they report something. Published at " a href="/about/rules" { "/about/rules" } "." }
            @if rules.is_empty() { p { "No rules yet." } }
            @else { ol class="rules" {
                @for rule in &rules {
                    li {
                        form method="post" action={ (HERE) "/" (rule.id) } {
                            (csrf_field(csrf))
                            div class="field" {
                                label for={ "text-" (rule.id) } { "Rule " (rule.id) }
                                input type="text" id={ "text-" (rule.id) } name="text" value=(rule.text);
                            }
                            div class="field" {
                                label for={ "hint-" (rule.id) } { "Explanation" }
                                input type="text" id={ "hint-" (rule.id) } name="hint" value=(rule.hint);
                            }
                            button type="submit" class="secondary" { "Save" span class="visually-hidden" { " rule " (rule.id) } }
                        }
                        form method="post" action={ (HERE) "/" (rule.id) "/remove" } {
                            (csrf_field(csrf))
                            button type="submit" class="link-button" { "Remove" span class="visually-hidden" { " rule " (rule.id) } }
                        }
                    }
                }
            } }
            form method="post" action=(HERE) class="panel" {
                (csrf_field(csrf))
                h3 { "Add a rule" }
                (layout::input(&layout::Input { required: true, hint: Some("One sentence, for example: Share only what your council may publish."),
                    ..layout::Input::new("text", "Rule") }, &[]))
                (layout::input(&layout::Input { ..layout::Input::new("hint", "Explanation (optional)") }, &[]))
                button type="submit" { "Add rule" }
            }
            @for (kind, document, public) in [(Kind::TermsOfService, &terms, "/terms"), (Kind::PrivacyPolicy, &privacy, "/privacy")] {
                h2 { (kind.title()) }
                form method="post" action={ (HERE) "/documents/" (kind.key()) } {
                    (csrf_field(csrf))
                    (layout::textarea(&layout::Input {
                        value: document.as_ref().map_or("", |d| d.source.as_str()),
                        hint: Some("Markdown. Published on this node's web pages and to apps."),
                        ..layout::Input::new(if kind == Kind::TermsOfService { "terms" } else { "privacy" }, kind.title()) }, 14, &[]))
                    p { "Published at " a href=(public) { (public) } @if let Some(d) = document { ", last changed " (layout::when(d.updated_at)) } "." }
                    button type="submit" { "Save " (kind.title().to_lowercase()) }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct RuleForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    hint: String,
}

#[post("/admin/rules")]
async fn add_rule(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<RuleForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    node_texts::add_rule(
        &ctx,
        &session.session.account,
        &posted.form.text,
        &posted.form.hint,
    )
    .await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        "The rule is added.",
    ))
}

#[post("/admin/rules/{id}")]
async fn change_rule(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<RuleForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    node_texts::update_rule(
        &ctx,
        &session.session.account,
        *id,
        &posted.form.text,
        &posted.form.hint,
    )
    .await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        "The rule is saved.",
    ))
}

#[post("/admin/rules/{id}/remove")]
async fn remove_rule(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    node_texts::remove_rule(&ctx, &session.session.account, *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        "The rule is removed.",
    ))
}

#[derive(Deserialize)]
struct DocumentForm {
    #[serde(default)]
    terms: Option<String>,
    #[serde(default)]
    privacy: Option<String>,
}

#[post("/admin/rules/documents/{kind}")]
async fn set_document(
    ctx: web::Data<Context>,
    req: HttpRequest,
    kind: web::Path<String>,
    posted: Posted<DocumentForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let kind = Kind::parse(&kind).ok_or_else(WebError::not_found)?;
    let text = match kind {
        Kind::TermsOfService => posted.form.terms.as_deref(),
        Kind::PrivacyPolicy => posted.form.privacy.as_deref(),
    }
    .ok_or_else(|| AppError::invalid("text", "is missing"))?;
    node_texts::set_document(&ctx, &session.session.account, kind, text).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!(
            "The {} is saved and published.",
            kind.title().to_lowercase()
        ),
    ))
}
