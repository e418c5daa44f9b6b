//! Timelines, threads and lists of posts, as one viewer sees them. The
//! queries choose the lines (their SQL keeps blocked and muted accounts
//! out, as `rules::shows_in_feeds` says); `rules` decide the rest, and the
//! viewer's filters for the timeline's context are applied last.

use moot_db::window::Window;

use crate::model::{Account, Edit, Entry, Status};
use crate::statuses::can_view;
use crate::views::filtering::{self, FilterContext};
use crate::views::posts::{self, AccountView, EntryView, PostView};
use crate::views::{rules, Page};
use crate::{AppError, Context};

/// Posts in a lines' order, as viewer sees them, filtered for `context`.
async fn shown(
    ctx: &Context,
    viewer: Option<&Account>,
    context: FilterContext,
    lines: Vec<Entry>,
) -> Result<Page<EntryView>, AppError> {
    let cursors = lines.iter().map(|e| e.id).collect();
    let lines = lines
        .into_iter()
        .filter(|e| {
            rules::account_shown(&e.author)
                && e.boost.as_ref().is_none_or(|b| rules::account_shown(&b.by))
        })
        .collect();
    let entries = posts::entries(ctx, viewer, lines).await?;
    let filters = filtering::active(ctx, viewer, context).await?;
    Ok(Page {
        items: filters.entries(entries),
        cursors,
    })
}

/// `viewer`'s home timeline.
pub async fn home(
    ctx: &Context,
    viewer: &Account,
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::timelines::home(&mut conn, viewer.id, window).await?;
    drop(conn);
    shown(ctx, Some(viewer), FilterContext::Home, found).await
}

/// Which public posts: this node's, other nodes', or both; with a hashtag.
#[derive(Debug, Clone, Default)]
pub struct PublicQuery {
    pub local: Option<bool>,
    pub tag: Option<String>,
}

/// Public posts, leaving out silenced (and refused) domains: their posts
/// reach only their followers' home timelines.
pub async fn public(
    ctx: &Context,
    viewer: &Account,
    query: &PublicQuery,
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    let mut next = window;
    let mut found = Vec::new();
    // A few pages at most, should a silenced domain fill them.
    for _ in 0..5 {
        let mut conn = ctx.db.conn().await?;
        let page = moot_db::statuses::public_timeline(
            &mut conn,
            viewer.id,
            query.local,
            query.tag.as_deref(),
            next,
        )
        .await?;
        drop(conn);
        let exhausted = (page.len() as i64) < next.limit;
        if let Some((last, _)) = page.last() {
            next = next.past(last.id);
        }
        found.extend(
            page.into_iter()
                .filter(|(_, author)| rules::in_public_timelines(&ctx.policy, author)),
        );
        if exhausted || found.len() as i64 >= window.limit {
            break;
        }
    }
    found.truncate(window.limit as usize);
    let found = window.newest_first(found);
    shown(
        ctx,
        Some(viewer),
        FilterContext::Public,
        posts::lines(found),
    )
    .await
}

/// One of `viewer`'s lists.
pub async fn list(
    ctx: &Context,
    viewer: &Account,
    list_id: i64,
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    let list = crate::lists::get(ctx, viewer, list_id).await?;
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::lists::timeline(&mut conn, &list, window).await?;
    drop(conn);
    shown(ctx, Some(viewer), FilterContext::Home, found).await
}

/// Which of an account's posts to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountQuery {
    pub exclude_replies: bool,
    pub exclude_reblogs: bool,
    pub only_media: bool,
}

/// What `account` shared (posts and boosts) that `viewer` may see.
pub async fn account(
    ctx: &Context,
    viewer: Option<&Account>,
    account: &Account,
    query: AccountQuery,
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::timelines::of_account(
        &mut conn,
        account.id,
        &["public", "unlisted", "private", "direct"],
        window,
    )
    .await?;
    drop(conn);
    let cursors = found.iter().map(|e| e.id).collect();
    let mut kept = Vec::new();
    for entry in found {
        let status = &entry.status;
        let excluded =
            (query.exclude_replies && status.in_reply_to_id.is_some() && entry.boost.is_none())
                || (query.exclude_reblogs && entry.boost.is_some())
                || (query.only_media && !crate::statuses::has_media(ctx, status.id).await?);
        if !excluded && can_view(ctx, viewer, status, &entry.author).await? {
            kept.push(entry);
        }
    }
    let mut page = shown(ctx, viewer, FilterContext::Account, kept).await?;
    page.cursors = cursors;
    Ok(page)
}

/// The discussions of `group` that `viewer` may see, newest first.
pub async fn group(
    ctx: &Context,
    viewer: Option<&Account>,
    group: &Account,
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    groups(ctx, viewer, &[group.id], window).await
}

/// The discussions of several groups (a person's own, say) that `viewer`
/// may see, newest first.
pub async fn groups(
    ctx: &Context,
    viewer: Option<&Account>,
    group_ids: &[i64],
    window: Window,
) -> Result<Page<EntryView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::timelines::of_groups(&mut conn, group_ids, window).await?;
    drop(conn);
    let cursors = found.iter().map(|e| e.id).collect();
    let kept = viewable(ctx, viewer, found).await?;
    let mut page = shown(ctx, viewer, FilterContext::Public, kept).await?;
    page.cursors = cursors;
    Ok(page)
}

/// The lines of `found` that `viewer` may see. Public and unlisted posts
/// need only whether their author blocks the viewer: that is read for all
/// of them at once; the others go through `can_view` one by one.
async fn viewable(
    ctx: &Context,
    viewer: Option<&Account>,
    found: Vec<Entry>,
) -> Result<Vec<Entry>, AppError> {
    let open = |e: &Entry| {
        e.status.deleted_at.is_none()
            && matches!(e.status.visibility.as_str(), "public" | "unlisted")
    };
    let blocking = match viewer {
        Some(viewer) => {
            let authors: Vec<i64> = found
                .iter()
                .filter(|e| open(e))
                .map(|e| e.author.id)
                .collect();
            let mut conn = ctx.db.conn().await?;
            moot_db::blocks::blocking_among(&mut conn, &authors, viewer.id).await?
        }
        None => Vec::new(),
    };
    let mut kept = Vec::with_capacity(found.len());
    for entry in found {
        let visible = if open(&entry) {
            let standing = rules::Standing {
                signed_in: viewer.is_some(),
                is_author: viewer.is_some_and(|v| v.id == entry.author.id),
                blocked_by_author: blocking.contains(&entry.author.id),
                ..Default::default()
            };
            let visibility = crate::model::Visibility::parse(&entry.status.visibility)
                .unwrap_or(crate::model::Visibility::Direct);
            rules::may_see(visibility, false, standing)
        } else {
            can_view(ctx, viewer, &entry.status, &entry.author).await?
        };
        if visible {
            kept.push(entry);
        }
    }
    Ok(kept)
}

/// `account`'s pinned posts that `viewer` may see.
pub async fn pinned(
    ctx: &Context,
    viewer: Option<&Account>,
    account: &Account,
) -> Result<Vec<PostView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let pinned = moot_db::pins::of(&mut conn, account.id).await?;
    drop(conn);
    visible_posts(ctx, viewer, pinned).await
}

/// Those of `found` that `viewer` may see, as they see them.
async fn visible_posts(
    ctx: &Context,
    viewer: Option<&Account>,
    found: Vec<(Status, Account)>,
) -> Result<Vec<PostView>, AppError> {
    let mut kept = Vec::with_capacity(found.len());
    for (status, author) in found {
        if can_view(ctx, viewer, &status, &author).await? {
            kept.push((status, author));
        }
    }
    posts::posts(ctx, viewer, kept).await
}

/// A page of what `viewer` kept: (cursor, post, author) still visible.
async fn kept(
    ctx: &Context,
    viewer: &Account,
    found: Vec<(i64, Status, Account)>,
) -> Result<Page<PostView>, AppError> {
    let cursors = found.iter().map(|(c, _, _)| *c).collect();
    let found = found.into_iter().map(|(_, s, a)| (s, a)).collect();
    Ok(Page {
        items: visible_posts(ctx, Some(viewer), found).await?,
        cursors,
    })
}

/// What a person keeps: their bookmarks, or the posts they favourited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Bookmarks,
    Favourites,
}

/// A page of what `viewer` keeps, newest first, still visible to them.
pub async fn kept_posts(
    ctx: &Context,
    viewer: &Account,
    which: Kept,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Page<PostView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = match which {
        Kept::Bookmarks => moot_db::bookmarks::page(&mut conn, viewer.id, max_id, limit).await?,
        Kept::Favourites => {
            moot_db::bookmarks::favourites_page(&mut conn, viewer.id, max_id, limit).await?
        }
    };
    drop(conn);
    kept(ctx, viewer, found).await
}

/// Most posts above and below a post that a thread shows.
const MAX_ANCESTORS: usize = 100;
const MAX_DESCENDANTS: usize = 500;

/// A post's thread as `viewer` sees it: the posts it replies to (oldest
/// first) and the replies below it.
pub async fn thread(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
) -> Result<(Vec<PostView>, Vec<PostView>), AppError> {
    let (status, _) = crate::statuses::get_visible(ctx, viewer, id).await?;
    let mut conn = ctx.db.conn().await?;
    let mut ancestors = Vec::new();
    let mut next = status.in_reply_to_id;
    let mut steps = 0;
    while let (Some(parent_id), true) = (next, steps < MAX_ANCESTORS) {
        steps += 1;
        let Some((parent, author)) = moot_db::statuses::find(&mut conn, parent_id).await? else {
            break;
        };
        next = parent.in_reply_to_id;
        ancestors.push((parent, author));
    }
    ancestors.reverse();
    let mut descendants = Vec::new();
    let mut queue = vec![status.id];
    'walk: while let Some(parent_id) = queue.pop() {
        for (reply, author) in moot_db::statuses::replies(&mut conn, parent_id).await? {
            if descendants.len() >= MAX_DESCENDANTS {
                break 'walk;
            }
            queue.push(reply.id);
            descendants.push((reply, author));
        }
    }
    drop(conn);
    let filters = filtering::active(ctx, viewer, FilterContext::Thread).await?;
    let ancestors = visible_posts(ctx, viewer, ancestors).await?;
    let descendants = visible_posts(ctx, viewer, descendants).await?;
    Ok((filters.posts(ancestors), filters.posts(descendants)))
}

/// Who favourited (or boosted) a post `viewer` may see.
pub async fn reactors(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
    boosts: bool,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Page<AccountView>, AppError> {
    let (status, _) = crate::statuses::get_visible(ctx, viewer, id).await?;
    let mut conn = ctx.db.conn().await?;
    let found =
        moot_db::reactions::reactors_page(&mut conn, status.id, boosts, max_id, limit).await?;
    drop(conn);
    account_page(ctx, found).await
}

/// A page of accounts by cursor, with their counts.
pub async fn account_page(
    ctx: &Context,
    found: Vec<(i64, Account)>,
) -> Result<Page<AccountView>, AppError> {
    let (cursors, accounts): (Vec<i64>, Vec<Account>) = found.into_iter().unzip();
    Ok(Page {
        items: posts::accounts(ctx, accounts).await?,
        cursors,
    })
}

/// A post `viewer` may see and its earlier versions, oldest first.
pub async fn history(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
) -> Result<(PostView, Vec<Edit>), AppError> {
    let post = posts::visible(ctx, viewer, id).await?;
    let mut conn = ctx.db.conn().await?;
    let edits = moot_db::statuses::edits(&mut conn, post.status.id).await?;
    Ok((post, edits))
}

/// The line a boost makes, as `viewer` sees it.
pub async fn boost(ctx: &Context, viewer: &Account, boost_id: i64) -> Result<EntryView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let entry = moot_db::timelines::boost(&mut conn, boost_id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let mut found = posts::entries(ctx, Some(viewer), vec![entry]).await?;
    found.pop().ok_or(AppError::NotFound)
}

/// A line that has just happened, as `viewer` would see it in a timeline
/// of `context`: None when they may not see it, hide its author (or
/// booster), or filter it out.
pub async fn arriving(
    ctx: &Context,
    viewer: &Account,
    context: FilterContext,
    entry: Entry,
) -> Result<Option<EntryView>, AppError> {
    let people: Vec<i64> = std::iter::once(entry.author.id)
        .chain(entry.boost.as_ref().map(|b| b.by.id))
        .collect();
    let mut conn = ctx.db.conn().await?;
    let hidden = moot_db::blocks::hidden_among(&mut conn, viewer.id, &people).await?;
    drop(conn);
    let booster = entry.boost.as_ref().map(|b| b.by.id);
    if !rules::shows_in_feeds(&hidden, entry.author.id, booster)
        || !can_view(ctx, Some(viewer), &entry.status, &entry.author).await?
    {
        return Ok(None);
    }
    Ok(shown(ctx, Some(viewer), context, vec![entry])
        .await?
        .items
        .pop())
}
