//! Reports about people and posts: made here, or received as `Flag`s from
//! other nodes, for the node's moderators.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::reports;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub reporter_id: i64,
    pub target_account_id: Option<i64>,
    pub status_ids: Vec<i64>,
    pub comment: String,
    /// The `Flag`'s id, for a report from another node.
    pub ap_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// `spam`, `legal`, `violation` or `other`.
    pub category: String,
    pub rule_ids: Vec<i64>,
    /// Sent on to the reported account's node.
    pub forwarded: bool,
    /// When a moderator resolved it (none while open).
    pub action_taken_at: Option<DateTime<Utc>>,
    pub action_taken_by_id: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reports)]
pub struct NewReport<'a> {
    pub reporter_id: i64,
    pub target_account_id: Option<i64>,
    pub status_ids: &'a [i64],
    pub comment: &'a str,
    pub ap_id: Option<&'a str>,
    pub category: &'a str,
    pub rule_ids: &'a [i64],
    pub forwarded: bool,
}

/// Stores a report; `None` when one with the same `Flag` id is kept.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewReport<'_>,
) -> QueryResult<Option<Report>> {
    diesel::insert_into(reports::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(Report::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Report>> {
    reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .await
        .optional()
}

/// Reports newest first: open ones, resolved ones, or all; older than
/// `max_id` when given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    resolved: Option<bool>,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Report>> {
    let mut query = reports::table
        .select(Report::as_select())
        .order(reports::id.desc())
        .limit(limit)
        .into_boxed();
    match resolved {
        Some(true) => query = query.filter(reports::action_taken_at.is_not_null()),
        Some(false) => query = query.filter(reports::action_taken_at.is_null()),
        None => {}
    }
    if let Some(max_id) = max_id {
        query = query.filter(reports::id.lt(max_id));
    }
    query.load(conn).await
}

/// Marks a report resolved by `by`, or open again (`by` = `None`).
pub async fn set_resolved(
    conn: &mut AsyncPgConnection,
    id: i64,
    by: Option<i64>,
) -> QueryResult<Option<Report>> {
    let now = Utc::now();
    diesel::update(reports::table.find(id))
        .set((
            reports::action_taken_at.eq(by.map(|_| now)),
            reports::action_taken_by_id.eq(by),
            reports::updated_at.eq(now),
        ))
        .returning(Report::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Open reports naming at least one post made in the group `group_id`,
/// newest first.
pub async fn open_about_group(
    conn: &mut AsyncPgConnection,
    group_id: i64,
) -> QueryResult<Vec<Report>> {
    use diesel::sql_types::{BigInt, Bool};
    let in_group = diesel::dsl::sql::<Bool>(
        "EXISTS (SELECT 1 FROM statuses s WHERE s.id = ANY(reports.status_ids) AND s.group_id = ",
    )
    .bind::<BigInt, _>(group_id)
    .sql(")");
    reports::table
        .filter(reports::action_taken_at.is_null())
        .filter(in_group)
        .order(reports::id.desc())
        .limit(200)
        .select(Report::as_select())
        .load(conn)
        .await
}
