//! `/admin/audit`: every administrator and moderator action and every
//! federation rule change, newest first, filtered by who, what, target
//! and dates, and downloadable as CSV with the same filters.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, TimeZone, Utc};
use maud::html;
use moot_app::audit::{self, AuditFilter};
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::layout;
use crate::session::Viewer;

use super::{administrator, nav};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(audit_page).service(audit_csv);
}

const PAGE: i64 = 100;

/// The kinds of action, for the filter's choices: (value, label, the
/// actions it covers).
const ACTIONS: [(&str, &str, &[&str]); 8] = [
    ("", "Any action", &[]),
    ("report", "Reports", &["report"]),
    ("status", "Posts removed", &["status"]),
    ("account", "Accounts and sign-ups", &["account"]),
    ("invite", "Invitations", &["invite"]),
    ("node", "Rules and policies", &["node"]),
    ("delivery", "Delivery", &["delivery"]),
    (
        "federation",
        "Federation rules",
        &[
            "set_mode",
            "allow",
            "block",
            "remove",
            "remove_allow",
            "remove_block",
            "import",
            "subscribe",
            "unsubscribe",
            "refresh",
        ],
    ),
];

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    /// `YYYY-MM-DD`, from the start of that day.
    #[serde(default)]
    from: String,
    /// `YYYY-MM-DD`, to the end of that day.
    #[serde(default)]
    to: String,
    max_id: Option<i64>,
}

fn day(
    raw: &str,
    field: &'static str,
    next: bool,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "is not a date"))?;
    let date = if next {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    Ok(date.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t)))
}

impl AuditQuery {
    fn filter(&self, limit: i64) -> Result<AuditFilter, AppError> {
        let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(AuditFilter {
            actor: given(&self.actor),
            actions: ACTIONS
                .iter()
                .find(|(value, _, _)| *value == self.action.trim())
                .map(|(_, _, covers)| covers.iter().map(|a| a.to_string()).collect())
                .unwrap_or_default(),
            target: given(&self.target),
            since: day(&self.from, "from", false)?,
            until: day(&self.to, "to", true)?,
            max_id: self.max_id,
            limit,
        })
    }

    fn query_string(&self) -> String {
        let enc = crate::forms::encode;
        format!(
            "actor={}&action={}&target={}&from={}&to={}",
            enc(&self.actor),
            enc(&self.action),
            enc(&self.target),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

#[get("/admin/audit")]
async fn audit_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    administrator(&req, &viewer)?;
    let entries = audit::entries(&ctx, &query.filter(PAGE)?).await?;
    let actors = audit::actors(&ctx).await?;
    let more = entries.len() as i64 == PAGE;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Audit log",
        html! {
            (nav("/admin/audit"))
            h1 { "Audit log" }
            form method="get" action="/admin/audit" class="panel" {
                div class="filters" {
                    div class="field" {
                        label for="actor" { "Who" }
                        select id="actor" name="actor" {
                            option value="" { "Anyone" }
                            @for a in &actors { option value=(a) selected[*a == query.actor] { (a) } }
                        }
                    }
                    div class="field" {
                        label for="action" { "What" }
                        select id="action" name="action" {
                            @for (value, label, _) in ACTIONS { option value=(value) selected[value == query.action] { (label) } }
                        }
                    }
                    div class="field" { label for="target" { "On (account, domain …)" } input type="text" id="target" name="target" value=(query.target); }
                    div class="field" { label for="from" { "From" } input type="date" id="from" name="from" value=(query.from); }
                    div class="field" { label for="to" { "To" } input type="date" id="to" name="to" value=(query.to); }
                }
                div class="button-group" {
                    button type="submit" { "Filter" }
                    a href={ "/admin/audit.csv?" (query.query_string()) } download { "Download as CSV" }
                }
            }
            @if entries.is_empty() { p { "Nothing recorded matches." } }
            @else {
                // Nothing in the rows takes focus, so the scrolling box
                // itself does, for people who scroll with the keyboard.
                div class="table-wrap" tabindex="0" role="region" aria-label="Audit log entries" {
                    table {
                        caption class="visually-hidden" { "Actions, newest first" }
                        thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "On" } th scope="col" { "Why" } } }
                        tbody {
                            @for e in &entries {
                                tr {
                                    td { (layout::when(e.created_at)) }
                                    td { (e.actor) }
                                    td { code { (e.action) } }
                                    td { (e.target) }
                                    td { (e.reason) }
                                }
                            }
                        }
                    }
                }
                @if more {
                    @if let Some(last) = entries.last() {
                        nav class="pagination" aria-label="Pages" {
                            a href={ "/admin/audit?" (query.query_string()) "&max_id=" (last.id) } { "Older entries" }
                        }
                    }
                }
            }
        },
    ))
}

#[get("/admin/audit.csv")]
async fn audit_csv(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    administrator(&req, &viewer)?;
    let entries = audit::entries(&ctx, &query.filter(audit::MOST_ENTRIES)?).await?;
    let body = audit::to_csv(&entries)?;
    let file = format!("{}-audit-log.csv", ctx.urls.authority().replace(':', "_"));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body))
}
