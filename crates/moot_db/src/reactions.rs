//! Likes and dislikes, and boosts.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{reactions, reblogs};

/// Records a Like or Dislike; false if the account had already reacted so.
pub async fn add(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
    kind: &str,
    ap_id: &str,
) -> QueryResult<bool> {
    diesel::insert_into(reactions::table)
        .values((
            reactions::account_id.eq(account_id),
            reactions::status_id.eq(status_id),
            reactions::kind.eq(kind),
            reactions::ap_id.eq(ap_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// The id of `account`'s reaction of `kind` to a post, if any.
pub async fn find(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
    kind: &str,
) -> QueryResult<Option<String>> {
    reactions::table
        .filter(reactions::account_id.eq(account_id))
        .filter(reactions::status_id.eq(status_id))
        .filter(reactions::kind.eq(kind))
        .select(reactions::ap_id)
        .first(conn)
        .await
        .optional()
}

/// Removes a reaction by its activity id, if it is `account_id`'s.
pub async fn remove_by_ap_id(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    ap_id: &str,
) -> QueryResult<usize> {
    diesel::delete(
        reactions::table
            .filter(reactions::ap_id.eq(ap_id))
            .filter(reactions::account_id.eq(account_id)),
    )
    .execute(conn)
    .await
}

/// Removes `account`'s reaction of `kind` to a post, whatever its id.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
    kind: &str,
) -> QueryResult<usize> {
    diesel::delete(
        reactions::table
            .filter(reactions::account_id.eq(account_id))
            .filter(reactions::status_id.eq(status_id))
            .filter(reactions::kind.eq(kind)),
    )
    .execute(conn)
    .await
}

/// Removes `account`'s boost of a post, whatever its id.
pub async fn remove_reblog(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
) -> QueryResult<usize> {
    diesel::delete(
        reblogs::table
            .filter(reblogs::account_id.eq(account_id))
            .filter(reblogs::status_id.eq(status_id)),
    )
    .execute(conn)
    .await
}

/// Records a boost; false if the account had boosted the post already.
pub async fn add_reblog(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
    ap_id: &str,
) -> QueryResult<bool> {
    diesel::insert_into(reblogs::table)
        .values((
            reblogs::account_id.eq(account_id),
            reblogs::status_id.eq(status_id),
            reblogs::ap_id.eq(ap_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// `account`'s boost of a post, if any: its id and activity id.
pub async fn find_reblog(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    status_id: i64,
) -> QueryResult<Option<(i64, String)>> {
    reblogs::table
        .filter(reblogs::account_id.eq(account_id))
        .filter(reblogs::status_id.eq(status_id))
        .select((reblogs::id, reblogs::ap_id))
        .first(conn)
        .await
        .optional()
}

pub async fn remove_reblog_by_ap_id(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    ap_id: &str,
) -> QueryResult<usize> {
    diesel::delete(
        reblogs::table
            .filter(reblogs::ap_id.eq(ap_id))
            .filter(reblogs::account_id.eq(account_id)),
    )
    .execute(conn)
    .await
}

/// A page of who favourited (`Like`) or boosted a post, newest first, each
/// with the reaction's id (the page cursor).
pub async fn reactors_page(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    boosts: bool,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, crate::accounts::Account)>> {
    use crate::accounts::Account;
    use crate::schema::accounts;
    let max_id = max_id.unwrap_or(i64::MAX);
    if boosts {
        reblogs::table
            .inner_join(accounts::table.on(accounts::id.eq(reblogs::account_id)))
            .filter(reblogs::status_id.eq(status_id))
            .filter(reblogs::id.lt(max_id))
            .order(reblogs::id.desc())
            .limit(limit)
            .select((reblogs::id, Account::as_select()))
            .load(conn)
            .await
    } else {
        reactions::table
            .inner_join(accounts::table.on(accounts::id.eq(reactions::account_id)))
            .filter(reactions::status_id.eq(status_id))
            .filter(reactions::kind.eq("Like"))
            .filter(reactions::id.lt(max_id))
            .order(reactions::id.desc())
            .limit(limit)
            .select((reactions::id, Account::as_select()))
            .load(conn)
            .await
    }
}
