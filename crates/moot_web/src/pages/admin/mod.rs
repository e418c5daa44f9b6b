//! The node's administration in the browser, for its administrators only:
//! reports, accounts and sign-ups, invitations, federation, peering, the
//! audit log and the node's rules. Every page and form answers 403 to anyone else;
//! every action goes through `moot_app`, which checks it again and records
//! it in the audit log.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::browser_sessions::BrowserSession;
use moot_app::Context;

use crate::errors::WebError;
use crate::layout;
use crate::session::Viewer;

mod accounts;
mod audit;
mod federation;
mod invites;
mod node;
mod peering;
mod reports;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(overview);
    reports::configure(cfg);
    accounts::configure(cfg);
    invites::configure(cfg);
    federation::configure(cfg);
    peering::configure(cfg);
    audit::configure(cfg);
    node::configure(cfg);
}

/// The signed-in administrator, or 403.
fn administrator<'a>(
    req: &HttpRequest,
    viewer: &'a Viewer,
) -> Result<&'a BrowserSession, WebError> {
    let session = viewer.require(req)?;
    if !session.session.user.is_admin {
        return Err(WebError::forbidden(
            "Only the node's administrators can use this page.",
        ));
    }
    Ok(session)
}

/// The sections of administration, the current one marked.
const SECTIONS: [(&str, &str); 8] = [
    ("/admin", "Overview"),
    ("/admin/reports", "Reports"),
    ("/admin/accounts", "Accounts"),
    ("/admin/invites", "Invitations"),
    ("/admin/federation", "Federation"),
    ("/admin/peering", "Peering"),
    ("/admin/audit", "Audit log"),
    ("/admin/rules", "Rules and policies"),
];

/// The administration menu, above each admin page's heading.
fn nav(current: &str) -> Markup {
    html! {
        nav class="admin-nav" aria-label="Administration" {
            ul {
                @for (href, label) in SECTIONS {
                    li {
                        @if href == current { a href=(href) aria-current="page" { (label) } }
                        @else { a href=(href) { (label) } }
                    }
                }
            }
        }
    }
}

/// What needs an administrator's attention now.
#[get("/admin")]
async fn overview(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let admin = &session.session.account;
    let open_reports = moot_app::reports::list(&ctx, Some(false), None, 100)
        .await?
        .len();
    let pending = moot_app::moderation::list(
        &ctx,
        admin,
        &moot_app::moderation::AccountFilter {
            pending: true,
            limit: 200,
            ..Default::default()
        },
    )
    .await?
    .len();
    let health = moot_app::delivery_health::peers(&ctx).await?;
    let troubled = health.iter().filter(|p| p.is_troubled()).count();
    let proposals = moot_app::peering::views(&ctx)
        .await?
        .iter()
        .filter(|p| p.state == "received")
        .count();
    let counted = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Administration",
        html! {
            (nav("/admin"))
            h1 { "Administration" }
            ul class="cards" {
                li class="card" {
                    h2 { a href="/admin/reports" { "Reports" } }
                    p { (counted(open_reports, "open report", "open reports")) }
                }
                li class="card" {
                    h2 { a href="/admin/accounts?status=pending" { "Sign-ups" } }
                    p { (counted(pending, "sign-up waits for approval", "sign-ups wait for approval")) }
                }
                li class="card" {
                    h2 { a href="/admin/peering" { "Peering" } }
                    p { (counted(proposals, "node proposes peering", "nodes propose peering")) }
                }
                li class="card" {
                    h2 { a href="/admin/federation#delivery" { "Delivery" } }
                    p { (counted(troubled, "node is not receiving our posts", "nodes are not receiving our posts")) }
                }
            }
        },
    ))
}
