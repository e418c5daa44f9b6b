//! People's lists of accounts they follow.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, list_accounts, lists};
use crate::timelines::{complete, Entry, Line};
use crate::window::Window;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lists)]
pub struct List {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    pub replies_policy: String,
    pub exclusive: bool,
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    owner: i64,
    title: &str,
    replies_policy: &str,
    exclusive: bool,
) -> QueryResult<List> {
    diesel::insert_into(lists::table)
        .values((
            lists::account_id.eq(owner),
            lists::title.eq(title),
            lists::replies_policy.eq(replies_policy),
            lists::exclusive.eq(exclusive),
        ))
        .returning(List::as_returning())
        .get_result(conn)
        .await
}

/// `owner`'s list `id`, if it is theirs.
pub async fn find(conn: &mut AsyncPgConnection, owner: i64, id: i64) -> QueryResult<Option<List>> {
    lists::table
        .find(id)
        .filter(lists::account_id.eq(owner))
        .select(List::as_select())
        .first(conn)
        .await
        .optional()
}

/// `owner`'s lists, oldest first; only those holding `member`, if given.
pub async fn of(
    conn: &mut AsyncPgConnection,
    owner: i64,
    member: Option<i64>,
) -> QueryResult<Vec<List>> {
    let mut query = lists::table
        .filter(lists::account_id.eq(owner))
        .order(lists::id.asc())
        .select(List::as_select())
        .into_boxed();
    if let Some(member) = member {
        let holding = list_accounts::table
            .filter(list_accounts::account_id.eq(member))
            .select(list_accounts::list_id);
        query = query.filter(lists::id.eq_any(holding));
    }
    query.load(conn).await
}

pub async fn update(conn: &mut AsyncPgConnection, list: &List) -> QueryResult<List> {
    diesel::update(lists::table.find(list.id))
        .set((
            lists::title.eq(&list.title),
            lists::replies_policy.eq(&list.replies_policy),
            lists::exclusive.eq(list.exclusive),
        ))
        .returning(List::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(lists::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Adds accounts to a list.
pub async fn add(conn: &mut AsyncPgConnection, list: &List, accounts: &[i64]) -> QueryResult<()> {
    let rows: Vec<_> = accounts
        .iter()
        .map(|a| {
            (
                list_accounts::list_id.eq(list.id),
                list_accounts::account_id.eq(a),
            )
        })
        .collect();
    diesel::insert_into(list_accounts::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn remove(
    conn: &mut AsyncPgConnection,
    list_id: i64,
    accounts: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        list_accounts::table
            .filter(list_accounts::list_id.eq(list_id))
            .filter(list_accounts::account_id.eq_any(accounts)),
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A list's members, by account id.
pub async fn members(conn: &mut AsyncPgConnection, list_id: i64) -> QueryResult<Vec<Account>> {
    list_accounts::table
        .inner_join(accounts::table.on(accounts::id.eq(list_accounts::account_id)))
        .filter(list_accounts::list_id.eq(list_id))
        .order(accounts::id.asc())
        .select(Account::as_select())
        .load(conn)
        .await
}

/// The lists (with their owners) that hold `account_id`, for streaming.
pub async fn holding(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<Vec<(i64, i64)>> {
    list_accounts::table
        .inner_join(lists::table.on(lists::id.eq(list_accounts::list_id)))
        .filter(list_accounts::account_id.eq(account_id))
        .select((lists::id, lists::account_id))
        .load(conn)
        .await
}

/// A page of a list's timeline, newest first: its members' posts the owner
/// may see through following them (not direct ones, not ones kept for a
/// group's members), replies as the list's policy says, leaving out
/// accounts the owner blocks or mutes.
pub async fn timeline(
    conn: &mut AsyncPgConnection,
    list: &List,
    window: Window,
) -> QueryResult<Vec<Entry>> {
    let lines: Vec<Line> = diesel::sql_query(format!(
        "SELECT s.id AS entry_id, s.id AS status_id, NULL::bigint AS boost_id
           FROM statuses s
           LEFT JOIN statuses p ON p.id = s.in_reply_to_id
          WHERE s.account_id IN (SELECT account_id FROM list_accounts WHERE list_id = $1)
            AND s.deleted_at IS NULL AND s.id < $3 AND s.id > $6
            AND (s.visibility IN ('public', 'unlisted')
                 OR (s.visibility = 'private' AND s.group_id IS NULL))
            AND s.account_id NOT IN (SELECT target_id FROM hidden_accounts WHERE account_id = $2)
            AND (s.in_reply_to_id IS NULL
                 OR p.account_id = s.account_id
                 OR ($5 = 'list' AND (p.account_id = $2 OR p.account_id IN
                        (SELECT account_id FROM list_accounts WHERE list_id = $1)))
                 OR ($5 = 'followed' AND (p.account_id = $2 OR p.account_id IN
                        (SELECT target_id FROM follows WHERE follower_id = $2 AND accepted))))
          ORDER BY s.id {order} LIMIT $4",
        order = window.order()
    ))
    .bind::<BigInt, _>(list.id)
    .bind::<BigInt, _>(list.account_id)
    .bind::<BigInt, _>(window.upper())
    .bind::<BigInt, _>(window.limit)
    .bind::<diesel::sql_types::Text, _>(&list.replies_policy)
    .bind::<BigInt, _>(window.lower())
    .load(conn)
    .await?;
    complete(conn, window.newest_first(lines)).await
}
