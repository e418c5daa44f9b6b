//! `/`: the node's front page for visitors; for a signed-in person, a
//! dashboard of their groups, what is new in them, and their notifications.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::model::Window;
use moot_app::views::groups::GroupCard;
use moot_app::views::knowledge::Change;
use moot_app::views::notifications::NotificationQuery;
use moot_app::Context;

use crate::errors::WebError;
use crate::layout;
use crate::pages::groups::group_cards;
use crate::posts;
use crate::session::Viewer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home);
}

#[get("/")]
async fn home(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    match &viewer.session {
        None => front_page(&ctx, &req, &viewer).await,
        Some(session) => {
            let me = &session.session.account;
            let groups = moot_app::views::groups::of_person(&ctx, me).await?;
            let knowledge = moot_app::views::knowledge::recent(&ctx, &groups, 8).await?;
            // Recent discussions in the person's groups (their whole home
            // timeline is for their apps).
            let member_of: Vec<i64> = groups
                .iter()
                .filter(|g| g.membership.is_member())
                .map(|g| g.account.id)
                .collect();
            let feed = moot_app::views::timelines::groups(
                &ctx,
                Some(me),
                &member_of,
                Window::below(None, 10),
            )
            .await?;
            let notifications = moot_app::views::notifications::list(
                &ctx,
                me,
                &NotificationQuery {
                    limit: 5,
                    ..Default::default()
                },
            )
            .await?;
            Ok(layout::page(
                &ctx,
                &req,
                &viewer,
                "Home",
                html! {
                    h1 { span class="caption" { "Welcome back" } (posts::shown_name(me)) }
                    div class="columns" {
                        div {
                            @if !knowledge.changes.is_empty() {
                                h2 { "New and changed in your groups" }
                                ul class="feed" {
                                    @for change in &knowledge.changes {
                                        (changed(&groups, change))
                                    }
                                }
                            }
                            h2 { "Recent discussions in your groups" }
                            @if feed.items.is_empty() {
                                p { "Nothing yet. " a href="/groups" { "Find groups to join" } " and their discussions will show here." }
                            } @else {
                                (posts::feed(&ctx, &feed.items))
                                p { a href="/groups" { "Find more groups" } }
                            }
                        }
                        div {
                            h2 { "Your groups" }
                            (my_groups(&groups))
                            h2 { "Upcoming events" }
                            @if knowledge.events.is_empty() { p { "No upcoming events in your groups." } }
                            ul {
                                @for event in &knowledge.events {
                                    li {
                                        a href={ "/events/" (event.id) } { (event.title) } br;
                                        span class="secondary" { (layout::when(event.starts_at)) }
                                    }
                                }
                            }
                            h2 { "Notifications" }
                            @if notifications.items.is_empty() {
                                p { "No notifications." }
                            } @else {
                                ul {
                                    @for n in &notifications.items {
                                        li { (crate::pages::notifications::describe(&n.notification.kind, &n.from.account)) }
                                    }
                                }
                                p { a href="/notifications" { "All notifications" } }
                            }
                        }
                    }
                },
            ))
        }
    }
}

/// One new or changed wiki page or document, with its group.
fn changed(groups: &[GroupCard], change: &Change) -> Markup {
    let group = groups.iter().find(|g| g.account.id == change.group_id);
    let handle = group.map(GroupCard::handle).unwrap_or_default();
    let (what, href) = match change.kind.as_str() {
        "wiki" => (
            if change.versions > 1 {
                "Wiki page edited"
            } else {
                "New wiki page"
            },
            format!("/groups/{handle}/wiki/{}", change.slug),
        ),
        _ => (
            if change.versions > 1 {
                "New version of a document"
            } else {
                "New document"
            },
            format!("/groups/{handle}/library/{}", change.id),
        ),
    };
    html! {
        li {
            p class="post-meta" {
                span class="tag grey" { (what) } " in "
                @if let Some(g) = group { a href={ "/groups/" (handle) } { (g.shown_name()) } }
                " · " (layout::when(change.at))
            }
            a href=(href) { strong { (change.title) } }
        }
    }
}

fn my_groups(groups: &[GroupCard]) -> Markup {
    html! {
        @if groups.is_empty() {
            p { "You have not joined a group yet." }
        } @else {
            ul {
                @for g in groups {
                    li {
                        a href={ "/groups/" (g.handle()) } { (g.shown_name()) }
                        @if g.membership == moot_app::views::groups::Membership::Requested { " " span class="tag grey" { "Requested" } }
                    }
                }
            }
        }
        p { a href="/groups" { "Browse all groups" } }
    }
}

async fn front_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
) -> Result<HttpResponse, WebError> {
    let groups: Vec<GroupCard> = moot_app::views::groups::known(ctx, None, "", 100, 0)
        .await?
        .into_iter()
        .filter(|g| g.is_local() && g.mode != Some(moot_app::groups::MembershipMode::Private))
        .take(12)
        .collect();
    let instance = &ctx.settings.instance;
    Ok(layout::page(
        ctx,
        req,
        viewer,
        &instance.name,
        html! {
            h1 { (instance.name) }
            @if !instance.description.is_empty() { p class="lead" { (instance.description) } }
            p { a class="button" href="/login" { "Sign in" } }
            h2 { "Groups on this node" }
            @if groups.is_empty() {
                p { "There are no public groups yet." }
            } @else {
                (group_cards(&groups, None))
            }
            p { a href="/groups" { "All groups" } }
            h2 { "Part of the fediverse" }
            p { "People here share what they know with other councils' nodes and the wider fediverse. You can follow this node's groups from any fediverse app." }
        },
    ))
}
