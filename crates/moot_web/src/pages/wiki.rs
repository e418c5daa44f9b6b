//! A group's wiki in the browser: pages, creating and editing them (an
//! edit carries the version it started from; a stale one shows both texts
//! and their differences so the person can merge), history, differences
//! between revisions, and restoring an old revision.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup, PreEscaped};
use moot_app::views::groups::GroupCard;
use moot_app::wiki::{self, EditInput, EditOutcome, NewPage};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, FieldError, Input};
use crate::pages::groups::{find, section, section_trail};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(new_page_form)
        .service(create)
        .service(show)
        .service(edit_form)
        .service(save)
        .service(history)
        .service(compare)
        .service(restore);
}

fn base(group: &GroupCard) -> String {
    section(group, "wiki")
}

fn trail(group: &GroupCard) -> Markup {
    section_trail(group, "wiki", "Wiki")
}

/// A unified diff with its added and removed lines marked.
fn diff_lines(diff: &str) -> Markup {
    html! {
        div class="diff" {
            pre {
                @for line in diff.lines() {
                    @if line.starts_with("+++") || line.starts_with("---") {
                    } @else if let Some(added) = line.strip_prefix('+') {
                        ins { span class="visually-hidden" { "Added: " } (added) } "\n"
                    } @else if let Some(removed) = line.strip_prefix('-') {
                        del { span class="visually-hidden" { "Removed: " } (removed) } "\n"
                    } @else if line.starts_with("@@") {
                        span class="secondary" { "…" } "\n"
                    } @else {
                        (line.strip_prefix(' ').unwrap_or(line)) "\n"
                    }
                }
            }
        }
    }
}

#[get("/groups/{handle}/wiki")]
async fn index(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let (_, pages) = wiki::pages(&ctx, me, group.account.id, None, 200).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("Wiki – {}", group.shown_name()),
        html! {
            (layout::breadcrumbs(&[("/groups", "Groups"), (&format!("/groups/{}", group.handle()), group.shown_name())]))
            h1 { span class="caption" { (group.shown_name()) } "Wiki" }
            @if group.membership.is_member() {
                p { a class="button" href={ "/groups/" (group.handle()) "/new-wiki-page" } { "Create a page" } }
            }
            @if pages.is_empty() {
                p { "This wiki has no pages yet." }
            } @else {
                div class="table-wrap" {
                    table {
                        caption class="visually-hidden" { "Pages of the wiki" }
                        thead { tr { th scope="col" { "Page" } th scope="col" { "Last changed" } } }
                        tbody {
                            @for page in &pages {
                                tr {
                                    td { a href={ (base(&group)) "/" (page.slug) } { (page.title) } }
                                    td { (layout::when(page.updated_at)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The form for a page's text: a new page, an edit, or an edit to merge
/// after a conflict.
struct TextForm<'a> {
    action: String,
    base_version: Option<&'a str>,
    title: &'a str,
    body: &'a str,
    summary: &'a str,
    button: &'a str,
}

fn text_form(form: &TextForm, csrf: &str, errors: &[FieldError]) -> Markup {
    html! {
        (layout::error_summary(errors))
        form method="post" action=(form.action) novalidate {
            (csrf_field(csrf))
            @if let Some(version) = form.base_version { input type="hidden" name="base_version" value=(version); }
            (layout::input(&Input { value: form.title, required: true, ..Input::new("title", "Title") }, errors))
            (layout::textarea(&Input { value: form.body, required: true,
                hint: Some("Write in Markdown: # for headings, * for lists, [text](link) for links."),
                ..Input::new("body", "Text") }, 18, errors))
            (layout::input(&Input { value: form.summary,
                hint: Some("Say briefly what you changed, for the page's history."),
                ..Input::new("summary", "Summary of the change (optional)") }, errors))
            button type="submit" { (form.button) }
        }
    }
}

/// The problems of a refused page text, as form errors; other refusals
/// pass on as they are.
fn form_errors(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Invalid { field, message } => {
            let (field, label) = match field {
                "title" => ("title", "The title"),
                "summary" => ("summary", "The summary"),
                _ => ("body", "The text"),
            };
            Ok(vec![FieldError {
                field,
                message: format!("{label} {message}"),
            }])
        }
        AppError::AlreadyExists(message) => Ok(vec![FieldError {
            field: "title",
            message: format!("Choose another title: {message}"),
        }]),
        other => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
struct PageText {
    #[serde(default)]
    base_version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    summary: String,
}

fn new_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    text: &PageText,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Create a wiki page",
        html! {
            (trail(group))
            h1 { "Create a wiki page" }
            (text_form(&TextForm {
                action: format!("/groups/{}/new-wiki-page", group.handle()),
                base_version: None,
                title: &text.title,
                body: &text.body,
                summary: &text.summary,
                button: "Create page",
            }, &session.csrf_token, errors))
        },
    ))
}

#[get("/groups/{handle}/new-wiki-page")]
async fn new_page_form(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    viewer.require(&req)?;
    let group = find(&ctx, &viewer, &handle).await?;
    new_page(&ctx, &req, &viewer, &group, &PageText::default(), &[])
}

#[post("/groups/{handle}/new-wiki-page")]
async fn create(
    ctx: web::Data<Context>,
    req: HttpRequest,
    handle: web::Path<String>,
    posted: Posted<PageText>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let text = &posted.form;
    let created = wiki::create_page(
        &ctx,
        &session.session.account,
        group.account.id,
        &text.title,
        &text.body,
        &text.summary,
    )
    .await;
    match created {
        Ok(NewPage::Created(view)) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("{}/{}", base(&group), view.page.slug),
            "The page has been created.",
        )),
        Ok(NewPage::Submitted(..)) => Ok(session::redirect_with_notice(
            &ctx,
            &base(&group),
            "Your page has been sent to the group's node. It appears here once that node has added it.",
        )),
        Err(e) => {
            let errors = form_errors(e)?;
            new_page(&ctx, &req, &posted.viewer, &group, text, &errors)
        }
    }
}

#[get("/groups/{handle}/wiki/{slug}")]
async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = wiki::page(&ctx, me, group.account.id, &slug).await?;
    let page_href = format!("{}/{}", base(&group), view.page.slug);
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &view.page.title,
        html! {
            (trail(&group))
            h1 { (view.page.title) }
            p class="secondary" { "Last changed " (layout::when(view.page.updated_at)) }
            div class="wiki-text" { (PreEscaped(&view.page.content_html)) }
            div class="button-group" {
                @if group.membership.is_member() {
                    a class="button" href={ (page_href) "/edit" } { "Edit this page" }
                }
                a href={ (page_href) "/history" } { "History" }
            }
        },
    ))
}

struct EditScreen<'a> {
    group: &'a GroupCard,
    slug: &'a str,
    text: PageText,
    /// The page as it is now, when the person's edit was based on an
    /// older version.
    conflict: Option<(String, String)>,
    errors: Vec<FieldError>,
}

async fn edit_screen(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    screen: EditScreen<'_>,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    let group = screen.group;
    let action = format!("{}/{}/edit", base(group), screen.slug);
    let (status, title) = match (&screen.conflict, screen.errors.is_empty()) {
        (Some(_), _) => (
            StatusCode::CONFLICT,
            "Someone changed this page while you were editing",
        ),
        (None, false) => (StatusCode::BAD_REQUEST, "Error: Edit the page"),
        (None, true) => (StatusCode::OK, "Edit the page"),
    };
    Ok(layout::page_with_status(
        ctx,
        req,
        viewer,
        status,
        title,
        html! {
            (trail(group))
            @if let Some((current, diff)) = &screen.conflict {
                h1 { "Someone changed this page while you were editing" }
                p { "Your changes have not been saved. Compare the page as it is now with your text, then put what you want to keep in the form below and save it." }
                h2 { "What changed between the page now and your text" }
                (diff_lines(diff))
                details {
                    summary { "The page as it is now" }
                    pre class="text" { (current) }
                }
                details {
                    summary { "Your text" }
                    pre class="text" { (screen.text.body) }
                }
                h2 { "Merge and save" }
            } @else {
                h1 { span class="caption" { "Edit" } (screen.text.title) }
            }
            (text_form(&TextForm {
                action,
                base_version: Some(&screen.text.base_version),
                title: &screen.text.title,
                body: &screen.text.body,
                summary: &screen.text.summary,
                button: "Save changes",
            }, &session.csrf_token, &screen.errors))
        },
    ))
}

#[get("/groups/{handle}/wiki/{slug}/edit")]
async fn edit_form(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    viewer.require(&req)?;
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = wiki::page(&ctx, me, group.account.id, &slug).await?;
    let text = PageText {
        base_version: view.page.version,
        title: view.page.title,
        body: view.page.body,
        summary: String::new(),
    };
    let screen = EditScreen {
        group: &group,
        slug: &view.page.slug,
        text,
        conflict: None,
        errors: Vec::new(),
    };
    edit_screen(&ctx, &req, &viewer, screen).await
}

fn saved(ctx: &Context, page_href: &str, outcome: EditOutcome) -> HttpResponse {
    let notice = match outcome {
        EditOutcome::Saved(..) => "Your changes have been saved.",
        EditOutcome::Submitted(..) => {
            "Your changes have been sent to the group's node, which will add them to the page."
        }
    };
    session::redirect_with_notice(ctx, page_href, notice)
}

#[post("/groups/{handle}/wiki/{slug}/edit")]
async fn save(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    posted: Posted<PageText>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    let session = posted.viewer.require(&req)?;
    let me = &session.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let text = posted.form;
    let input = EditInput {
        base_version: text.base_version.clone(),
        title: Some(text.title.clone()),
        body: text.body.clone(),
        summary: text.summary.clone(),
    };
    let page_href = format!("{}/{slug}", base(&group));
    let mut screen = EditScreen {
        group: &group,
        slug: &slug,
        text,
        conflict: None,
        errors: Vec::new(),
    };
    match wiki::edit(&ctx, me, group.account.id, &slug, input).await {
        Ok(outcome) => return Ok(saved(&ctx, &page_href, outcome)),
        Err(AppError::Conflict { .. }) => {
            // Show the page as it is now beside the person's text; their
            // next save is based on the current version.
            let now = wiki::page(&ctx, Some(me), group.account.id, &slug).await?;
            let diff = moot_core::wiki::diff(&now.page.body, &screen.text.body);
            screen.text.base_version = now.page.version;
            screen.conflict = Some((now.page.body, diff));
        }
        Err(e) => screen.errors = form_errors(e)?,
    }
    edit_screen(&ctx, &req, &posted.viewer, screen).await
}

#[get("/groups/{handle}/wiki/{slug}/history")]
async fn history(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let (view, revisions) = wiki::history(&ctx, me, group.account.id, &slug).await?;
    let page_href = format!("{}/{}", base(&group), view.page.slug);
    let latest = revisions.last().map_or(0, |(r, _)| r.number);
    let csrf = viewer.session.as_ref().map(|s| s.csrf_token.as_str());
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("History of {}", view.page.title),
        html! {
            (trail(&group))
            h1 { span class="caption" { "History" } a href=(page_href) { (view.page.title) } }
            div class="table-wrap" {
                table {
                    caption class="visually-hidden" { "Revisions, newest first" }
                    thead { tr {
                        th scope="col" { "Revision" } th scope="col" { "When" } th scope="col" { "Who" }
                        th scope="col" { "Summary" } th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody {
                        @for (revision, author) in revisions.iter().rev() {
                            tr {
                                td { (revision.number) }
                                td { (layout::when(revision.created_at)) }
                                td { a href=(posts::person_href(author)) { (posts::shown_name(author)) } }
                                td { (revision.summary) }
                                td {
                                    @if revision.number > 1 {
                                        a href={ (page_href) "/diff?from=" (revision.number - 1) "&to=" (revision.number) } {
                                            "Changes" span class="visually-hidden" { " in revision " (revision.number) }
                                        }
                                    }
                                    @if let (Some(csrf), true) = (csrf, revision.number < latest && group.membership.is_member()) {
                                        " "
                                        form class="inline" method="post" action={ (page_href) "/restore" } {
                                            (csrf_field(csrf))
                                            input type="hidden" name="revision" value=(revision.number);
                                            button type="submit" class="secondary" { "Restore" span class="visually-hidden" { " revision " (revision.number) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if latest > 1 {
                h2 { "Compare two revisions" }
                form method="get" action={ (page_href) "/diff" } {
                    div class="field" {
                        label for="from" { "From revision" }
                        input id="from" name="from" type="text" inputmode="numeric" value="1";
                    }
                    div class="field" {
                        label for="to" { "To revision" }
                        input id="to" name="to" type="text" inputmode="numeric" value=(latest);
                    }
                    button type="submit" class="secondary" { "Compare" }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct DiffQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[get("/groups/{handle}/wiki/{slug}/diff")]
async fn compare(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    let group = find(&ctx, &viewer, &handle).await?;
    let number = |raw: &str, which: &str| {
        raw.trim().parse::<i32>().map_err(|_| {
            WebError::bad_request(format!("The {which} revision must be a number, like 2."))
        })
    };
    let (from, to) = (number(&query.from, "first")?, number(&query.to, "second")?);
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let (from, to, diff) = wiki::diff(&ctx, me, group.account.id, &slug, from, to).await?;
    let page_href = format!("{}/{slug}", base(&group));
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("Changes from revision {} to {}", from.number, to.number),
        html! {
            (trail(&group))
            h1 { span class="caption" { a href=(page_href) { (to.title) } } "Changes from revision " (from.number) " to " (to.number) }
            @if diff.trim().is_empty() { p { "The two revisions have the same text." } }
            @else { (diff_lines(&diff)) }
            p { a href={ (page_href) "/history" } { "Back to the history" } }
        },
    ))
}

#[derive(Deserialize)]
struct RestoreForm {
    #[serde(default)]
    revision: String,
}

#[post("/groups/{handle}/wiki/{slug}/restore")]
async fn restore(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    posted: Posted<RestoreForm>,
) -> Result<HttpResponse, WebError> {
    let (handle, slug) = path.into_inner();
    let session = posted.viewer.require(&req)?;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let number: i32 = posted
        .form
        .revision
        .parse()
        .map_err(|_| WebError::bad_request("Choose a revision to restore."))?;
    let outcome = wiki::restore(
        &ctx,
        &session.session.account,
        group.account.id,
        &slug,
        number,
    )
    .await?;
    Ok(saved(&ctx, &format!("{}/{slug}", base(&group)), outcome))
}
