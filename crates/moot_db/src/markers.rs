//! Reading positions (Mastodon's markers), per person and timeline.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::markers;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = markers)]
pub struct Marker {
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

pub async fn of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    timelines: &[String],
) -> QueryResult<Vec<Marker>> {
    markers::table
        .filter(markers::account_id.eq(account_id))
        .filter(markers::timeline.eq_any(timelines))
        .select(Marker::as_select())
        .load(conn)
        .await
}

/// Moves a marker (each move counts a version).
pub async fn set(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    timeline: &str,
    last_read_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(markers::table)
        .values((
            markers::account_id.eq(account_id),
            markers::timeline.eq(timeline),
            markers::last_read_id.eq(last_read_id),
        ))
        .on_conflict((markers::account_id, markers::timeline))
        .do_update()
        .set((
            markers::last_read_id.eq(last_read_id),
            markers::version.eq(markers::version + 1),
            markers::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
