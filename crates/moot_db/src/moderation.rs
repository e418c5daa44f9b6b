//! What moderators change about accounts: suspension, limits, sensitive
//! media, approval and the admin role, and the warnings people are sent;
//! and the admin's list of accounts with its filters.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::{Account, User};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
use crate::schema::{
    access_tokens, account_warnings, accounts, notifications, users, web_sessions,
};

/// Suspends (`Some(origin)`: `local` or `remote`) or restores (`None`) an
/// account; returns it as it now is.
pub async fn set_suspended(
    conn: &mut AsyncPgConnection,
    id: i64,
    origin: Option<&str>,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::suspended_at.eq(origin.map(|_| Utc::now())),
            accounts::suspension_origin.eq(origin),
            accounts::updated_at.eq(Utc::now()),
        ))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
}

/// Limits (silences) or stops limiting an account.
pub async fn set_silenced(conn: &mut AsyncPgConnection, id: i64, on: bool) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set(accounts::silenced_at.eq(on.then(Utc::now)))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
}

/// Marks (or stops marking) all of an account's files as sensitive.
pub async fn set_sensitized(
    conn: &mut AsyncPgConnection,
    id: i64,
    on: bool,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set(accounts::sensitized_at.eq(on.then(Utc::now)))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
}

/// Ends every browser session and revokes every token of a person.
pub async fn sign_out_everywhere(conn: &mut AsyncPgConnection, user_id: i64) -> QueryResult<()> {
    diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(user_id)))
        .execute(conn)
        .await?;
    diesel::update(
        access_tokens::table
            .filter(access_tokens::user_id.eq(user_id))
            .filter(access_tokens::revoked_at.is_null()),
    )
    .set((
        access_tokens::revoked_at.eq(Some(Utc::now())),
        access_tokens::refresh_sha256.eq(None::<Vec<u8>>),
    ))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Drops the deliveries still waiting of what an account sent: a
/// suspended person's posts stop at the border.
pub async fn drop_pending_deliveries(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM outbox_deliveries d USING outbox o
         WHERE d.outbox_id = o.id AND o.actor_id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(account_id)
    .execute(conn)
    .await
}

/// Approves a pending sign-up.
pub async fn approve(conn: &mut AsyncPgConnection, user_id: i64) -> QueryResult<User> {
    diesel::update(users::table.find(user_id))
        .set(users::approved.eq(true))
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// Removes a pending sign-up: the account and its user go.
pub async fn reject(conn: &mut AsyncPgConnection, account_id: i64) -> QueryResult<bool> {
    let pending = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::approved.eq(false))
        .select(users::id)
        .first::<i64>(conn)
        .await
        .optional()?;
    if pending.is_none() {
        return Ok(false);
    }
    diesel::delete(accounts::table.find(account_id))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Grants or removes the admin role.
pub async fn set_admin(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    admin: bool,
) -> QueryResult<User> {
    diesel::update(users::table.find(user_id))
        .set(users::is_admin.eq(admin))
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// A decision a person is told about.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_warnings)]
pub struct Warning {
    pub id: i64,
    pub account_id: i64,
    pub action: String,
    pub text: String,
    pub report_id: Option<i64>,
    pub created_by_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Records a warning and tells its (local) person with a
/// `moderation_warning` notification from the moderator.
pub async fn warn(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    action: &str,
    text: &str,
    report_id: Option<i64>,
    by: i64,
) -> QueryResult<Warning> {
    let warning: Warning = diesel::insert_into(account_warnings::table)
        .values((
            account_warnings::account_id.eq(account_id),
            account_warnings::action.eq(action),
            account_warnings::text.eq(text),
            account_warnings::report_id.eq(report_id),
            account_warnings::created_by_id.eq(by),
        ))
        .returning(Warning::as_returning())
        .get_result(conn)
        .await?;
    let local = users::table
        .filter(users::account_id.eq(account_id))
        .count()
        .get_result::<i64>(conn)
        .await?
        > 0;
    if local {
        diesel::insert_into(notifications::table)
            .values((
                notifications::account_id.eq(account_id),
                notifications::kind.eq("moderation_warning"),
                notifications::from_account_id.eq(account_id),
                notifications::warning_id.eq(warning.id),
            ))
            .execute(conn)
            .await?;
    }
    Ok(warning)
}

/// The warnings with these ids.
pub async fn warnings(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<Warning>> {
    account_warnings::table
        .filter(account_warnings::id.eq_any(ids))
        .select(Warning::as_select())
        .load(conn)
        .await
}

/// An account's warnings, newest first.
pub async fn warnings_of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<Vec<Warning>> {
    account_warnings::table
        .filter(account_warnings::account_id.eq(account_id))
        .order(account_warnings::id.desc())
        .select(Warning::as_select())
        .load(conn)
        .await
}

/// Which accounts the admin's list shows.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Only this node's people (`true`) or only other nodes' (`false`).
    pub local: Option<bool>,
    /// Only sign-ups waiting for approval.
    pub pending: bool,
    pub suspended: bool,
    pub silenced: bool,
    /// Only the node's administrators.
    pub admins: bool,
    /// Only accounts of this domain.
    pub domain: Option<String>,
    /// Part of a username, display name or email address.
    pub search: Option<String>,
    /// Older than this id.
    pub max_id: Option<i64>,
    pub limit: i64,
}

/// Accounts as the admin's list filters them, newest first, with the
/// user row of local ones.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &AccountFilter,
) -> QueryResult<Vec<(Account, Option<User>)>> {
    let mut query = accounts::table
        .left_join(users::table)
        .select((Account::as_select(), Option::<User>::as_select()))
        .order(accounts::id.desc())
        .limit(filter.limit)
        .into_boxed();
    match filter.local {
        Some(true) => query = query.filter(accounts::domain.is_null()),
        Some(false) => query = query.filter(accounts::domain.is_not_null()),
        None => {}
    }
    if filter.pending {
        query = query.filter(users::approved.eq(false));
    }
    if filter.suspended {
        query = query.filter(accounts::suspended_at.is_not_null());
    }
    if filter.silenced {
        query = query.filter(accounts::silenced_at.is_not_null());
    }
    if filter.admins {
        query = query.filter(users::is_admin.eq(true));
    }
    if let Some(domain) = &filter.domain {
        query = query.filter(accounts::domain.eq(domain.to_lowercase()));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", crate::escape_like(&search.to_lowercase()));
        query = query.filter(
            lower(accounts::username)
                .like(pattern.clone())
                .or(lower(accounts::display_name).like(pattern.clone()))
                .or(lower(users::email.assume_not_null()).like(pattern)),
        );
    }
    if let Some(max_id) = filter.max_id {
        query = query.filter(accounts::id.lt(max_id));
    }
    query.load(conn).await
}

/// One account with its user row, if local.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<(Account, Option<User>)>> {
    accounts::table
        .left_join(users::table)
        .filter(accounts::id.eq(id))
        .select((Account::as_select(), Option::<User>::as_select()))
        .first(conn)
        .await
        .optional()
}

/// Closes (`Some(by)`) or reopens (`None`) a thread to new replies.
pub async fn set_thread_lock(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    by: Option<i64>,
) -> QueryResult<()> {
    use crate::schema::thread_locks;
    match by {
        Some(by) => diesel::insert_into(thread_locks::table)
            .values((
                thread_locks::status_id.eq(status_id),
                thread_locks::locked_by_id.eq(by),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await
            .map(|_| ()),
        None => diesel::delete(thread_locks::table.find(status_id))
            .execute(conn)
            .await
            .map(|_| ()),
    }
}

/// Whether the post `status_id`, or one it replies to (up to 200 levels
/// up), is locked: replies to it are refused.
pub async fn in_locked_thread(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<bool> {
    Ok(!in_locked_threads(conn, &[status_id]).await?.is_empty())
}

/// Whether this very post is locked.
pub async fn is_locked(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<bool> {
    use crate::schema::thread_locks;
    diesel::select(diesel::dsl::exists(thread_locks::table.find(status_id)))
        .get_result(conn)
        .await
}

/// Those of `status_ids` that are in a locked thread (themselves locked,
/// or below a locked post), in one query for a batch of replies.
pub async fn in_locked_threads(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seed: i64,
    }
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Found> = diesel::sql_query(
        "WITH RECURSIVE up(seed, id, parent, depth) AS (
             SELECT id, id, in_reply_to_id, 0 FROM statuses WHERE id = ANY($1)
             UNION ALL
             SELECT up.seed, s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s
             JOIN up ON s.id = up.parent WHERE up.depth < 200)
         SELECT DISTINCT up.seed FROM up JOIN thread_locks l ON l.status_id = up.id",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(status_ids)
    .load(conn)
    .await?;
    Ok(found.into_iter().map(|f| f.seed).collect())
}
