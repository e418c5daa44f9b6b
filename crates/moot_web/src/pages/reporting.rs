//! Reporting a post or a person to the node's administrators from the
//! browser: why (spam, illegal content, the node's rules, other), which
//! rules, a comment, and for someone on another node whether to send the
//! report on to that node's administrators too (without the reporter's
//! name). The rules are `moot_app::reports`', as for apps.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::reports::{self, ReportInput};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, FieldError, Input};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(report_page).service(send_report);
}

/// (value, label, hint) of each reason.
const CATEGORIES: [(&str, &str, &str); 4] = [
    (
        "spam",
        "Spam",
        "Advertising, scams, or the same thing posted again and again.",
    ),
    (
        "legal",
        "Illegal content",
        "Something that breaks the law, such as a threat or hate speech.",
    ),
    (
        "violation",
        "It breaks the node's rules",
        "Choose the rules below.",
    ),
    ("other", "Something else", "Say what in your comment."),
];

#[derive(Deserialize, Default)]
struct ReportQuery {
    account: Option<i64>,
    status: Option<i64>,
}

/// The person reported, and the post if one is.
async fn subject(
    ctx: &Context,
    viewer: &moot_app::model::Account,
    account: Option<i64>,
    status: Option<i64>,
) -> Result<
    (
        moot_app::model::Account,
        Option<moot_app::views::posts::PostView>,
    ),
    WebError,
> {
    match (account, status) {
        (_, Some(status)) => {
            let post = moot_app::views::posts::visible(ctx, Some(viewer), status).await?;
            Ok((post.author.account.clone(), Some(post)))
        }
        (Some(account), None) => Ok((moot_app::directory::by_id(ctx, account).await?, None)),
        (None, None) => Err(WebError::not_found()),
    }
}

async fn render(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    query: &ReportQuery,
    form: &ReportForm,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    let (target, post) =
        subject(ctx, &session.session.account, query.account, query.status).await?;
    let rules = moot_app::node_texts::rules(ctx).await?;
    let name = posts::shown_name(&target);
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Report to the administrators",
        html! {
            h1 { span class="caption" { "Report" } @if post.is_some() { "A post by " (name) } @else { (name) } }
            @if let Some(post) = &post { div class="panel" { (posts::post(ctx, post, false)) } }
            p { "The administrators of this node read every report. " (name) " is not told who reported them." }
            (layout::error_summary(errors))
            form method="post" action="/report" novalidate {
                (csrf_field(&session.csrf_token))
                input type="hidden" name="account_id" value=(target.id);
                @if let Some(post) = &post { input type="hidden" name="status_id" value=(post.status.id); }
                fieldset class="radios" id="category" {
                    legend { "What is wrong?" }
                    // Without rules there is nothing to cite.
                    @for (value, label, hint) in CATEGORIES.iter().filter(|c| c.0 != "violation" || !rules.is_empty()) {
                        div {
                            input type="radio" id={ "category-" (value) } name="category" value=(value)
                                checked[form.category == *value] aria-describedby={ "category-" (value) "-hint" };
                            label for={ "category-" (value) } { (label) }
                            span class="hint" id={ "category-" (value) "-hint" } { (hint) }
                        }
                    }
                }
                @if !rules.is_empty() {
                    fieldset {
                        legend { "Which rules" }
                        @for rule in &rules {
                            div class="field checkbox" {
                                input type="checkbox" id={ "rule-" (rule.id) } name="rule_ids" value=(rule.id)
                                    checked[form.rule_ids.contains(&rule.id)];
                                label for={ "rule-" (rule.id) } { (rule.text) }
                            }
                        }
                    }
                }
                (layout::textarea(&Input { value: &form.comment, hint: Some("Up to 1000 characters."),
                    ..Input::new("comment", "Anything the administrators should know") }, 4, errors))
                @if let Some(domain) = &target.domain {
                    div class="field checkbox" {
                        input type="checkbox" id="forward" name="forward" value="true" checked[form.forward.is_some()];
                        label for="forward" { "Also send it to the administrators of " (domain) " (without your name)" }
                    }
                }
                button type="submit" { "Send report" }
            }
        },
    ))
}

#[get("/report")]
async fn report_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    render(&ctx, &req, &viewer, &query, &ReportForm::default(), &[]).await
}

#[derive(Deserialize, Default)]
struct ReportForm {
    account_id: Option<i64>,
    status_id: Option<i64>,
    #[serde(default)]
    category: String,
    /// Checkboxes of one name arrive as repeated fields.
    #[serde(default)]
    rule_ids: Vec<i64>,
    #[serde(default)]
    comment: String,
    forward: Option<String>,
}

#[post("/report")]
async fn send_report(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<ReportForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let form = &posted.form;
    let query = ReportQuery {
        account: form.account_id,
        status: form.status_id,
    };
    let mut errors = Vec::new();
    if form.category.is_empty() {
        errors.push(FieldError {
            field: "category",
            message: "Choose what is wrong".into(),
        });
    }
    if form.category == "violation" && form.rule_ids.is_empty() {
        errors.push(FieldError {
            field: "category",
            message: "Choose the rules it breaks".into(),
        });
    }
    if !errors.is_empty() {
        return render(&ctx, &req, &posted.viewer, &query, form, &errors).await;
    }
    let (target, post) = subject(
        &ctx,
        &session.session.account,
        form.account_id,
        form.status_id,
    )
    .await?;
    let input = ReportInput {
        account_id: target.id,
        status_ids: post.iter().map(|p| p.status.id).collect(),
        comment: form.comment.trim().to_owned(),
        category: Some(form.category.clone()),
        rule_ids: form.rule_ids.clone(),
        forward: form.forward.is_some(),
    };
    match reports::create(&ctx, &session.session.account, input).await {
        Ok(_) => {
            let back = match &post {
                Some(post) => posts::post_href(post),
                None => posts::person_href(&target),
            };
            Ok(session::redirect_with_notice(
                &ctx,
                &back,
                "Thank you. The administrators will look at your report.",
            ))
        }
        Err(AppError::Invalid { field, message }) => {
            let errors = [FieldError {
                field: if field == "comment" {
                    "comment"
                } else {
                    "category"
                },
                message: format!("The {field} {message}"),
            }];
            render(&ctx, &req, &posted.viewer, &query, form, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}
