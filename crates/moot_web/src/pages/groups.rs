//! Groups: browsing every group the node knows, one group's page with its
//! discussions, joining and leaving, and starting a discussion.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup, PreEscaped};
use moot_app::groups::MembershipMode;
use moot_app::model::Window;
use moot_app::statuses::PostInput;
use moot_app::views::groups::{GroupCard, Membership};
use moot_app::Context;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, NoFields, Posted};
use crate::layout::{self, FieldError, Input};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(group_page)
        .service(join_or_leave)
        .service(new_discussion);
}

const PER_PAGE: i64 = 30;

fn mode_tag(mode: Option<MembershipMode>) -> Markup {
    html! {
        @match mode {
            Some(MembershipMode::Open) => span class="tag green" { "Open" },
            Some(MembershipMode::Approval) => span class="tag" { "Approval needed" },
            Some(MembershipMode::Private) => span class="tag grey" { "Private" },
            None => {},
        }
    }
}

/// What a person may do about a group, as a button.
fn membership_action(group: &GroupCard, csrf: &str) -> Markup {
    let base = format!("/groups/{}", group.handle());
    let name = group.shown_name();
    html! {
        @match group.membership {
            Membership::None => {
                form class="inline" method="post" action={ (base) "/join" } {
                    (csrf_field(csrf))
                    button type="submit" {
                        @if group.mode == Some(MembershipMode::Open) || group.mode.is_none() { "Join" } @else { "Ask to join" }
                        span class="visually-hidden" { " " (name) }
                    }
                }
            }
            Membership::Requested => {
                form class="inline" method="post" action={ (base) "/leave" } {
                    (csrf_field(csrf))
                    button type="submit" class="secondary" { "Withdraw request" span class="visually-hidden" { " to join " (name) } }
                }
            }
            Membership::Owner => { span class="tag green" { "You own this group" } }
            _ => {
                form class="inline" method="post" action={ (base) "/leave" } data-confirm={ "Leave " (name) "?" } {
                    (csrf_field(csrf))
                    button type="submit" class="secondary" { "Leave" span class="visually-hidden" { " " (name) } }
                }
            }
        }
    }
}

/// Groups as cards, with a join button for a signed-in person.
pub fn group_cards(groups: &[GroupCard], csrf: Option<&str>) -> Markup {
    html! {
        ul class="cards" {
            @for g in groups {
                li class="card" {
                    h3 { a href={ "/groups/" (g.handle()) } { (g.shown_name()) } }
                    p class="secondary" {
                        @if g.is_local() { "On this node" } @else { "On " (g.account.domain.as_deref().unwrap_or_default()) }
                        " · " (g.members) @if g.members == 1 { " member" } @else { " members" }
                        @if !g.is_local() { " here" }
                    }
                    p { (mode_tag(g.mode)) }
                    @if let Some(csrf) = csrf { (membership_action(g, csrf)) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

#[get("/groups")]
async fn list(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let page = query.page.parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let found =
        moot_app::views::groups::known(&ctx, me, &query.q, PER_PAGE + 1, (page - 1) * PER_PAGE)
            .await?;
    let more = found.len() as i64 > PER_PAGE;
    let shown = &found[..found.len().min(PER_PAGE as usize)];
    let csrf = viewer.session.as_ref().map(|s| s.csrf_token.as_str());
    let q = query.q.trim();
    let page_link = |n: i64| format!("/groups?q={}&page={n}", crate::forms::encode(q));
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Groups",
        html! {
            h1 { "Groups" }
            p { "Communities of practice on this node and on the nodes it federates with." }
            form method="get" action="/groups" role="search" {
                div class="field" {
                    label for="q" { "Search groups by name or topic" }
                    input id="q" name="q" type="search" value=(q);
                }
                button type="submit" class="secondary" { "Search" }
            }
            @if shown.is_empty() {
                p { @if q.is_empty() { "This node knows no groups yet." } @else { "No groups match “" (q) "”." } }
            } @else {
                (group_cards(shown, csrf))
            }
            nav class="pagination" aria-label="Pages of groups" {
                @if page > 1 { a href=(page_link(page - 1)) { "Previous page" } } @else { span {} }
                @if more { a href=(page_link(page + 1)) { "Next page" } }
            }
        },
    ))
}

/// Where one part of a group (its wiki, library, events) is.
pub fn section(group: &GroupCard, part: &str) -> String {
    format!("/groups/{}/{part}", group.handle())
}

/// The breadcrumbs above a page of one part of a group.
pub fn section_trail(group: &GroupCard, part: &str, label: &str) -> Markup {
    let group_href = format!("/groups/{}", group.handle());
    layout::breadcrumbs(&[
        ("/groups", "Groups"),
        (&group_href, group.shown_name()),
        (&section(group, part), label),
    ])
}

/// A group by the handle in its path, or the not-found page.
pub(crate) async fn find(
    ctx: &Context,
    viewer: &Viewer,
    handle: &str,
) -> Result<GroupCard, WebError> {
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    Ok(moot_app::views::groups::by_handle(ctx, me, handle).await?)
}

/// Discussions shown on one page of a group.
const DISCUSSIONS_PER_PAGE: i64 = 10;

#[derive(Deserialize)]
struct Older {
    #[serde(default)]
    before: String,
}

#[get("/groups/{handle}")]
async fn group_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
    older: web::Query<Older>,
) -> Result<HttpResponse, WebError> {
    let group = find(&ctx, &viewer, &handle).await?;
    let before = older.before.parse().ok();
    discussion_page(&ctx, &req, &viewer, &group, before, "", &[]).await
}

async fn discussion_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    before: Option<i64>,
    draft: &str,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let private_to_me =
        group.mode == Some(MembershipMode::Private) && !group.membership.is_member();
    let discussions = if private_to_me {
        None
    } else {
        Some(
            moot_app::views::timelines::group(
                ctx,
                me,
                &group.account,
                Window::below(before, DISCUSSIONS_PER_PAGE),
            )
            .await?,
        )
    };
    let pinned = if private_to_me {
        Vec::new()
    } else {
        moot_app::views::timelines::pinned(ctx, me, &group.account).await?
    };
    // A few members by name, for people who may see them (a private
    // group's to its members).
    let members = match me {
        Some(me) if group.is_local() && !private_to_me => {
            moot_app::groups::members(ctx, me, group.account.id, None, 12).await?
        }
        _ => Vec::new(),
    };
    let handle = group.handle();
    let base = format!("/groups/{handle}");
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        group.shown_name(),
        html! {
            (layout::breadcrumbs(&[("/groups", "Groups")]))
            h1 { span class="caption" { "Group" } (group.shown_name()) }
            div class="columns" {
                div {
                    @if !group.account.summary.is_empty() { div { (PreEscaped(&group.account.summary)) } }
                    @if !pinned.is_empty() {
                        h2 { "Pinned" }
                        ul class="feed" { @for p in &pinned { li { (posts::post(ctx, p, true)) } } }
                    }
                    h2 { "Discussions" }
                    @match &discussions {
                        None => p { "This group is private. Its discussions are for its members." },
                        Some(page) if page.items.is_empty() => p { "No discussions yet." },
                        Some(page) => (posts::feed(ctx, &page.items)),
                    }
                    @if let Some(page) = &discussions {
                        @if page.cursors.len() as i64 == DISCUSSIONS_PER_PAGE {
                            @if let Some(oldest) = page.cursors.last() {
                                nav class="pagination" aria-label="Pages of discussions" {
                                    span {}
                                    a href={ (base) "?before=" (oldest) } { "Older discussions" }
                                }
                            }
                        }
                    }
                    @if let Some(session) = &viewer.session {
                        @if group.membership.is_member() {
                            h2 id="new-discussion" { "Start a discussion" }
                            (layout::error_summary(errors))
                            form method="post" action={ (base) "/posts" } novalidate {
                                (csrf_field(&session.csrf_token))
                                (layout::textarea(&Input { value: draft, required: true,
                                    hint: Some("Members of the group on every node will see it. The first line is its title (forums such as Lemmy list posts by title). You can use Markdown."),
                                    ..Input::new("text", "Your post") }, 6, errors))
                                button type="submit" { "Post" }
                            }
                        }
                    }
                }
                div {
                    h2 { "About" }
                    dl class="summary-list" {
                        div { dt { "Handle" } dd { "@" (group.account.username) "@" (group.account.domain.clone().unwrap_or_else(|| ctx.urls.authority())) } }
                        div { dt { "Joining" } dd { (mode_tag(group.mode)) } }
                        div { dt { "Members" } dd { (group.members) @if !group.is_local() { " on this node" } } }
                    }
                    @if !members.is_empty() {
                        h3 { "Members" }
                        ul {
                            @for (_, person, role) in &members {
                                li { a href=(posts::person_href(person)) { (posts::shown_name(person)) } @if *role != "member" { " (" (role) ")" } }
                            }
                        }
                    }
                    @if let Some(session) = &viewer.session {
                        (membership_action(group, &session.csrf_token))
                    } @else {
                        p { a href={ "/login?next=" (crate::forms::encode(&base)) } { "Sign in to join" } }
                    }
                    @if group.membership.moderates() && group.is_local() {
                        p { a href={ (base) "/manage" } { "Manage this group" } }
                    }
                    h2 { "Knowledge" }
                    ul {
                        li { a href={ (base) "/wiki" } { "Wiki" } }
                        li { a href={ (base) "/library" } { "Library" } }
                        li { a href={ (base) "/events" } { "Events" } }
                    }
                }
            }
        },
    ))
}

/// Joins (or asks to join) a group, or leaves it (or withdraws the request).
#[post("/groups/{handle}/{action:join|leave}")]
async fn join_or_leave(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    posted: Posted<NoFields>,
) -> Result<HttpResponse, WebError> {
    let (handle, action) = path.into_inner();
    let session = posted.viewer.require(&req)?;
    let me = &session.session.account;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let name = group.shown_name();
    let notice = if action == "join" {
        let relation = moot_app::follows::follow(&ctx, me, &group.account, None).await?;
        if relation.following {
            format!("You joined {name}.")
        } else if !group.is_local() {
            format!(
                "Your request to join {name} has been sent to its node. You are a member as soon as it answers."
            )
        } else {
            format!("You asked to join {name}. A moderator will decide.")
        }
    } else {
        if group.membership == Membership::Owner {
            return Err(WebError::forbidden(
                "The owner cannot leave their group. Make someone else its owner first.",
            ));
        }
        moot_app::follows::unfollow(&ctx, me, &group.account).await?;
        format!("You are no longer a member of {name}.")
    };
    let to = format!("/groups/{}", group.handle());
    Ok(session::redirect_with_notice(&ctx, &to, &notice))
}

#[derive(Deserialize)]
struct PostForm {
    #[serde(default)]
    text: String,
}

/// The text of a post into a group: it names the group, which is how a
/// post reaches a group on any node (FEP-1b12).
pub fn addressed_to(ctx: &Context, group: &GroupCard, text: &str) -> String {
    let mention = match &group.account.domain {
        Some(host) => format!("@{}@{host}", group.account.username),
        None => format!("@{}@{}", group.account.username, ctx.urls.authority()),
    };
    if text.contains(&mention) {
        text.to_owned()
    } else {
        format!("{mention} {text}")
    }
}

#[post("/groups/{handle}/posts")]
async fn new_discussion(
    ctx: web::Data<Context>,
    req: HttpRequest,
    handle: web::Path<String>,
    posted: Posted<PostForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    if !group.membership.is_member() {
        return Err(WebError::forbidden(format!(
            "Only members of {} can post in it. Join the group first.",
            group.shown_name()
        )));
    }
    let text = posted.form.text.trim();
    if text.is_empty() {
        let errors = [FieldError {
            field: "text",
            message: "Enter your post".into(),
        }];
        return discussion_page(&ctx, &req, &posted.viewer, &group, None, "", &errors).await;
    }
    let visibility = if group.mode == Some(MembershipMode::Private) {
        moot_app::model::Visibility::Private
    } else {
        moot_app::model::Visibility::Public
    };
    let input = PostInput {
        text: addressed_to(&ctx, &group, text),
        visibility,
        in_reply_to_id: None,
        spoiler_text: String::new(),
        sensitive: false,
        language: None,
        media_ids: Vec::new(),
        idempotency_key: None,
        poll: None,
        // The web form says Markdown may be used.
        format: Some(moot_core::text::TextFormat::Markdown),
    };
    match moot_app::statuses::create(&ctx, &session.session.account, input).await {
        Ok(status) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("/posts/{}", status.id),
            "Your post has been published.",
        )),
        Err(moot_app::AppError::Invalid { message, .. }) => {
            let errors = [FieldError {
                field: "text",
                message: format!("Your post {message}"),
            }];
            discussion_page(&ctx, &req, &posted.viewer, &group, None, text, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}
