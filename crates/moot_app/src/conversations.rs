//! Direct conversations (Mastodon's `/api/v1/conversations`): each direct
//! post is filed, for every local person in it, under its thread, which
//! shows its latest post and whether they have read it. The people in a
//! conversation are those of its latest post: its author and the people
//! it mentions.

use diesel_async::AsyncPgConnection;
pub use moot_db::conversations::Conversation;

use crate::model::{Account, Status};
use crate::views::posts::{AccountView, PostView};
use crate::{AppError, Context};

/// Files a direct post under its thread for its local people: unread for
/// everyone but its author. In the caller's transaction.
pub(crate) async fn record_in(
    conn: &mut AsyncPgConnection,
    status: &Status,
    author: &Account,
    local_people: &[i64],
) -> Result<(), AppError> {
    if status.visibility != "direct" {
        return Ok(());
    }
    let mut viewers: Vec<(i64, bool)> = local_people
        .iter()
        .filter(|id| **id != author.id)
        .map(|id| (*id, true))
        .collect();
    if author.domain.is_none() {
        viewers.push((author.id, false));
    }
    // A person may be named twice (in `to` and as a mention tag).
    viewers.sort();
    viewers.dedup_by_key(|(id, _)| *id);
    let root = moot_db::conversations::root_of(conn, status.id).await?;
    Ok(moot_db::conversations::record(conn, root, status.id, &viewers).await?)
}

/// A conversation as its viewer sees it.
#[derive(Debug, Clone)]
pub struct ConversationView {
    pub conversation: Conversation,
    /// The others in it.
    pub accounts: Vec<AccountView>,
    pub last: Option<PostView>,
}

/// `viewer`'s conversations, the latest first.
pub async fn list(
    ctx: &Context,
    viewer: &Account,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ConversationView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found =
        moot_db::conversations::list(&mut conn, viewer.id, max_id, limit.clamp(1, 40)).await?;
    drop(conn);
    let mut shown = Vec::with_capacity(found.len());
    for conversation in found {
        shown.push(view(ctx, viewer, conversation).await?);
    }
    Ok(shown)
}

async fn view(
    ctx: &Context,
    viewer: &Account,
    conversation: Conversation,
) -> Result<ConversationView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let last = moot_db::statuses::find(&mut conn, conversation.last_status_id).await?;
    let mut people: Vec<Account> = Vec::new();
    if let Some((status, author)) = &last {
        people.push(author.clone());
        people.extend(moot_db::statuses::mentioned_accounts(&mut conn, status.id).await?);
    }
    drop(conn);
    people.retain(|a| a.id != viewer.id);
    people.dedup_by_key(|a| a.id);
    let last = match last {
        Some((status, author))
            if crate::statuses::can_view(ctx, Some(viewer), &status, &author).await? =>
        {
            crate::views::posts::posts(ctx, Some(viewer), vec![(status, author)])
                .await?
                .pop()
        }
        _ => None,
    };
    Ok(ConversationView {
        conversation,
        accounts: crate::views::posts::accounts(ctx, people).await?,
        last,
    })
}

/// Marks one of `viewer`'s conversations read.
pub async fn mark_read(
    ctx: &Context,
    viewer: &Account,
    id: i64,
) -> Result<ConversationView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let conversation = moot_db::conversations::mark_read(&mut conn, viewer.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    view(ctx, viewer, conversation).await
}

/// Removes one of `viewer`'s conversations from their list (a later post
/// in it brings it back).
pub async fn remove(ctx: &Context, viewer: &Account, id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    match moot_db::conversations::remove(&mut conn, viewer.id, id).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}

/// The direct posts `viewer` wrote or is named in, newest first (the older
/// `/api/v1/timelines/direct`).
pub async fn direct_posts(
    ctx: &Context,
    viewer: &Account,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PostView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found =
        moot_db::statuses::direct_for(&mut conn, viewer.id, max_id, limit.clamp(1, 40)).await?;
    drop(conn);
    let found = found
        .into_iter()
        .filter(|(_, author)| crate::views::rules::account_shown(author))
        .collect();
    crate::views::posts::posts(ctx, Some(viewer), found).await
}
