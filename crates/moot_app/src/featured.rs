//! What a person features on their profile: up to `MOST_TAGS` hashtags
//! (apps show them as "featured hashtags"), and the accounts they endorse
//! (recommend to their profile's visitors).

use moot_db::featured::{self as queries, FeaturedTag};

use crate::model::Account;
use crate::{AppError, Context};

/// Featured hashtags a person may have (the instance document says so).
pub const MOST_TAGS: i64 = 10;

pub async fn tags(ctx: &Context, who: &Account) -> Result<Vec<FeaturedTag>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::tags(&mut conn, who.id).await?)
}

/// Features hashtag `raw`; its entry. Featuring one already featured is
/// no change.
pub async fn feature_tag(ctx: &Context, who: &Account, raw: &str) -> Result<FeaturedTag, AppError> {
    let tag =
        crate::tags::name(raw).ok_or_else(|| AppError::invalid("name", "is not a hashtag"))?;
    let mut conn = ctx.db.conn().await?;
    queries::feature_tag(&mut conn, who.id, &tag, MOST_TAGS).await?;
    // Not there after the insert: the limit was reached.
    queries::tags(&mut conn, who.id)
        .await?
        .into_iter()
        .find(|f| f.tag == tag)
        .ok_or_else(|| {
            AppError::invalid(
                "name",
                format!("at most {MOST_TAGS} hashtags can be featured"),
            )
        })
}

/// Stops featuring hashtag `raw`; NotFound if it was not featured.
pub async fn unfeature_tag(ctx: &Context, who: &Account, raw: &str) -> Result<String, AppError> {
    let tag = crate::tags::name(raw).ok_or(AppError::NotFound)?;
    let mut conn = ctx.db.conn().await?;
    if !queries::unfeature_tag(&mut conn, who.id, &tag).await? {
        return Err(AppError::NotFound);
    }
    Ok(tag)
}

/// Endorses `target` on `who`'s profile (or stops). One follows whom one
/// endorses, as in Mastodon.
pub async fn set_endorsed(
    ctx: &Context,
    who: &Account,
    target: &Account,
    endorse: bool,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    if !endorse {
        return Ok(queries::unendorse(&mut conn, who.id, target.id).await?);
    }
    let following = moot_db::follows::find(&mut conn, who.id, target.id)
        .await?
        .is_some_and(|f| f.accepted);
    if !following {
        return Err(AppError::invalid(
            "id",
            "only accounts you follow can be featured on your profile",
        ));
    }
    Ok(queries::endorse(&mut conn, who.id, target.id).await?)
}

/// The accounts `who` endorses.
pub async fn endorsed(ctx: &Context, who: &Account) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::endorsed(&mut conn, who.id).await?)
}
