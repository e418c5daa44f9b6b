//! `/admin/federation`: whom the node federates with, in the browser, as
//! `moot federation …` does on the command line (the same `moot_app`
//! rules, audited the same way): the mode, allows and blocks, lists to
//! import (previewed before they apply) and export, subscriptions to
//! shared lists, and how each peer is receiving what the node sends.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, TimeZone, Utc};
use maud::{html, Markup};
use moot_app::delivery_health::{self, State};
use moot_app::domain_lists::{self, ImportReport};
use moot_app::domain_policy::{self, stored, BlockRequest, Who};
use moot_app::{AppError, Context};
use moot_core::domain_rules::{Mode, Severity};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::session::{self, Viewer};
use crate::uploads::Upload;

use super::{administrator, nav};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(federation_page)
        .service(set_mode)
        .service(add_block)
        .service(remove_block)
        .service(add_allow)
        .service(remove_allow)
        .service(import_preview)
        .service(import_apply)
        .service(export)
        .service(subscribe)
        .service(unsubscribe)
        .service(retry);
}

const HERE: &str = "/admin/federation";

fn who(session: &moot_app::browser_sessions::BrowserSession) -> Who {
    Who::person(&session.session.account.username)
}

fn severity_label(severity: &str) -> &'static str {
    match severity {
        "suspend" => "Suspended: no federation",
        "silence" => "Limited: out of public timelines",
        _ => "No limit (flags only)",
    }
}

fn health_table(csrf: &str, peers: &[delivery_health::PeerHealth]) -> Markup {
    html! {
        @if peers.is_empty() { p { "This node has not sent anything to another node yet." } }
        @else {
            div class="table-wrap" {
                table {
                    thead { tr {
                        th scope="col" { "Node" } th scope="col" { "State" } th scope="col" class="numeric" { "Waiting" }
                        th scope="col" class="numeric" { "Behind by" } th scope="col" { "Last delivery" }
                        th scope="col" class="numeric" { "Failed tries" } th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody {
                        @for peer in peers {
                            tr {
                                td { (peer.status.domain) }
                                td { @match peer.state {
                                    State::Ok => strong class="tag green" { "Receiving" },
                                    State::Failing => strong class="tag" { "Failing, retrying" },
                                    State::Dead => strong class="tag grey" { "Not answering" },
                                } }
                                td class="numeric" { (peer.status.backlog) }
                                td class="numeric" { (lag_text(peer.lag)) }
                                td { @match peer.status.last_success_at { Some(at) => { (layout::when(at)) }, None => { "Never" } } }
                                td class="numeric" { (peer.status.attempts) }
                                td {
                                    @if peer.state != State::Ok {
                                        form method="post" action={ (HERE) "/peers/" (crate::forms::encode_segment(&peer.status.domain)) "/retry" } {
                                            (csrf_field(csrf))
                                            button type="submit" class="secondary" { "Retry now" span class="visually-hidden" { " " (peer.status.domain) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How long something has waited, in words.
fn lag_text(lag: chrono::Duration) -> String {
    let secs = lag.num_seconds();
    match secs {
        0 => "Up to date".into(),
        1..=119 => format!("{secs} seconds"),
        120..=7199 => format!("{} minutes", secs / 60),
        7200..=172_799 => format!("{} hours", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

#[get("/admin/federation")]
async fn federation_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let csrf = &session.csrf_token;
    let mode = domain_policy::mode(&ctx);
    let blocks = stored::blocks(&ctx).await?;
    let allows = stored::allows(&ctx).await?;
    let subscriptions = moot_app::domain_subscriptions::all(&ctx).await?;
    let peers = delivery_health::peers(&ctx).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Federation",
        html! {
            (nav(HERE))
            h1 { "Federation" }
            p { "Which other nodes this node exchanges posts with. Changes apply at once, at every border, and are kept in the audit log." }

            h2 id="mode" { "Who this node federates with" }
            form method="post" action={ (HERE) "/mode" } class="panel" {
                (csrf_field(csrf))
                fieldset class="radios" {
                    legend { "Mode" }
                    div { input type="radio" id="mode-blocklist" name="mode" value="blocklist" checked[mode == Mode::Blocklist];
                        label for="mode-blocklist" { "Every node except those blocked" } }
                    div { input type="radio" id="mode-allowlist" name="mode" value="allowlist" checked[mode == Mode::Allowlist];
                        label for="mode-allowlist" { "Only the nodes allowed below (a block still wins)" } }
                }
                (layout::input(&layout::Input { hint: Some("Kept in the audit log."), ..layout::Input::new("reason", "Reason") }, &[]))
                button type="submit" { "Save mode" }
            }

            h2 id="blocks" { "Blocked nodes" }
            @if blocks.is_empty() { p { "None." } }
            @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th scope="col" { "Domain" } th scope="col" { "Severity" } th scope="col" { "Also" } th scope="col" { "Comments" } th scope="col" { "Expires" } th scope="col" { span class="visually-hidden" { "Actions" } } } }
                        tbody {
                            @for b in &blocks {
                                tr {
                                    td { (b.domain) }
                                    td { (severity_label(&b.severity)) }
                                    td {
                                        @if b.reject_media { span class="tag grey" { "No files" } }
                                        @if b.reject_reports { span class="tag grey" { "No reports" } }
                                        @if b.obfuscate { span class="tag grey" { "Name hidden" } }
                                    }
                                    td { @if !b.public_comment.is_empty() { "Public: " (b.public_comment) br; } @if !b.private_comment.is_empty() { "Private: " (b.private_comment) } }
                                    td { @match b.expires_at { Some(at) => { (layout::when(at)) }, None => { "Never" } } }
                                    td { form method="post" action={ (HERE) "/blocks/" (b.id) "/remove" } {
                                        (csrf_field(csrf))
                                        button type="submit" class="secondary" { "Unblock" span class="visually-hidden" { " " (b.domain) } }
                                    } }
                                }
                            }
                        }
                    }
                }
            }
            details {
                summary { "Block a node" }
                form method="post" action={ (HERE) "/blocks" } {
                    (csrf_field(csrf))
                    (layout::input(&layout::Input { required: true, hint: Some("For example spam.example. Its subdomains are blocked too."),
                        ..layout::Input::new("domain", "Domain") }, &[]))
                    fieldset class="radios" {
                        legend { "Severity" }
                        div { input type="radio" id="severity-suspend" name="severity" value="suspend" checked;
                            label for="severity-suspend" { "Suspend: no federation; its accounts and posts are removed here" } }
                        div { input type="radio" id="severity-silence" name="severity" value="silence";
                            label for="severity-silence" { "Limit: its posts stay out of public timelines" } }
                        div { input type="radio" id="severity-noop" name="severity" value="noop";
                            label for="severity-noop" { "None: only the choices below" } }
                    }
                    fieldset {
                        legend { "Also" }
                        div class="field checkbox" { input type="checkbox" id="reject_media" name="reject_media" value="true"; label for="reject_media" { "Refuse its files" } }
                        div class="field checkbox" { input type="checkbox" id="reject_reports" name="reject_reports" value="true"; label for="reject_reports" { "Refuse its reports" } }
                        div class="field checkbox" { input type="checkbox" id="obfuscate" name="obfuscate" value="true"; label for="obfuscate" { "Hide its name in the public list of blocks" } }
                    }
                    (layout::input(&layout::Input { hint: Some("Shown to anyone who asks why."), ..layout::Input::new("public_comment", "Public comment") }, &[]))
                    (layout::input(&layout::Input { hint: Some("Only administrators see it."), ..layout::Input::new("private_comment", "Private comment") }, &[]))
                    (layout::input(&layout::Input { kind: "date", hint: Some("Leave empty to keep it until removed."), ..layout::Input::new("expires_on", "Ends on") }, &[]))
                    button type="submit" class="warning" { "Block" }
                }
            }

            h2 id="allows" { "Allowed nodes" }
            @if mode == Mode::Blocklist { p { "The allow-list applies only in the mode \"Only the nodes allowed\"." } }
            @if allows.is_empty() { p { "None." } }
            @else {
                ul {
                    @for a in &allows {
                        li {
                            (a.domain) " "
                            form method="post" action={ (HERE) "/allows/" (a.id) "/remove" } class="inline" {
                                (csrf_field(csrf))
                                button type="submit" class="link-button" { "Remove" span class="visually-hidden" { " " (a.domain) } }
                            }
                        }
                    }
                }
            }
            form method="post" action={ (HERE) "/allows" } {
                (csrf_field(csrf))
                (layout::input(&layout::Input { required: true, ..layout::Input::new("allow_domain", "Allow a node (domain)") }, &[]))
                button type="submit" class="secondary" { "Allow" }
            }

            h2 id="lists" { "Lists" }
            p {
                "Download: " a href={ (HERE) "/export/blocks.csv" } download { "blocks (CSV)" } ", "
                a href={ (HERE) "/export/allows.csv" } download { "allows (CSV)" } "."
            }
            form method="post" action={ (HERE) "/import" } enctype="multipart/form-data" class="panel" {
                (csrf_field(csrf))
                div class="field" {
                    label for="list" { "Import a list" }
                    span class="hint" id="list-hint" { "A Mastodon block-list or allow-list CSV, or one domain a line. You will see what changes before anything is applied." }
                    input type="file" id="list" name="file" accept=".csv,.txt,text/csv,text/plain" aria-describedby="list-hint";
                }
                button type="submit" class="secondary" { "Check the list" }
            }
            h3 { "Subscriptions" }
            @if subscriptions.is_empty() { p { "None. A subscription keeps a list published at an address (a sector's shared allow-list, say) in force here." } }
            @else {
                ul {
                    @for s in &subscriptions {
                        li {
                            (s.url) " (" (s.kind) "s, every " (s.refresh_hours) " hours; "
                            @match (&s.last_error, s.last_fetched_at) {
                                (Some(e), _) => { "last fetch failed: " (e) },
                                (None, Some(at)) => { "read " (layout::when(at)) },
                                (None, None) => { "not read yet" },
                            }
                            ") "
                            form method="post" action={ (HERE) "/subscriptions/remove" } class="inline" {
                                (csrf_field(csrf))
                                input type="hidden" name="url" value=(s.url);
                                button type="submit" class="link-button" { "Unsubscribe" span class="visually-hidden" { " from " (s.url) } }
                            }
                        }
                    }
                }
            }
            details {
                summary { "Subscribe to a list" }
                form method="post" action={ (HERE) "/subscriptions" } {
                    (csrf_field(csrf))
                    (layout::input(&layout::Input { kind: "url", required: true, ..layout::Input::new("url", "Address of the list") }, &[]))
                    fieldset class="radios" {
                        legend { "It lists nodes to" }
                        div { input type="radio" id="kind-allow" name="kind" value="allow" checked; label for="kind-allow" { "Allow" } }
                        div { input type="radio" id="kind-block" name="kind" value="block"; label for="kind-block" { "Block" } }
                    }
                    (layout::input(&layout::Input { kind: "number", value: "24", ..layout::Input::new("every_hours", "Read it every (hours)") }, &[]))
                    button type="submit" class="secondary" { "Subscribe" }
                }
            }

            h2 id="delivery" { "Delivery to other nodes" }
            p { "What this node has sent and each node has yet to receive. A node that does not answer is retried with growing pauses; \"Retry now\" tries at once." }
            (health_table(csrf, &peers))
        },
    ))
}

#[derive(Deserialize)]
struct ModeForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    reason: String,
}

#[post("/admin/federation/mode")]
async fn set_mode(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<ModeForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let mode = Mode::parse(&posted.form.mode)
        .ok_or_else(|| AppError::invalid("mode", "is allowlist or blocklist"))?;
    domain_policy::set_mode(&ctx, &who(session), mode, posted.form.reason.trim()).await?;
    let notice = match mode {
        Mode::Allowlist => "This node now federates only with the nodes allowed.",
        Mode::Blocklist => "This node now federates with every node except those blocked.",
    };
    Ok(session::redirect_with_notice(&ctx, HERE, notice))
}

#[derive(Deserialize)]
struct BlockForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    severity: String,
    reject_media: Option<String>,
    reject_reports: Option<String>,
    obfuscate: Option<String>,
    #[serde(default)]
    public_comment: String,
    #[serde(default)]
    private_comment: String,
    #[serde(default)]
    expires_on: String,
}

#[post("/admin/federation/blocks")]
async fn add_block(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<BlockForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let form = &posted.form;
    let severity = Severity::parse(&form.severity)
        .ok_or_else(|| AppError::invalid("severity", "is suspend, silence or noop"))?;
    let expires_at = match form.expires_on.trim() {
        "" => None,
        day => {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("expires_on", "is not a date"))?;
            let midnight = date.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t));
            if midnight.is_none_or(|m| m <= Utc::now()) {
                return Err(AppError::invalid("expires_on", "is not in the future").into());
            }
            midnight
        }
    };
    let request = BlockRequest {
        reject_media: form.reject_media.is_some(),
        reject_reports: form.reject_reports.is_some(),
        obfuscate: form.obfuscate.is_some(),
        public_comment: form.public_comment.clone(),
        private_comment: form.private_comment.clone(),
        expires_at,
        ..BlockRequest::new(severity)
    };
    let (row, _) = domain_policy::block(&ctx, &who(session), &form.domain, &request).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!("{} is blocked.", row.domain),
    ))
}

#[post("/admin/federation/blocks/{id}/remove")]
async fn remove_block(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let row = domain_policy::remove_block_by_id(&ctx, &who(session), *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!("{} is no longer blocked.", row.domain),
    ))
}

#[derive(Deserialize)]
struct AllowForm {
    #[serde(default)]
    allow_domain: String,
}

#[post("/admin/federation/allows")]
async fn add_allow(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<AllowForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let (row, _) = domain_policy::allow(&ctx, &who(session), &posted.form.allow_domain).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!("{} is allowed.", row.domain),
    ))
}

#[post("/admin/federation/allows/{id}/remove")]
async fn remove_allow(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<i64>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let row = domain_policy::remove_allow_by_id(&ctx, &who(session), *id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!("{} is no longer on the allow-list.", row.domain),
    ))
}

/// Most bytes of a list read from an upload.
const MOST_LIST_BYTES: u64 = 2 * 1024 * 1024;

fn domains_list(title: &str, domains: &[String]) -> Markup {
    html! {
        @if !domains.is_empty() {
            h2 { (title) " (" (domains.len()) ")" }
            ul { @for d in domains { li { (d) } } }
        }
    }
}

/// Reads the uploaded list and shows what importing it would change.
#[post("/admin/federation/import")]
async fn import_preview(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let mut upload = Upload::read_if(&req, viewer, payload, |req, viewer| {
        administrator(req, viewer).map(|_| ())
    })
    .await?;
    let file = upload
        .take_file("file")
        .ok_or_else(|| AppError::invalid("list", "choose a file to import"))?;
    let session = administrator(&req, &upload.viewer)?;
    if file.size > MOST_LIST_BYTES {
        return Err(AppError::invalid("list", "is larger than 2 MB").into());
    }
    let path = file.staged.path().to_path_buf();
    let text = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(std::io::Error::other(e.to_string()).into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    let text =
        String::from_utf8(text).map_err(|_| AppError::invalid("list", "is not UTF-8 text"))?;
    let entries =
        domain_lists::parse(&text, None).map_err(|e| AppError::invalid("list", e.to_string()))?;
    let source = format!("upload:{}", file.file_name.as_deref().unwrap_or("list"));
    let report = domain_lists::preview(&ctx, &who(session), &entries, &source).await?;
    let csrf = &session.csrf_token;
    let nothing = report.added.is_empty() && report.changed.is_empty();
    Ok(layout::page(
        &ctx,
        &req,
        &upload.viewer,
        "Check the list before importing",
        html! {
            (nav(HERE))
            (layout::breadcrumbs(&[(HERE, "Federation")]))
            h1 { "Check the list before importing" }
            p { (entries.len()) " entries read. Nothing has changed yet." }
            (domains_list("Will be added", &report.added))
            (domains_list("Will change", &report.changed))
            (domains_list("Already as listed", &report.skipped))
            @if nothing {
                p { "Importing this list would change nothing." }
                a href=(HERE) class="button secondary" { "Back to federation" }
            } @else {
                form method="post" action={ (HERE) "/import/apply" } {
                    (csrf_field(csrf))
                    input type="hidden" name="source" value=(source);
                    textarea name="list" hidden aria-hidden="true" tabindex="-1" { (text) }
                    div class="button-group" {
                        button type="submit" { "Apply these changes" }
                        a href=(HERE) { "Cancel" }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    list: String,
    #[serde(default)]
    source: String,
}

#[post("/admin/federation/import/apply")]
async fn import_apply(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<ApplyForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let entries = domain_lists::parse(&posted.form.list, None)
        .map_err(|e| AppError::invalid("list", e.to_string()))?;
    let source: String = posted.form.source.chars().take(200).collect();
    let report: ImportReport = domain_lists::import(&ctx, &who(session), &entries, &source).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        &format!(
            "The list is imported: {} added, {} changed, {} already as listed.",
            report.added.len(),
            report.changed.len(),
            report.skipped.len()
        ),
    ))
}

#[get("/admin/federation/export/{which}.csv")]
async fn export(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    which: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    administrator(&req, &viewer)?;
    let (text, name) = match which.as_str() {
        "blocks" => (domain_lists::export_blocks(&ctx).await?, "blocks"),
        "allows" => (domain_lists::export_allows(&ctx).await?, "allows"),
        _ => return Err(WebError::not_found()),
    };
    let file = format!("{}-{name}.csv", ctx.urls.authority().replace(':', "_"));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(text))
}

#[derive(Deserialize)]
struct SubscribeForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    every_hours: String,
}

#[post("/admin/federation/subscriptions")]
async fn subscribe(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<SubscribeForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let form = &posted.form;
    let url = url::Url::parse(form.url.trim())
        .map_err(|_| AppError::invalid("url", "is not a web address"))?;
    let kind = match form.kind.as_str() {
        "allow" => domain_lists::Kind::Allow,
        "block" => domain_lists::Kind::Block,
        _ => return Err(AppError::invalid("kind", "is allow or block").into()),
    };
    let every: i32 = form
        .every_hours
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("every_hours", "is not a number"))?;
    moot_app::domain_subscriptions::subscribe(&ctx, &who(session), &url, kind, every).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        "Subscribed: the list is read shortly, then as often as you chose.",
    ))
}

#[derive(Deserialize)]
struct UnsubscribeForm {
    #[serde(default)]
    url: String,
}

#[post("/admin/federation/subscriptions/remove")]
async fn unsubscribe(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<UnsubscribeForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let url = url::Url::parse(&posted.form.url).map_err(|_| AppError::NotFound)?;
    moot_app::domain_subscriptions::unsubscribe(&ctx, &who(session), &url).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        HERE,
        "Unsubscribed: its entries no longer apply.",
    ))
}

#[post("/admin/federation/peers/{domain}/retry")]
async fn retry(
    ctx: web::Data<Context>,
    req: HttpRequest,
    domain: web::Path<String>,
    posted: Posted<crate::forms::NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    delivery_health::retry_now(&ctx, &session.session.account, &domain).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("{HERE}#delivery"),
        &format!("Delivery to {domain} will be tried again now."),
    ))
}
