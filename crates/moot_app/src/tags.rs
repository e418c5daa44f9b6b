//! Hashtags people follow: a followed hashtag brings its public posts into
//! the follower's home timeline.

use crate::model::Account;
use crate::{AppError, Context};

/// A hashtag as a path or a client names it: without `#`, in lower case,
/// word characters only; None if it is not one.
pub fn name(raw: &str) -> Option<String> {
    let name = raw.trim_start_matches('#').to_lowercase();
    let valid = !name.is_empty()
        && name.chars().count() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then_some(name)
}

/// Whether `who` follows hashtag `tag` (a `name`).
pub async fn following(ctx: &Context, who: &Account, tag: &str) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::statuses::follows_tag(&mut conn, who.id, tag).await?)
}

/// Follows hashtag `raw`, or stops following it; the tag's name.
pub async fn set_following(
    ctx: &Context,
    who: &Account,
    raw: &str,
    follow: bool,
) -> Result<String, AppError> {
    let tag = name(raw).ok_or(AppError::NotFound)?;
    let mut conn = ctx.db.conn().await?;
    moot_db::statuses::follow_tag(&mut conn, who.id, &tag, follow).await?;
    Ok(tag)
}

/// A page of the hashtags `who` follows, newest first, with cursors.
pub async fn followed(
    ctx: &Context,
    who: &Account,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::statuses::followed_tags(&mut conn, who.id, max_id, limit).await?)
}

/// Hashtags in use that start with `prefix`, the most used first.
pub async fn like(ctx: &Context, prefix: &str, limit: i64) -> Result<Vec<String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::statuses::tags_like(&mut conn, prefix, limit).await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(super::name("#Housing").as_deref(), Some("housing"));
        assert_eq!(super::name("road_works").as_deref(), Some("road_works"));
        assert_eq!(super::name("not a tag"), None);
        assert_eq!(super::name("#"), None);
    }
}
