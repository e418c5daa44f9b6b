//! Browser sessions of the web app, stored by the SHA-256 of their cookie.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::{Account, User};
use crate::schema::{accounts, users, web_sessions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub struct NewWebSession<'a> {
    pub token_sha256: &'a [u8],
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewWebSession<'_>) -> QueryResult<i64> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::token_sha256.eq(new.token_sha256),
            web_sessions::user_id.eq(new.user_id),
            web_sessions::csrf_token.eq(new.csrf_token),
            web_sessions::user_agent.eq(new.user_agent),
            web_sessions::ip.eq(new.ip),
        ))
        .returning(web_sessions::id)
        .get_result(conn)
        .await
}

/// The session with this hash seen since `since`, and whose it is.
pub async fn find_fresh(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
    since: DateTime<Utc>,
) -> QueryResult<Option<(WebSession, User, Account)>> {
    web_sessions::table
        .inner_join(users::table.inner_join(accounts::table))
        .filter(web_sessions::token_sha256.eq(token_sha256))
        .filter(web_sessions::last_seen_at.gt(since))
        .select((
            WebSession::as_select(),
            User::as_select(),
            Account::as_select(),
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn touch(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(web_sessions::table.find(id))
        .set(web_sessions::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A person's sessions, most recently used first.
pub async fn of_user(conn: &mut AsyncPgConnection, user_id: i64) -> QueryResult<Vec<WebSession>> {
    web_sessions::table
        .filter(web_sessions::user_id.eq(user_id))
        .order(web_sessions::last_seen_at.desc())
        .select(WebSession::as_select())
        .load(conn)
        .await
}

/// Ends one of a person's sessions; false when they have none by that id.
pub async fn delete(conn: &mut AsyncPgConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    diesel::delete(
        web_sessions::table
            .filter(web_sessions::id.eq(id))
            .filter(web_sessions::user_id.eq(user_id)),
    )
    .execute(conn)
    .await
    .map(|n| n > 0)
}

/// Ends the session with this hash, if there is one.
pub async fn delete_by_token(conn: &mut AsyncPgConnection, token_sha256: &[u8]) -> QueryResult<()> {
    diesel::delete(web_sessions::table.filter(web_sessions::token_sha256.eq(token_sha256)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends every session of a person but `keep`.
pub async fn delete_others(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    keep: Option<i64>,
) -> QueryResult<usize> {
    diesel::delete(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::id.ne(keep.unwrap_or(0))),
    )
    .execute(conn)
    .await
}
