//! The node's single `site` row (its instance actor's keys), and figures
//! about the node as a whole.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::site;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = site)]
pub struct Site {
    pub public_key_pem: String,
    pub private_key_pem: String,
}

pub async fn get(conn: &mut AsyncPgConnection) -> QueryResult<Option<Site>> {
    site::table
        .select(Site::as_select())
        .first(conn)
        .await
        .optional()
}

/// Stores the site row unless another process stored one first; returns the
/// row that won, so that every process of a node agrees on one key.
pub async fn insert_if_absent(conn: &mut AsyncPgConnection, new: &Site) -> QueryResult<Site> {
    diesel::insert_into(site::table)
        .values((
            site::public_key_pem.eq(&new.public_key_pem),
            site::private_key_pem.eq(&new.private_key_pem),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    site::table.select(Site::as_select()).first(conn).await
}

/// One week of the node's activity.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Week {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub start: chrono::DateTime<chrono::Utc>,
    /// Posts made here.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub statuses: i64,
    /// Sign-ins (browser sessions and app tokens started).
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub logins: i64,
    /// Accounts created here.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub registrations: i64,
}

/// The last `weeks` weeks (Monday to Monday, UTC), newest first.
pub async fn weekly_activity(conn: &mut AsyncPgConnection, weeks: i32) -> QueryResult<Vec<Week>> {
    diesel::sql_query(
        "SELECT w.start,
            (SELECT count(*) FROM statuses s JOIN users u ON u.account_id = s.account_id
              WHERE s.created_at >= w.start AND s.created_at < w.start + interval '1 week') AS statuses,
            (SELECT count(*) FROM web_sessions t
              WHERE t.created_at >= w.start AND t.created_at < w.start + interval '1 week')
          + (SELECT count(*) FROM access_tokens t WHERE t.user_id IS NOT NULL
              AND t.created_at >= w.start AND t.created_at < w.start + interval '1 week') AS logins,
            (SELECT count(*) FROM users u
              WHERE u.created_at >= w.start AND u.created_at < w.start + interval '1 week') AS registrations
         FROM generate_series(date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                              date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                                - make_interval(weeks => $1 - 1),
                              interval '-1 week') AS w(start)",
    )
    .bind::<diesel::sql_types::Integer, _>(weeks)
    .load(conn)
    .await
}

/// When the node first started.
pub async fn created_at(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Option<chrono::DateTime<chrono::Utc>>> {
    site::table
        .select(site::created_at)
        .first(conn)
        .await
        .optional()
}
