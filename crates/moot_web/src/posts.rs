//! Posts as the web pages show them. Their content was sanitized when it
//! was stored (see `moot_app::statuses`), so it is shown as it is.

use maud::{html, Markup, PreEscaped};
use moot_app::model::Account;
use moot_app::views::posts::{EntryView, PostView};
use moot_app::Context;

use crate::layout;

/// The name people read for an account.
pub fn shown_name(account: &Account) -> &str {
    if account.display_name.is_empty() {
        &account.username
    } else {
        &account.display_name
    }
}

/// `@user@host` for anyone, with this node's host for local people.
pub fn handle(ctx: &Context, account: &Account) -> String {
    match &account.domain {
        Some(host) => format!("@{}@{host}", account.username),
        None => format!("@{}@{}", account.username, ctx.urls.authority()),
    }
}

/// Where a person's page is on this node's web app.
pub fn person_href(account: &Account) -> String {
    match &account.domain {
        Some(host) => format!("/@{}@{host}", account.username),
        None => format!("/@{}", account.username),
    }
}

/// Where a post's discussion is read on this node.
pub fn post_href(post: &PostView) -> String {
    format!("/posts/{}", post.status.id)
}

/// One post: who, when, its content (behind its warning, if it has one)
/// and how many replied.
pub fn post(ctx: &Context, post: &PostView, link_to_thread: bool) -> Markup {
    let status = &post.status;
    let author = &post.author.account;
    let warning = if !status.spoiler_text.is_empty() {
        Some(status.spoiler_text.as_str())
    } else {
        post.filtered
            .first()
            .map(|f| f.filter.filter.title.as_str())
    };
    let body = html! {
        div class="post-body" { (PreEscaped(&status.content)) }
        @for media in &post.media {
            p { a href=(moot_app::media::address(ctx, media)) {
                (media.original_name.as_deref().unwrap_or("Attachment"))
                @if !media.description.is_empty() { ": " (media.description) }
            } }
        }
    };
    html! {
        article class="post" {
            p class="post-meta" {
                a href=(person_href(author)) { strong { (shown_name(author)) } }
                " " span { (handle(ctx, author)) }
                " · "
                @if link_to_thread {
                    a href=(post_href(post)) { (layout::when(status.created_at)) }
                } @else {
                    (layout::when(status.created_at))
                }
                @if status.edited_at.is_some() { " · edited" }
            }
            @if let Some(warning) = warning {
                details { summary { "Content warning: " (warning) } (body) }
            } @else {
                (body)
            }
            @if link_to_thread {
                p class="post-meta" {
                    a href=(post_href(post)) {
                        @match post.stats.replies {
                            0 => "Reply",
                            1 => "1 reply",
                            n => { (n) " replies" },
                        }
                        span class="visually-hidden" { " to " (shown_name(author)) ", " (status.created_at.format("%-d %B %Y %H:%M")) }
                    }
                }
            }
        }
    }
}

/// A list of timeline lines; boosts say who shared them.
pub fn feed(ctx: &Context, entries: &[EntryView]) -> Markup {
    html! {
        ul class="feed" {
            @for entry in entries {
                li {
                    @if let Some(boost) = &entry.boost {
                        p class="post-meta" { "Shared by " (shown_name(&boost.by.account)) }
                    }
                    (post(ctx, &entry.post, true))
                }
            }
        }
    }
}
