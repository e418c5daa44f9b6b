//! Pinning posts to the top of a profile: one's own posts, or (for a
//! group's moderators) posts made in the group, which other nodes hear of
//! as `Add` and `Remove` on the group's `featured` collection.

use diesel_async::AsyncConnection;
use moot_db::accounts::Account;
use moot_db::pins as queries;
use moot_db::statuses::Status;

use crate::statuses::get_visible;
use crate::{AppError, Context};

/// Most posts a profile shows pinned (Mastodon's limit).
pub const MAX_PINS: i64 = 5;

/// `who` pins one of their own posts (not a direct message).
pub async fn pin(ctx: &Context, who: &Account, status_id: i64) -> Result<Status, AppError> {
    let (status, author) = get_visible(ctx, Some(who), status_id).await?;
    if author.id != who.id {
        return Err(AppError::invalid("id", "only your own posts can be pinned"));
    }
    if status.visibility == "direct" {
        return Err(AppError::invalid("id", "direct messages cannot be pinned"));
    }
    let mut conn = ctx.db.conn().await?;
    if queries::count(&mut conn, who.id).await? >= MAX_PINS {
        return Err(AppError::invalid(
            "id",
            format!("at most {MAX_PINS} posts can be pinned"),
        ));
    }
    queries::pin(&mut conn, who.id, status.id).await?;
    Ok(status)
}

pub async fn unpin(ctx: &Context, who: &Account, status_id: i64) -> Result<Status, AppError> {
    let (status, _) = get_visible(ctx, Some(who), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    queries::unpin(&mut conn, who.id, status.id).await?;
    Ok(status)
}

/// A moderator pins a post made in one of our groups to the group's
/// profile (its `featured` collection: pinned and announcement posts); the
/// group's followers are told with `Add`.
pub async fn pin_in_group(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    status_id: i64,
) -> Result<Status, AppError> {
    let (group, status) = group_post(ctx, moderator, group_id, status_id).await?;
    let mut conn = ctx.db.conn().await?;
    if queries::count(&mut conn, group.id).await? >= MAX_GROUP_PINS {
        return Err(AppError::invalid(
            "id",
            format!("a group pins at most {MAX_GROUP_PINS} posts"),
        ));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        if queries::pin(conn, group.id, status.id).await? {
            tell_followers(ctx, conn, &group, &status, "Add").await?;
        }
        Ok(())
    })
    .await?;
    Ok(status)
}

/// A moderator unpins a post from one of our groups (`Remove`).
pub async fn unpin_in_group(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    status_id: i64,
) -> Result<Status, AppError> {
    let (group, status) = group_post(ctx, moderator, group_id, status_id).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::unpin(conn, group.id, status.id).await?;
        tell_followers(ctx, conn, &group, &status, "Remove").await
    })
    .await?;
    Ok(status)
}

/// Most posts a group shows pinned.
pub const MAX_GROUP_PINS: i64 = 10;

/// One of our groups, moderated by `moderator`, and a post made in it.
async fn group_post(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    status_id: i64,
) -> Result<(Account, Status), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    if group.domain.is_some() {
        return Err(AppError::invalid(
            "group",
            "a group on another node pins its posts there",
        ));
    }
    crate::groups::require_moderator(&mut conn, group.id, moderator).await?;
    drop(conn);
    let (status, _) = get_visible(ctx, Some(moderator), status_id).await?;
    if status.group_id != Some(group.id) || status.visibility == "direct" {
        return Err(AppError::invalid("id", "is not a post made in this group"));
    }
    Ok((group, status))
}

async fn tell_followers(
    ctx: &Context,
    conn: &mut diesel_async::AsyncPgConnection,
    group: &Account,
    status: &Status,
    kind: &str,
) -> Result<(), AppError> {
    let activity = moot_protocol::activities::featured_change(
        &ctx.urls.new_activity(),
        kind,
        &ctx.urls.person(&group.username),
        &crate::statuses::status_uri(ctx, status)?,
        &ctx.urls.person_collection(&group.username, "featured"),
        &ctx.urls.person_collection(&group.username, "followers"),
    );
    crate::outbound::to_followers(ctx, conn, group, &activity).await
}

/// `Add` (pinned) or `Remove` of a post to or from a remote actor's
/// `featured` collection (the federation layer checked that the collection
/// is the actor's, and fetched the post).
pub async fn receive_featured(
    ctx: &Context,
    actor: &Account,
    status: &Status,
    pinned: bool,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    if pinned {
        queries::pin(&mut conn, actor.id, status.id).await?;
    } else {
        queries::unpin(&mut conn, actor.id, status.id).await?;
    }
    Ok(())
}

/// The posts `account` pinned, the latest pinned first, that anyone may see.
pub async fn public_of(
    ctx: &Context,
    account: &Account,
) -> Result<Vec<(Status, Account)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let pinned = moot_db::pins::of(&mut conn, account.id).await?;
    Ok(pinned
        .into_iter()
        .filter(|(s, _)| s.visibility == "public")
        .collect())
}
