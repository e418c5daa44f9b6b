//! Direct conversations, per local participant: one per thread.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::conversations;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub struct Conversation {
    pub id: i64,
    pub account_id: i64,
    pub root_status_id: i64,
    pub last_status_id: i64,
    pub unread: bool,
    pub updated_at: DateTime<Utc>,
}

/// The first post of `status_id`'s thread, as far as this node has it
/// (at most 200 levels up).
pub async fn root_of(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Root {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let root: Root = diesel::sql_query(format!(
        "{} SELECT id FROM up ORDER BY depth DESC LIMIT 1",
        crate::statuses::THREAD_UP
    ))
    .bind::<BigInt, _>(status_id)
    .get_result(conn)
    .await?;
    Ok(root.id)
}

/// Puts `status_id` as the latest post of the thread `root` for each of
/// `viewers` (account, unread).
pub async fn record(
    conn: &mut AsyncPgConnection,
    root: i64,
    status_id: i64,
    viewers: &[(i64, bool)],
) -> QueryResult<()> {
    if viewers.is_empty() {
        return Ok(());
    }
    let (accounts, unread): (Vec<i64>, Vec<bool>) = viewers.iter().copied().unzip();
    diesel::sql_query(
        "INSERT INTO conversations (account_id, root_status_id, last_status_id, unread)
         SELECT v.account, $1, $2, v.unread FROM unnest($3::bigint[], $4::bool[]) AS v(account, unread)
         ON CONFLICT (account_id, root_status_id) DO UPDATE
         SET last_status_id = GREATEST(conversations.last_status_id, EXCLUDED.last_status_id),
             unread = conversations.unread OR EXCLUDED.unread,
             updated_at = now()",
    )
    .bind::<BigInt, _>(root)
    .bind::<BigInt, _>(status_id)
    .bind::<Array<BigInt>, _>(&accounts)
    .bind::<Array<Bool>, _>(&unread)
    .execute(conn)
    .await
    .map(|_| ())
}

/// `account_id`'s conversations, the latest first, whose latest post is
/// older than `max_id` (apps page by the latest post's id).
pub async fn list(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Conversation>> {
    let mut query = conversations::table
        .filter(conversations::account_id.eq(account_id))
        .order((
            conversations::last_status_id.desc(),
            conversations::id.desc(),
        ))
        .limit(limit)
        .select(Conversation::as_select())
        .into_boxed();
    if let Some(max_id) = max_id {
        query = query.filter(conversations::last_status_id.lt(max_id));
    }
    query.load(conn).await
}

/// Marks one of `account_id`'s conversations read.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    id: i64,
) -> QueryResult<Option<Conversation>> {
    diesel::update(
        conversations::table
            .filter(conversations::id.eq(id))
            .filter(conversations::account_id.eq(account_id)),
    )
    .set(conversations::unread.eq(false))
    .returning(Conversation::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Removes one of `account_id`'s conversations from their list.
pub async fn remove(conn: &mut AsyncPgConnection, account_id: i64, id: i64) -> QueryResult<bool> {
    diesel::delete(
        conversations::table
            .filter(conversations::id.eq(id))
            .filter(conversations::account_id.eq(account_id)),
    )
    .execute(conn)
    .await
    .map(|n| n > 0)
}
