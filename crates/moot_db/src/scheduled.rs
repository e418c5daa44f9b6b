//! Posts waiting to be published at a set time.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, QueryableByName)]
pub struct Scheduled {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub scheduled_at: DateTime<Utc>,
    /// The params as JSON text (the app layer reads them).
    #[diesel(sql_type = Text)]
    pub params: String,
}

const COLUMNS: &str = "id, account_id, scheduled_at, params::text AS params";

pub async fn insert(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    at: DateTime<Utc>,
    params: &str,
) -> diesel::QueryResult<Scheduled> {
    diesel::sql_query(format!(
        "INSERT INTO scheduled_statuses (account_id, scheduled_at, params)
         VALUES ($1, $2, $3::jsonb) RETURNING {COLUMNS}"
    ))
    .bind::<BigInt, _>(account_id)
    .bind::<Timestamptz, _>(at)
    .bind::<Text, _>(params)
    .get_result(conn)
    .await
}

/// How many posts `account_id` has waiting.
pub async fn count(conn: &mut AsyncPgConnection, account_id: i64) -> diesel::QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let found: N =
        diesel::sql_query("SELECT count(*) AS n FROM scheduled_statuses WHERE account_id = $1")
            .bind::<BigInt, _>(account_id)
            .get_result(conn)
            .await?;
    Ok(found.n)
}

/// A page of `account_id`'s waiting posts, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> diesel::QueryResult<Vec<Scheduled>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM scheduled_statuses
          WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(max_id.unwrap_or(i64::MAX))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    id: i64,
) -> diesel::QueryResult<Option<Scheduled>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM scheduled_statuses WHERE account_id = $1 AND id = $2"
    ))
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

pub async fn reschedule(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    id: i64,
    at: DateTime<Utc>,
) -> diesel::QueryResult<Option<Scheduled>> {
    diesel::sql_query(format!(
        "UPDATE scheduled_statuses SET scheduled_at = $3
          WHERE account_id = $1 AND id = $2 RETURNING {COLUMNS}"
    ))
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(id)
    .bind::<Timestamptz, _>(at)
    .get_result(conn)
    .await
    .optional()
}

/// Removes a waiting post; whether it was there.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<bool> {
    diesel::sql_query("DELETE FROM scheduled_statuses WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Claims up to `limit` posts that are due, for a minute: another
/// publisher takes them only if this one dies first.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> diesel::QueryResult<Vec<Scheduled>> {
    diesel::sql_query(format!(
        "UPDATE scheduled_statuses SET claimed_until = now() + interval '1 minute'
          WHERE id IN (SELECT id FROM scheduled_statuses
                        WHERE scheduled_at <= now()
                          AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY scheduled_at LIMIT $1
                        FOR UPDATE SKIP LOCKED)
          RETURNING {COLUMNS}"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
