//! Accounts (people known to this node) and users (the local ones' sign-in
//! details).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::schema::{accounts, users};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub domain: Option<String>,
    pub display_name: String,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub ap_id: Option<String>,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub profile_url: Option<String>,
    pub actor_type: String,
    pub manually_approves_followers: bool,
    pub fetched_at: Option<DateTime<Utc>>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    /// What a local person wrote as their bio (`summary` is its HTML).
    pub note_source: Option<String>,
    /// Suspended: signed out, hidden, not delivered (see `moderation`).
    pub suspended_at: Option<DateTime<Utc>>,
    /// `local` (decided here) or `remote` (announced by its own node).
    pub suspension_origin: Option<String>,
    /// Limited: out of public timelines and of strangers' notifications.
    pub silenced_at: Option<DateTime<Utc>>,
    /// Their files are always shown as sensitive.
    pub sensitized_at: Option<DateTime<Utc>>,
    /// A local person who chose to be listed in the sector directory.
    pub discoverable: bool,
}

/// Changes to a local profile; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    pub summary: Option<String>,
    pub note_source: Option<String>,
    pub manually_approves_followers: Option<bool>,
    pub discoverable: Option<bool>,
    /// `Some(None)` removes the picture.
    pub avatar_url: Option<Option<String>>,
    pub header_url: Option<Option<String>>,
}

/// Applies `change` to a local account; returns it as it now is.
pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    id: i64,
    change: &ProfileChange,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id).filter(accounts::domain.is_null()))
        .set((change, accounts::updated_at.eq(chrono::Utc::now())))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
}

/// `account_id`'s private notes on any of `target_ids`.
pub async fn note_on(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_ids: &[i64],
) -> QueryResult<Vec<(i64, String)>> {
    use crate::schema::account_notes;
    account_notes::table
        .filter(account_notes::account_id.eq(account_id))
        .filter(account_notes::target_id.eq_any(target_ids))
        .select((account_notes::target_id, account_notes::comment))
        .load(conn)
        .await
}

/// Sets (or, when empty, removes) `account_id`'s note on `target_id`.
pub async fn set_note(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
    comment: &str,
) -> QueryResult<()> {
    use crate::schema::account_notes;
    let mine = account_notes::table
        .filter(account_notes::account_id.eq(account_id))
        .filter(account_notes::target_id.eq(target_id));
    if comment.is_empty() {
        diesel::delete(mine).execute(conn).await?;
        return Ok(());
    }
    diesel::insert_into(account_notes::table)
        .values((
            account_notes::account_id.eq(account_id),
            account_notes::target_id.eq(target_id),
            account_notes::comment.eq(comment),
        ))
        .on_conflict((account_notes::account_id, account_notes::target_id))
        .do_update()
        .set((
            account_notes::comment.eq(comment),
            account_notes::updated_at.eq(chrono::Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub approved: bool,
    pub created_at: DateTime<Utc>,
    /// `text/plain` or `text/markdown`: how posts from apps are read when
    /// the app does not say.
    pub post_format: String,
    /// Why they asked to join, when sign-ups need approval.
    pub sign_up_reason: String,
    /// The invitation they signed up with, if any.
    pub invite_id: Option<i64>,
}

/// What it takes to store a new local person.
pub struct NewLocalUser<'a> {
    pub username: &'a str,
    pub public_key_pem: &'a str,
    pub private_key_pem: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub approved: bool,
    pub sign_up_reason: &'a str,
    /// The invitation's code: one of its uses is spent in the same
    /// transaction, so a used-up invitation cannot admit two people.
    pub invite_code: Option<&'a str>,
}

/// Why a new local user was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCreated {
    /// The username is taken (case-insensitive).
    Username,
    /// The email address is in use.
    Email,
    /// The invitation is unknown, expired, revoked or used up.
    Invite,
}

/// Thrown inside the transaction to roll it back for a spent invitation.
const INVITE_SPENT: &str = "invite spent";

/// Inserts the account and its user in one transaction. A duplicate username
/// or email (case-insensitive, enforced by unique indexes so that two
/// concurrent sign-ups cannot both win), or an invitation that cannot be
/// used, is reported as `Ok(Err(NotCreated))`.
pub async fn insert_local_user(
    conn: &mut AsyncPgConnection,
    new: NewLocalUser<'_>,
) -> QueryResult<Result<(Account, User), NotCreated>> {
    let result = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            let invite_id = match new.invite_code {
                Some(code) => Some(crate::invites::spend(conn, code).await?.ok_or(
                    diesel::result::Error::QueryBuilderError(INVITE_SPENT.into()),
                )?),
                None => None,
            };
            let account: Account = diesel::insert_into(accounts::table)
                .values((
                    accounts::username.eq(new.username),
                    accounts::public_key_pem.eq(new.public_key_pem),
                    accounts::private_key_pem.eq(new.private_key_pem),
                ))
                .returning(Account::as_returning())
                .get_result(conn)
                .await?;
            let user: User = diesel::insert_into(users::table)
                .values((
                    users::account_id.eq(account.id),
                    users::email.eq(new.email),
                    users::password_hash.eq(new.password_hash),
                    users::is_admin.eq(new.is_admin),
                    users::approved.eq(new.approved),
                    users::sign_up_reason.eq(new.sign_up_reason),
                    users::invite_id.eq(invite_id),
                ))
                .returning(User::as_returning())
                .get_result(conn)
                .await?;
            Ok((account, user))
        })
        .await;
    match result {
        Ok(created) => Ok(Ok(created)),
        Err(diesel::result::Error::QueryBuilderError(e)) if e.to_string() == INVITE_SPENT => {
            Ok(Err(NotCreated::Invite))
        }
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        )) => match info.constraint_name() {
            Some("users_email_key") => Ok(Err(NotCreated::Email)),
            _ => Ok(Err(NotCreated::Username)),
        },
        Err(e) => Err(e),
    }
}

/// The local person with this username (any case), with their user row.
pub async fn find_local_by_username(
    conn: &mut AsyncPgConnection,
    username: &str,
) -> QueryResult<Option<(Account, User)>> {
    accounts::table
        .inner_join(users::table)
        .filter(accounts::domain.is_null())
        .filter(lower(accounts::username).eq(username.to_lowercase()))
        .select((Account::as_select(), User::as_select()))
        .first(conn)
        .await
        .optional()
}

/// How many local people this node has.
/// A local person by username or email, any case (how people sign in).
pub async fn find_local_by_login(
    conn: &mut AsyncPgConnection,
    login: &str,
) -> QueryResult<Option<(Account, User)>> {
    let login = login.trim().to_lowercase();
    accounts::table
        .inner_join(users::table)
        .filter(accounts::domain.is_null())
        .filter(
            lower(accounts::username)
                .eq(&login)
                .or(lower(users::email).eq(&login)),
        )
        .select((Account::as_select(), User::as_select()))
        .first(conn)
        .await
        .optional()
}

/// How many other nodes this node knows people of.
pub async fn count_remote_domains(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    accounts::table
        .filter(accounts::domain.is_not_null())
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "count(DISTINCT lower(domain))",
        ))
        .first(conn)
        .await
}

pub async fn count_local_users(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn).await
}

/// What a remote actor document told us, to store or refresh.
pub struct RemoteActor<'a> {
    pub ap_id: &'a str,
    pub username: &'a str,
    pub domain: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub inbox_url: &'a str,
    pub shared_inbox_url: Option<&'a str>,
    pub followers_url: Option<&'a str>,
    pub profile_url: Option<&'a str>,
    pub actor_type: &'a str,
    pub manually_approves_followers: bool,
    pub public_key_pem: &'a str,
    pub avatar_url: Option<&'a str>,
    pub header_url: Option<&'a str>,
    /// Its node says it is suspended there.
    pub suspended: bool,
}

/// Inserts or refreshes a remote actor, keyed by its ActivityPub id. Its
/// node's word on suspension is kept as a `remote` suspension; it never
/// lifts one decided here.
pub async fn upsert_remote(
    conn: &mut AsyncPgConnection,
    actor: RemoteActor<'_>,
) -> QueryResult<Account> {
    let now = chrono::Utc::now();
    let values = (
        accounts::ap_id.eq(actor.ap_id),
        accounts::username.eq(actor.username),
        accounts::domain.eq(actor.domain),
        accounts::display_name.eq(actor.display_name),
        accounts::summary.eq(actor.summary),
        accounts::inbox_url.eq(actor.inbox_url),
        accounts::shared_inbox_url.eq(actor.shared_inbox_url),
        accounts::followers_url.eq(actor.followers_url),
        accounts::profile_url.eq(actor.profile_url),
        accounts::actor_type.eq(actor.actor_type),
        accounts::manually_approves_followers.eq(actor.manually_approves_followers),
        accounts::public_key_pem.eq(actor.public_key_pem),
        accounts::avatar_url.eq(actor.avatar_url),
        accounts::header_url.eq(actor.header_url),
        accounts::fetched_at.eq(Some(now)),
        accounts::updated_at.eq(now),
    );
    let account: Account = diesel::insert_into(accounts::table)
        .values(values)
        .on_conflict(accounts::ap_id)
        .do_update()
        .set(values)
        .returning(Account::as_returning())
        .get_result(conn)
        .await?;
    let origin = account.suspension_origin.as_deref();
    match (actor.suspended, origin) {
        (true, None) => crate::moderation::set_suspended(conn, account.id, Some("remote")).await,
        (false, Some("remote")) => crate::moderation::set_suspended(conn, account.id, None).await,
        _ => Ok(account),
    }
}

pub async fn find_by_id(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .await
        .optional()
}

/// The accounts of `ids` that exist, in no particular order.
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<Account>> {
    accounts::table
        .filter(accounts::id.eq_any(ids))
        .select(Account::as_select())
        .load(conn)
        .await
}

/// The remote accounts among `ap_ids` that are stored here: (id, ap_id).
pub async fn remote_ids_by_ap_ids(
    conn: &mut AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<(i64, String)>> {
    if ap_ids.is_empty() {
        return Ok(Vec::new());
    }
    accounts::table
        .filter(accounts::ap_id.eq_any(ap_ids))
        .filter(accounts::domain.is_not_null())
        .select((accounts::id, accounts::ap_id.assume_not_null()))
        .load(conn)
        .await
}

pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::ap_id.eq(ap_id))
        .select(Account::as_select())
        .first(conn)
        .await
        .optional()
}

/// A remote actor by `username@domain`, any case.
pub async fn find_remote(
    conn: &mut AsyncPgConnection,
    username: &str,
    domain: &str,
) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(lower(accounts::username).eq(username.to_lowercase()))
        .filter(lower(accounts::domain.assume_not_null()).eq(domain.to_lowercase()))
        .select(Account::as_select())
        .first(conn)
        .await
        .optional()
}

/// A local account of any kind (person or group) by name, any case.
pub async fn find_local_any(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::domain.is_null())
        .filter(lower(accounts::username).eq(name.to_lowercase()))
        .select(Account::as_select())
        .first(conn)
        .await
        .optional()
}

/// Followers, followings (accepted) and posts (not deleted) of each of
/// `ids`, in one query: what every rendering of an account shows.
pub async fn counts_of(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, (i64, i64, i64)>> {
    use diesel::sql_types::{Array, BigInt};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        followers: i64,
        #[diesel(sql_type = BigInt)]
        following: i64,
        #[diesel(sql_type = BigInt)]
        statuses: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT a.id,
            (SELECT count(*) FROM follows f WHERE f.target_id = a.id AND f.accepted) AS followers,
            (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.accepted) AS following,
            (SELECT count(*) FROM statuses s
              WHERE s.account_id = a.id AND s.deleted_at IS NULL) AS statuses
           FROM accounts a WHERE a.id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, (r.followers, r.following, r.statuses)))
        .collect())
}

/// People and groups whose username or display name contains `q`
/// (case-insensitive), those whose username starts with it first.
pub async fn search_by_name(
    conn: &mut AsyncPgConnection,
    q: &str,
    limit: i64,
) -> QueryResult<Vec<Account>> {
    let escaped = crate::escape_like(q);
    let contains = format!("%{escaped}%");
    let prefix = format!("{escaped}%");
    accounts::table
        .filter(
            accounts::username
                .ilike(&contains)
                .or(accounts::display_name.ilike(&contains)),
        )
        .filter(accounts::actor_type.ne("Application"))
        .order((
            accounts::username.not_ilike(&prefix),
            accounts::domain.is_not_null(),
            accounts::username,
        ))
        .limit(limit)
        .select(Account::as_select())
        .load(conn)
        .await
}

pub async fn set_password(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    password_hash: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn set_post_format(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    post_format: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::post_format.eq(post_format))
        .execute(conn)
        .await
        .map(|_| ())
}

/// How the local person with this account writes posts from apps.
pub async fn post_format_of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<Option<String>> {
    users::table
        .filter(users::account_id.eq(account_id))
        .select(users::post_format)
        .first(conn)
        .await
        .optional()
}

/// How the profile directory is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryOrder {
    /// Most recently posting first.
    Active,
    /// Newest accounts first.
    New,
}

/// The ids of the people and groups the profile directory shows, in its
/// order: not suspended, not waiting for approval; only this node's with
/// `local`. A group is as active as the last public post made in it (or,
/// for a peer's group, as its node's directory says).
pub async fn directory(
    conn: &mut AsyncPgConnection,
    local: bool,
    order: DirectoryOrder,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let order_by = match order {
        DirectoryOrder::Active => "last.at DESC NULLS LAST, a.id DESC",
        DirectoryOrder::New => "a.created_at DESC, a.id DESC",
    };
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT a.id FROM accounts a
         LEFT JOIN LATERAL (
             SELECT GREATEST(
                 (SELECT max(s.created_at) FROM statuses s
                   WHERE s.account_id = a.id AND s.deleted_at IS NULL
                     AND s.visibility IN ('public', 'unlisted')),
                 (SELECT max(s.created_at) FROM statuses s
                   WHERE s.group_id = a.id AND s.deleted_at IS NULL
                     AND s.visibility IN ('public', 'unlisted')),
                 -- What a peer's directory says of its group.
                 (SELECT d.last_active FROM peer_directory d
                   WHERE d.account_id = a.id)) AS at) last ON true
         WHERE a.suspended_at IS NULL
           AND a.actor_type IN ('Person', 'Group')
           AND (NOT $1 OR a.domain IS NULL)
           AND NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND NOT u.approved)
         ORDER BY {order_by}
         OFFSET $2 LIMIT $3"
    ))
    .bind::<diesel::sql_types::Bool, _>(local)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Every other node this one knows: of the accounts it has met and the
/// peers it has delivered to.
pub async fn known_domains(conn: &mut AsyncPgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        domain: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT domain FROM accounts WHERE domain IS NOT NULL
         UNION SELECT domain FROM peers ORDER BY domain",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.domain).collect())
}
