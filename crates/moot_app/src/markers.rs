//! Reading markers: where a person stopped reading their home timeline
//! and notifications, kept across their apps.

use crate::model::{Account, Marker};
use crate::{AppError, Context};

/// The timelines that have markers.
pub const TIMELINES: [&str; 2] = ["home", "notifications"];

/// `who`'s markers of `timelines`.
pub async fn of(
    ctx: &Context,
    who: &Account,
    timelines: &[String],
) -> Result<Vec<Marker>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::markers::of(&mut conn, who.id, timelines).await?)
}

/// Moves `who`'s markers: (timeline, last read id) pairs.
pub async fn set(
    ctx: &Context,
    who: &Account,
    positions: &[(String, i64)],
) -> Result<(), AppError> {
    if let Some((timeline, _)) = positions
        .iter()
        .find(|(t, _)| !TIMELINES.contains(&t.as_str()))
    {
        return Err(AppError::invalid(
            "timeline",
            format!("`{timeline}` has no marker"),
        ));
    }
    let mut conn = ctx.db.conn().await?;
    for (timeline, id) in positions {
        moot_db::markers::set(&mut conn, who.id, timeline, *id).await?;
    }
    Ok(())
}
