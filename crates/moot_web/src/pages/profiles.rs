//! People's pages (`/@user`, and `/@user@host` for people on other
//! nodes) with their posts and groups, and the node's about page.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, PreEscaped};
use moot_app::model::Window;
use moot_app::views::timelines::AccountQuery;
use moot_app::Context;

use crate::errors::WebError;
use crate::layout;
use crate::posts;
use crate::session::Viewer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(profile).service(post).service(about);
}

#[get("/@{acct}")]
async fn profile(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    acct: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let account = moot_app::directory::by_acct(&ctx, &acct)
        .await?
        .ok_or_else(WebError::not_found)?;
    if account.actor_type == "Group" {
        let handle = moot_app::views::groups::handle_of(&account);
        return Ok(crate::session::see_other(&format!("/groups/{handle}")));
    }
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let shown = moot_app::views::posts::account(&ctx, account.clone()).await?;
    let groups = if account.domain.is_none() {
        moot_app::views::groups::of_person(&ctx, &account)
            .await?
            .into_iter()
            .filter(|g| {
                g.membership.is_member()
                    && g.mode != Some(moot_app::groups::MembershipMode::Private)
            })
            .collect()
    } else {
        Vec::new()
    };
    let recent = moot_app::views::timelines::account(
        &ctx,
        me,
        &account,
        AccountQuery {
            exclude_replies: true,
            ..Default::default()
        },
        Window::below(None, 20),
    )
    .await?;
    let topics = moot_app::search::topics_of(&ctx, &account).await?;
    let name = posts::shown_name(&account);
    let handle = posts::handle(&ctx, &account);
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("{name} ({handle})"),
        html! {
            h1 { span class="caption" { (handle) } (name) }
            @if account.suspended_at.is_some() {
                p class="panel" { "This account is suspended." }
            }
            @if me.is_some_and(|me| me.id != account.id) {
                p { a href={ "/report?account=" (account.id) } { "Report " (name) } }
            }
            @if !account.summary.is_empty() && account.suspended_at.is_none() { div { (PreEscaped(&account.summary)) } }
            p class="secondary" {
                (shown.statuses) " posts · " (shown.followers) " followers · following " (shown.following)
            }
            @if let Some(remote) = account.domain.as_deref() {
                p { "On another node, " (remote) ". " @if let Some(url) = &account.profile_url { a href=(url) rel="noopener nofollow" { "Their profile there" } } }
            } @else {
                p { "Follow from any fediverse app by searching for " code { (handle) } "." }
            }
            @if !groups.is_empty() {
                h2 { "Groups" }
                ul { @for g in &groups { li { a href={ "/groups/" (g.handle()) } { (g.shown_name()) } } } }
            }
            @if !topics.is_empty() {
                h2 { "Topics" }
                p class="secondary" { "What they write about, from the hashtags of their public posts." }
                ul class="tags" {
                    @for (tag, count) in &topics {
                        li {
                            a class="tag" href={ "/directory?topic=" (crate::forms::encode(tag)) } { "#" (tag) }
                            " " span class="secondary" { "(" (count) @if *count == 1 { " post" } @else { " posts" } ")" }
                        }
                    }
                }
            }
            h2 { "Recent posts" }
            @if recent.items.is_empty() { p { "No posts to show." } }
            @else { (posts::feed(&ctx, &recent.items)) }
        },
    ))
}

/// A post's old address (`/@user/ID`) leads to its discussion.
#[get("/@{acct}/{id}")]
async fn post(path: web::Path<(String, String)>) -> Result<HttpResponse, WebError> {
    let (_, id) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    Ok(crate::session::see_other(&format!("/posts/{id}")))
}

#[get("/about")]
async fn about(ctx: web::Data<Context>, req: HttpRequest, viewer: Viewer) -> HttpResponse {
    let instance = &ctx.settings.instance;
    layout::page(
        &ctx,
        &req,
        &viewer,
        "About this node",
        html! {
            h1 { span class="caption" { "About" } (instance.name) }
            @if !instance.description.is_empty() { p class="lead" { (instance.description) } }
            @if !instance.contact_email.is_empty() {
                p { "Contact: " a href={ "mailto:" (instance.contact_email) } { (instance.contact_email) } }
            }
            h2 { "What this is" }
            p { "This is a Moot node: a place where a council's staff share what they know in groups (communities of practice) with wiki pages, documents, events and discussions. Its groups and people federate with other councils' nodes and with the wider fediverse, so knowledge is shared without a central host." }
            p { "You can use it in this browser or from any fediverse app, such as Tusky, Phanpy, Elk or Ivory." }
            h2 { "Software" }
            p { "Moot is free software under the GNU Affero General Public License 3.0." }
            @if !instance.source_url.is_empty() {
                p { a href=(instance.source_url) { "Source code of this node" } }
            }
        },
    )
}
