//! Blocks and mutes. What they hide is read through the `hidden_accounts`
//! view, by the timeline and notification queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, blocks, mutes};

/// Records a block; false if it was in place already.
pub async fn block(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
    ap_id: &str,
) -> QueryResult<bool> {
    diesel::insert_into(blocks::table)
        .values((
            blocks::account_id.eq(account_id),
            blocks::target_id.eq(target_id),
            blocks::ap_id.eq(ap_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Lifts a block; returns its activity id if there was one.
pub async fn unblock(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> QueryResult<Option<String>> {
    diesel::delete(
        blocks::table
            .filter(blocks::account_id.eq(account_id))
            .filter(blocks::target_id.eq(target_id)),
    )
    .returning(blocks::ap_id)
    .get_result(conn)
    .await
    .optional()
}

/// Lifts the block whose activity is `ap_id`, if `account_id` made it.
pub async fn unblock_by_ap_id(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    ap_id: &str,
) -> QueryResult<usize> {
    diesel::delete(
        blocks::table
            .filter(blocks::account_id.eq(account_id))
            .filter(blocks::ap_id.eq(ap_id)),
    )
    .execute(conn)
    .await
}

/// Whether `account_id` blocks `target_id`.
pub async fn blocks(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        blocks::table
            .filter(blocks::account_id.eq(account_id))
            .filter(blocks::target_id.eq(target_id)),
    ))
    .get_result(conn)
    .await
}

/// Mutes `target_id` for `account_id` (changing an existing mute).
pub async fn mute(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
    notifications: bool,
    expires_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    diesel::insert_into(mutes::table)
        .values((
            mutes::account_id.eq(account_id),
            mutes::target_id.eq(target_id),
            mutes::notifications.eq(notifications),
            mutes::expires_at.eq(expires_at),
        ))
        .on_conflict((mutes::account_id, mutes::target_id))
        .do_update()
        .set((
            mutes::notifications.eq(notifications),
            mutes::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn unmute(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> QueryResult<()> {
    diesel::delete(
        mutes::table
            .filter(mutes::account_id.eq(account_id))
            .filter(mutes::target_id.eq(target_id)),
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The mute of `target_id` by `account_id` in force, if any: whether it
/// covers notifications.
pub async fn muting(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> QueryResult<Option<bool>> {
    mutes::table
        .filter(mutes::account_id.eq(account_id))
        .filter(mutes::target_id.eq(target_id))
        .filter(
            mutes::expires_at
                .is_null()
                .or(mutes::expires_at.gt(diesel::dsl::now)),
        )
        .select(mutes::notifications)
        .first(conn)
        .await
        .optional()
}

/// A page of the accounts `account_id` blocks (or mutes), newest first,
/// each with the block's (mute's) id as the page cursor.
pub async fn page(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    muted: bool,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, Account)>> {
    let max_id = max_id.unwrap_or(i64::MAX);
    if muted {
        mutes::table
            .inner_join(accounts::table.on(accounts::id.eq(mutes::target_id)))
            .filter(mutes::account_id.eq(account_id))
            .filter(mutes::id.lt(max_id))
            .order(mutes::id.desc())
            .limit(limit)
            .select((mutes::id, Account::as_select()))
            .load(conn)
            .await
    } else {
        blocks::table
            .inner_join(accounts::table.on(accounts::id.eq(blocks::target_id)))
            .filter(blocks::account_id.eq(account_id))
            .filter(blocks::id.lt(max_id))
            .order(blocks::id.desc())
            .limit(limit)
            .select((blocks::id, Account::as_select()))
            .load(conn)
            .await
    }
}

/// Which of `ids` `viewer` blocks or mutes (mutes in force).
pub async fn hidden_among(
    conn: &mut AsyncPgConnection,
    viewer: i64,
    ids: &[i64],
) -> QueryResult<Vec<i64>> {
    use crate::schema::hidden_accounts;
    hidden_accounts::table
        .filter(hidden_accounts::account_id.eq(viewer))
        .filter(hidden_accounts::target_id.eq_any(ids))
        .select(hidden_accounts::target_id)
        .load(conn)
        .await
}

/// Which of `authors` block `viewer`.
pub async fn blocking_among(
    conn: &mut AsyncPgConnection,
    authors: &[i64],
    viewer: i64,
) -> QueryResult<Vec<i64>> {
    blocks::table
        .filter(blocks::account_id.eq_any(authors))
        .filter(blocks::target_id.eq(viewer))
        .select(blocks::account_id)
        .load(conn)
        .await
}

/// Hides `domain` from `account_id`; false if it was hidden already.
pub async fn block_domain(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    domain: &str,
) -> QueryResult<bool> {
    diesel::sql_query(
        "INSERT INTO account_domain_blocks (account_id, domain) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::BigInt, _>(account_id)
    .bind::<diesel::sql_types::Text, _>(domain)
    .execute(conn)
    .await
    .map(|n| n == 1)
}

pub async fn unblock_domain(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    domain: &str,
) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM account_domain_blocks WHERE account_id = $1 AND domain = $2")
        .bind::<diesel::sql_types::BigInt, _>(account_id)
        .bind::<diesel::sql_types::Text, _>(domain)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A page of the domains `account_id` hides, newest first: (cursor, domain).
pub async fn blocked_domains(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        domain: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT id, domain FROM account_domain_blocks
          WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind::<diesel::sql_types::BigInt, _>(account_id)
    .bind::<diesel::sql_types::BigInt, _>(max_id.unwrap_or(i64::MAX))
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.domain)).collect())
}

/// Whether `account_id` hides `domain`.
pub async fn hides_domain(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    domain: &str,
) -> QueryResult<bool> {
    diesel::select(
        diesel::dsl::sql::<diesel::sql_types::Bool>(
            "EXISTS (SELECT 1 FROM account_domain_blocks WHERE account_id = ",
        )
        .bind::<diesel::sql_types::BigInt, _>(account_id)
        .sql(" AND domain = ")
        .bind::<diesel::sql_types::Text, _>(domain)
        .sql(")"),
    )
    .get_result(conn)
    .await
}

/// The ids of `account_id`'s followers on `domain`.
pub async fn followers_on(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    domain: &str,
) -> QueryResult<Vec<i64>> {
    use crate::schema::follows;
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(account_id))
        .filter(accounts::domain.eq(domain))
        .select(follows::follower_id)
        .load(conn)
        .await
}
