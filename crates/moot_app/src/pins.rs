//! Pinning one's own posts to the top of one's profile.

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
