//! Posts pinned to the top of a profile (the actor's `featured` collection).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, status_pins, statuses};
use crate::statuses::Status;

/// Pins a post; false if it was pinned already.
pub async fn pin(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
) -> QueryResult<bool> {
    diesel::insert_into(status_pins::table)
        .values((
            status_pins::account_id.eq(account_id),
            status_pins::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

pub async fn unpin(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
) -> QueryResult<()> {
    diesel::delete(
        status_pins::table
            .filter(status_pins::account_id.eq(account_id))
            .filter(status_pins::status_id.eq(status_id)),
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// How many posts an account has pinned.
pub async fn count(conn: &mut AsyncPgConnection, account_id: i64) -> QueryResult<i64> {
    status_pins::table
        .filter(status_pins::account_id.eq(account_id))
        .count()
        .get_result(conn)
        .await
}

/// An account's living pinned posts, the latest pinned first.
pub async fn of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<Vec<(Status, Account)>> {
    status_pins::table
        .inner_join(statuses::table.on(statuses::id.eq(status_pins::status_id)))
        .inner_join(accounts::table.on(accounts::id.eq(statuses::account_id)))
        .filter(status_pins::account_id.eq(account_id))
        .filter(statuses::deleted_at.is_null())
        .order(status_pins::created_at.desc())
        .select((Status::as_select(), Account::as_select()))
        .load(conn)
        .await
}
