//! Bookmarks: posts a person keeps to read again.

use crate::model::{Account, Status};
use crate::{AppError, Context};

/// Keeps (or stops keeping) post `id`, which `who` must be able to see;
/// the post.
pub async fn set(ctx: &Context, who: &Account, id: i64, keep: bool) -> Result<Status, AppError> {
    let (status, _) = crate::statuses::get_visible(ctx, Some(who), id).await?;
    let mut conn = ctx.db.conn().await?;
    match keep {
        true => moot_db::bookmarks::add(&mut conn, who.id, status.id).await?,
        false => moot_db::bookmarks::remove(&mut conn, who.id, status.id).await?,
    }
    Ok(status)
}
