//! Posts people keep for later, and the lists of their bookmarks and
//! favourites.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, bookmarks, reactions, statuses};
use crate::statuses::Status;

pub async fn add(conn: &mut AsyncPgConnection, account_id: i64, status_id: i64) -> QueryResult<()> {
    diesel::insert_into(bookmarks::table)
        .values((
            bookmarks::account_id.eq(account_id),
            bookmarks::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn remove(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
) -> QueryResult<()> {
    diesel::delete(
        bookmarks::table
            .filter(bookmarks::account_id.eq(account_id))
            .filter(bookmarks::status_id.eq(status_id)),
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A page of `account_id`'s bookmarks, newest first: (bookmark id, post,
/// author).
pub async fn page(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, Status, Account)>> {
    bookmarks::table
        .inner_join(statuses::table.on(statuses::id.eq(bookmarks::status_id)))
        .inner_join(accounts::table.on(accounts::id.eq(statuses::account_id)))
        .filter(bookmarks::account_id.eq(account_id))
        .filter(statuses::deleted_at.is_null())
        .filter(bookmarks::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(bookmarks::id.desc())
        .limit(limit)
        .select((bookmarks::id, Status::as_select(), Account::as_select()))
        .load(conn)
        .await
}

/// A page of the posts `account_id` favourited, newest first: (reaction
/// id, post, author).
pub async fn favourites_page(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, Status, Account)>> {
    reactions::table
        .inner_join(statuses::table.on(statuses::id.eq(reactions::status_id)))
        .inner_join(accounts::table.on(accounts::id.eq(statuses::account_id)))
        .filter(reactions::account_id.eq(account_id))
        .filter(reactions::kind.eq("Like"))
        .filter(statuses::deleted_at.is_null())
        .filter(reactions::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(reactions::id.desc())
        .limit(limit)
        .select((reactions::id, Status::as_select(), Account::as_select()))
        .load(conn)
        .await
}
