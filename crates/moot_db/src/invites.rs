//! Invitations to sign up, and one-time password reset links.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{invites, password_resets};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invites)]
pub struct Invite {
    pub id: i64,
    pub code: String,
    pub created_by_id: Option<i64>,
    pub comment: String,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Invite {
    /// Whether it still admits someone at `now`.
    pub fn usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none()
            && self.expires_at.is_none_or(|e| e > now)
            && self.max_uses.is_none_or(|m| self.uses < m)
    }
}

pub struct NewInvite<'a> {
    pub code: &'a str,
    pub created_by_id: i64,
    pub comment: &'a str,
    pub max_uses: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewInvite<'_>) -> QueryResult<Invite> {
    diesel::insert_into(invites::table)
        .values((
            invites::code.eq(new.code),
            invites::created_by_id.eq(new.created_by_id),
            invites::comment.eq(new.comment),
            invites::max_uses.eq(new.max_uses),
            invites::expires_at.eq(new.expires_at),
        ))
        .returning(Invite::as_returning())
        .get_result(conn)
        .await
}

/// Spends one use of the invitation with this code; its id, or `None`
/// when it is unknown, revoked, expired or used up. One statement, so two
/// sign-ups cannot both take its last use.
pub async fn spend(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<i64>> {
    diesel::update(
        invites::table
            .filter(invites::code.eq(code))
            .filter(invites::revoked_at.is_null())
            .filter(
                invites::expires_at
                    .is_null()
                    .or(invites::expires_at.gt(diesel::dsl::now)),
            )
            .filter(
                invites::max_uses
                    .is_null()
                    .or(invites::uses.lt(invites::max_uses.assume_not_null())),
            ),
    )
    .set(invites::uses.eq(invites::uses + 1))
    .returning(invites::id)
    .get_result(conn)
    .await
    .optional()
}

pub async fn find_by_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<Invite>> {
    invites::table
        .filter(invites::code.eq(code))
        .select(Invite::as_select())
        .first(conn)
        .await
        .optional()
}

/// Every invitation, newest first.
pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Invite>> {
    invites::table
        .order(invites::id.desc())
        .select(Invite::as_select())
        .load(conn)
        .await
}

/// Revokes an invitation; `None` when there is none by that id.
pub async fn revoke(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Invite>> {
    diesel::update(invites::table.find(id))
        .set(invites::revoked_at.eq(Some(Utc::now())))
        .returning(Invite::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Keeps a password reset link's digest, valid until `expires_at`; earlier
/// links for the same person stop working.
pub async fn insert_reset(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
    user_id: i64,
    by: i64,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(Utc::now())))
    .execute(conn)
    .await?;
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_sha256.eq(token_sha256),
            password_resets::user_id.eq(user_id),
            password_resets::created_by_id.eq(by),
            password_resets::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The person a reset link is for, if it is unused and unexpired.
pub async fn reset_user(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> QueryResult<Option<i64>> {
    password_resets::table
        .filter(password_resets::token_sha256.eq(token_sha256))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(diesel::dsl::now))
        .select(password_resets::user_id)
        .first(conn)
        .await
        .optional()
}

/// Uses a reset link up; the person it was for, if it was still good.
pub async fn take_reset(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> QueryResult<Option<i64>> {
    diesel::update(
        password_resets::table
            .filter(password_resets::token_sha256.eq(token_sha256))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(diesel::dsl::now)),
    )
    .set(password_resets::used_at.eq(Some(Utc::now())))
    .returning(password_resets::user_id)
    .get_result(conn)
    .await
    .optional()
}
