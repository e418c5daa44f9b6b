//! Notifications of local people.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, notifications};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub from_account_id: i64,
    pub status_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// For `moderation_warning`: the warning.
    pub warning_id: Option<i64>,
}

/// Notifies each of `recipients` that are local people (and not `from`
/// itself) of one event; an event already recorded is not repeated.
pub async fn add(
    conn: &mut AsyncPgConnection,
    recipients: &[i64],
    kind: &str,
    from: i64,
    status_id: Option<i64>,
) -> QueryResult<()> {
    if recipients.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO notifications (account_id, kind, from_account_id, status_id)
         SELECT a.id, $2, $3, $4 FROM accounts a
         WHERE a.id = ANY($1) AND a.domain IS NULL AND a.id <> $3
           AND NOT EXISTS (SELECT 1 FROM hidden_accounts h
                            WHERE h.account_id = a.id AND h.target_id = $3 AND h.notifications)
           AND ($4 IS NULL OR NOT thread_muted(a.id, $4))
         ON CONFLICT DO NOTHING",
    )
    .bind::<Array<BigInt>, _>(recipients)
    .bind::<Text, _>(kind)
    .bind::<BigInt, _>(from)
    .bind::<Nullable<BigInt>, _>(status_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A page of `account_id`'s notifications, newest first, with who caused each.
pub struct Page<'a> {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub limit: i64,
    /// Only these kinds, if any; never these.
    pub kinds: &'a [String],
    pub exclude: &'a [String],
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    page: Page<'_>,
) -> QueryResult<Vec<(Notification, Account)>> {
    let mut query = notifications::table
        .inner_join(accounts::table.on(accounts::id.eq(notifications::from_account_id)))
        .filter(notifications::account_id.eq(account_id))
        // Nodes the person hides from themself: even what came before.
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "NOT EXISTS (SELECT 1 FROM account_domain_blocks b
                          WHERE b.account_id = notifications.account_id
                            AND b.domain = accounts.domain)",
        ))
        .order(notifications::id.desc())
        .limit(page.limit)
        .select((Notification::as_select(), Account::as_select()))
        .into_boxed();
    if let Some(max_id) = page.max_id {
        query = query.filter(notifications::id.lt(max_id));
    }
    if let Some(since_id) = page.since_id {
        query = query.filter(notifications::id.gt(since_id));
    }
    if !page.kinds.is_empty() {
        query = query.filter(notifications::kind.eq_any(page.kinds));
    }
    if !page.exclude.is_empty() {
        query = query.filter(notifications::kind.ne_all(page.exclude));
    }
    query.load(conn).await
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    id: i64,
) -> QueryResult<Option<(Notification, Account)>> {
    notifications::table
        .inner_join(accounts::table.on(accounts::id.eq(notifications::from_account_id)))
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::id.eq(id))
        .select((Notification::as_select(), Account::as_select()))
        .first(conn)
        .await
        .optional()
}

/// A notification by id alone, with who caused it (for streaming).
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<(Notification, Account)>> {
    notifications::table
        .inner_join(accounts::table.on(accounts::id.eq(notifications::from_account_id)))
        .filter(notifications::id.eq(id))
        .select((Notification::as_select(), Account::as_select()))
        .first(conn)
        .await
        .optional()
}

/// Removes one notification; whether it was there.
pub async fn dismiss(conn: &mut AsyncPgConnection, account_id: i64, id: i64) -> QueryResult<bool> {
    let removed = diesel::delete(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(removed > 0)
}

pub async fn clear(conn: &mut AsyncPgConnection, account_id: i64) -> QueryResult<()> {
    diesel::delete(notifications::table.filter(notifications::account_id.eq(account_id)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// `account_id`'s notifications newer than `after_id`, newest first, at
/// most `cap` (for unread counts).
pub async fn newer_than(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    after_id: i64,
    cap: i64,
) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::id.gt(after_id))
        .order(notifications::id.desc())
        .limit(cap)
        .select(Notification::as_select())
        .load(conn)
        .await
}
