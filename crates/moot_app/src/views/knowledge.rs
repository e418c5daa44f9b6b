//! What is new in the knowledge of a person's groups, for their
//! dashboard: wiki pages and documents lately created or changed, and the
//! events to come. Only groups the person is a member of are read, so a
//! private group's knowledge shows to its members alone.

use chrono::Utc;
use moot_db::events::Event;
pub use moot_db::knowledge::Change;

use crate::views::groups::GroupCard;
use crate::{AppError, Context};

pub struct Recent {
    pub changes: Vec<Change>,
    pub events: Vec<Event>,
}

pub async fn recent(ctx: &Context, groups: &[GroupCard], limit: i64) -> Result<Recent, AppError> {
    let ids: Vec<i64> = groups
        .iter()
        .filter(|g| g.membership.is_member())
        .map(|g| g.account.id)
        .collect();
    if ids.is_empty() {
        return Ok(Recent {
            changes: Vec::new(),
            events: Vec::new(),
        });
    }
    let mut conn = ctx.db.conn().await?;
    let changes = moot_db::knowledge::recent_changes(&mut conn, &ids, limit).await?;
    let events = moot_db::events::upcoming_in(&mut conn, &ids, Utc::now(), 5).await?;
    Ok(Recent { changes, events })
}
