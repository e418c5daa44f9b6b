//! Invitations: administrators make links that let people sign up while
//! registration is closed (or needs approval), once or a set number of
//! times, until a date. Signing up with one spends a use in the same
//! transaction as the new account (see `accounts::create_local_user`).

use chrono::{DateTime, Utc};
pub use moot_db::invites::Invite;

use crate::audit::Who;
use crate::model::Account;
use crate::{AppError, Context};

/// What an administrator asks for.
#[derive(Debug, Clone, Default)]
pub struct InviteInput {
    pub comment: String,
    /// How many people it admits; `None` for any number.
    pub max_uses: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes an invitation.
pub async fn create(
    ctx: &Context,
    admin: &Account,
    input: InviteInput,
) -> Result<Invite, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    AppError::check_length("comment", Some(&input.comment), 200)?;
    if input.max_uses.is_some_and(|m| !(1..=10_000).contains(&m)) {
        return Err(AppError::invalid("max_uses", "must be between 1 and 10000"));
    }
    if input.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(AppError::invalid("expires_at", "is in the past"));
    }
    let code = crate::browser_sessions::random_token();
    let mut conn = ctx.db.conn().await?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        let invite = moot_db::invites::insert(
            conn,
            moot_db::invites::NewInvite {
                code: &code,
                created_by_id: admin.id,
                comment: input.comment.trim(),
                max_uses: input.max_uses,
                expires_at: input.expires_at,
            },
        )
        .await?;
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "invite.create",
            &format!("invite:{}", invite.id),
            serde_json::json!({ "max_uses": input.max_uses, "expires_at": input.expires_at }),
            input.comment.trim(),
        )
        .await?;
        Ok(invite)
    })
    .await
}

/// Every invitation, newest first.
pub async fn list(ctx: &Context, admin: &Account) -> Result<Vec<Invite>, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::invites::all(&mut conn).await?)
}

/// Withdraws an invitation: it admits nobody more.
pub async fn revoke(ctx: &Context, admin: &Account, id: i64) -> Result<Invite, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        let invite = moot_db::invites::revoke(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "invite.revoke",
            &format!("invite:{id}"),
            serde_json::json!({}),
            "",
        )
        .await?;
        Ok(invite)
    })
    .await
}

/// The invitation with this code, if it still admits someone.
pub async fn usable(ctx: &Context, code: &str) -> Result<Option<Invite>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::invites::find_by_code(&mut conn, code)
        .await?
        .filter(|i| i.usable(Utc::now())))
}
