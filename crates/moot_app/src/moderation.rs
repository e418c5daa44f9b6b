//! What administrators do about accounts: suspend, limit, mark sensitive,
//! warn, approve or reject a sign-up, grant the admin role, hand out a
//! password reset link. One rule for the web pages, the admin API and the
//! command line; every action is checked here and recorded in the audit
//! log in its own transaction.
//!
//! A local suspension signs the person out everywhere at once, hides what
//! they wrote, drops what was still waiting to be delivered and tells
//! their followers' nodes with an `Update` of the actor marked
//! `suspended` (as Mastodon does); lifting it sends the actor again.
//! Another node's account is only hidden here.

use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::User;
pub use moot_db::moderation::{AccountFilter, Warning};
use openssl::sha::sha256;

use crate::audit::Who;
use crate::model::Account;
use crate::{AppError, Context};

/// A decision about an account, as Mastodon's admin API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A warning only.
    Warn,
    /// Their files always show as sensitive.
    Sensitive,
    /// Limited: out of public timelines.
    Silence,
    Suspend,
}

impl Action {
    /// Mastodon's `type` of `POST /api/v1/admin/accounts/{id}/action`.
    pub fn parse(kind: &str) -> Option<Action> {
        Some(match kind {
            "none" => Action::Warn,
            "sensitive" => Action::Sensitive,
            "silence" => Action::Silence,
            "suspend" => Action::Suspend,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Action::Warn => "none",
            Action::Sensitive => "sensitive",
            Action::Silence => "silence",
            Action::Suspend => "suspend",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Action::Warn => "account.warn",
            Action::Sensitive => "account.sensitive",
            Action::Silence => "account.silence",
            Action::Suspend => "account.suspend",
        }
    }
}

/// What an administrator decides, and what the person is told.
#[derive(Debug, Clone)]
pub struct Decision {
    pub action: Action,
    /// Shown to the person with the warning, and kept as the reason.
    pub text: String,
    /// The report it settles, if any: it is resolved with it.
    pub report_id: Option<i64>,
    /// Tell the person (a `moderation_warning` notification). A warning
    /// alone is always sent.
    pub notify: bool,
}

/// Which decision to undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    Suspend,
    Silence,
    Sensitive,
}

impl Undo {
    fn audit_action(self) -> &'static str {
        match self {
            Undo::Suspend => "account.unsuspend",
            Undo::Silence => "account.unsilence",
            Undo::Sensitive => "account.unsensitive",
        }
    }
}

/// How the audit log names an account.
pub fn audit_target(account: &Account) -> String {
    match &account.domain {
        Some(domain) => format!("@{}@{domain}", account.username),
        None => format!("@{}", account.username),
    }
}

/// An account as the admin pages show it, with its sign-in row if local.
#[derive(Debug, Clone)]
pub struct Managed {
    pub account: Account,
    pub user: Option<User>,
}

/// Accounts as `filter` narrows them, for an administrator.
pub async fn list(
    ctx: &Context,
    admin: &Account,
    filter: &AccountFilter,
) -> Result<Vec<Managed>, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut filter = filter.clone();
    filter.limit = filter.limit.clamp(1, 200);
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::moderation::list(&mut conn, &filter)
        .await?
        .into_iter()
        .map(|(account, user)| Managed { account, user })
        .collect())
}

/// One account, for an administrator.
pub async fn find(ctx: &Context, admin: &Account, id: i64) -> Result<Managed, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    let (account, user) = moot_db::moderation::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Managed { account, user })
}

/// An account's warnings, newest first, for an administrator.
pub async fn warnings(ctx: &Context, admin: &Account, id: i64) -> Result<Vec<Warning>, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::moderation::warnings_of(&mut conn, id).await?)
}

/// Takes `decision` about account `target_id`.
pub async fn act(
    ctx: &Context,
    admin: &Account,
    target_id: i64,
    decision: &Decision,
) -> Result<Account, AppError> {
    let target = target_of(ctx, admin, target_id).await?;
    AppError::check_length("text", Some(&decision.text), 5000)?;
    let mut conn = ctx.db.conn().await?;
    let changed = conn
        .transaction::<_, AppError, _>(async |conn| {
            use moot_db::moderation as store;
            let changed = match decision.action {
                Action::Warn => target.clone(),
                Action::Sensitive => store::set_sensitized(conn, target.id, true).await?,
                Action::Silence => store::set_silenced(conn, target.id, true).await?,
                Action::Suspend => suspend(ctx, conn, &target).await?,
            };
            if decision.notify || decision.action == Action::Warn {
                store::warn(
                    conn,
                    target.id,
                    decision.action.name(),
                    decision.text.trim(),
                    decision.report_id,
                    admin.id,
                )
                .await?;
            }
            if let Some(report) = decision.report_id {
                moot_db::reports::set_resolved(conn, report, Some(admin.id)).await?;
            }
            crate::audit::record(
                conn,
                &Who::person(&admin.username),
                decision.action.audit_action(),
                &audit_target(&target),
                serde_json::json!({ "account_id": target.id.to_string(), "report_id": decision.report_id.map(|r| r.to_string()) }),
                decision.text.trim(),
            )
            .await?;
            Ok(changed)
        })
        .await?;
    ctx.read_cache.forget_account(target.id);
    Ok(changed)
}

/// Suspends `target` in the caller's transaction: see the module's note.
async fn suspend(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    target: &Account,
) -> Result<Account, AppError> {
    use moot_db::moderation as store;
    let suspended = store::set_suspended(conn, target.id, Some("local")).await?;
    if suspended.domain.is_none() {
        if let Some(user) = moot_db::moderation::find(conn, target.id)
            .await?
            .and_then(|f| f.1)
        {
            store::sign_out_everywhere(conn, user.id).await?;
        }
        store::drop_pending_deliveries(conn, target.id).await?;
        tell_followers(ctx, conn, &suspended).await?;
    }
    Ok(suspended)
}

/// Sends a local actor (a person or a group) as it now is to its
/// followers' nodes.
async fn tell_followers(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    account: &Account,
) -> Result<(), AppError> {
    let actor = crate::profiles::actor_document(ctx, account).await?;
    crate::outbound::update_actor(ctx, conn, account, &actor).await
}

/// Undoes a suspension, a limit or sensitive marking.
pub async fn undo(
    ctx: &Context,
    admin: &Account,
    target_id: i64,
    what: Undo,
) -> Result<Account, AppError> {
    let target = target_of(ctx, admin, target_id).await?;
    let mut conn = ctx.db.conn().await?;
    let changed = conn
        .transaction::<_, AppError, _>(async |conn| {
            use moot_db::moderation as store;
            let changed = match what {
                Undo::Suspend => {
                    if target.suspension_origin.as_deref() == Some("remote") {
                        return Err(AppError::conflict(
                            "this account is suspended by its own node; only that node can lift it",
                        ));
                    }
                    let restored = store::set_suspended(conn, target.id, None).await?;
                    if restored.domain.is_none() {
                        tell_followers(ctx, conn, &restored).await?;
                    }
                    restored
                }
                Undo::Silence => store::set_silenced(conn, target.id, false).await?,
                Undo::Sensitive => store::set_sensitized(conn, target.id, false).await?,
            };
            crate::audit::record(
                conn,
                &Who::person(&admin.username),
                what.audit_action(),
                &audit_target(&target),
                serde_json::json!({ "account_id": target.id.to_string() }),
                "",
            )
            .await?;
            Ok(changed)
        })
        .await?;
    ctx.read_cache.forget_account(target.id);
    Ok(changed)
}

/// The account an administrator acts on: never their own.
async fn target_of(ctx: &Context, admin: &Account, target_id: i64) -> Result<Account, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    if target_id == admin.id {
        return Err(AppError::invalid("account", "is your own account"));
    }
    crate::directory::by_id(ctx, target_id).await
}

/// The local sign-in row of `account`, or 404 for another node's account.
async fn user_of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> Result<(Account, User), AppError> {
    match moot_db::moderation::find(conn, account_id).await? {
        Some((account, Some(user))) => Ok((account, user)),
        _ => Err(AppError::NotFound),
    }
}

/// Approves a pending sign-up.
pub async fn approve(ctx: &Context, admin: &Account, account_id: i64) -> Result<Managed, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let (account, user) = user_of(conn, account_id).await?;
        if user.approved {
            return Err(AppError::conflict("this account is already approved"));
        }
        let user = moot_db::moderation::approve(conn, user.id).await?;
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "account.approve",
            &audit_target(&account),
            serde_json::json!({ "account_id": account.id.to_string() }),
            "",
        )
        .await?;
        Ok(Managed {
            account,
            user: Some(user),
        })
    })
    .await
}

/// Rejects a pending sign-up: the account is removed, its name free again.
pub async fn reject(ctx: &Context, admin: &Account, account_id: i64) -> Result<Account, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let (account, user) = user_of(conn, account_id).await?;
        if user.approved {
            return Err(AppError::conflict(
                "only a sign-up waiting for approval can be rejected",
            ));
        }
        moot_db::moderation::reject(conn, account.id).await?;
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "account.reject",
            &audit_target(&account),
            serde_json::json!({ "email": user.email, "reason": user.sign_up_reason }),
            "",
        )
        .await?;
        Ok(account)
    })
    .await
}

/// Grants or removes the admin role. Administrators cannot remove their
/// own, so a node always keeps the one who acts.
pub async fn set_admin(
    ctx: &Context,
    admin: &Account,
    account_id: i64,
    make_admin: bool,
) -> Result<Managed, AppError> {
    let target = target_of(ctx, admin, account_id).await?;
    let mut conn = ctx.db.conn().await?;
    let managed = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (account, user) = user_of(conn, target.id).await?;
            let user = moot_db::moderation::set_admin(conn, user.id, make_admin).await?;
            crate::audit::record(
                conn,
                &Who::person(&admin.username),
                if make_admin {
                    "account.grant_admin"
                } else {
                    "account.remove_admin"
                },
                &audit_target(&account),
                serde_json::json!({ "account_id": account.id.to_string() }),
                "",
            )
            .await?;
            Ok(Managed {
                account,
                user: Some(user),
            })
        })
        .await?;
    ctx.read_cache.forget_account(target.id);
    Ok(managed)
}

/// How long a password reset link works.
const RESET_LINK_HOURS: i64 = 24;

/// Makes a one-time link for a local person to set a new password (any
/// earlier link stops working). The administrator hands it over; it is
/// shown once and only its digest is kept.
pub async fn password_reset_link(
    ctx: &Context,
    admin: &Account,
    account_id: i64,
) -> Result<url::Url, AppError> {
    let target = target_of(ctx, admin, account_id).await?;
    let token = crate::browser_sessions::random_token();
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let (account, user) = user_of(conn, target.id).await?;
        let expires = Utc::now() + Duration::hours(RESET_LINK_HOURS);
        moot_db::invites::insert_reset(conn, &sha256(token.as_bytes()), user.id, admin.id, expires)
            .await?;
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "account.password_reset_link",
            &audit_target(&account),
            serde_json::json!({ "account_id": account.id.to_string(), "expires_at": expires }),
            "",
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(ctx.urls.password_reset(&token))
}

/// Whether a reset link still works: the username it is for.
pub async fn reset_link_for(ctx: &Context, token: &str) -> Result<Option<String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(user_id) = moot_db::invites::reset_user(&mut conn, &sha256(token.as_bytes())).await?
    else {
        return Ok(None);
    };
    Ok(moot_db::tokens::user(&mut conn, user_id)
        .await?
        .map(|(_, account)| account.username))
}

/// Sets a new password with a reset link, which is used up; every session
/// and token of the person ends.
pub async fn reset_password(ctx: &Context, token: &str, password: &str) -> Result<(), AppError> {
    crate::passwords::check_strength(password)?;
    let hash = crate::passwords::hash(password.to_owned()).await?;
    let mut conn = ctx.db.conn().await?;
    let account = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user_id = moot_db::invites::take_reset(conn, &sha256(token.as_bytes()))
                .await?
                .ok_or_else(|| {
                    AppError::Forbidden("this link has expired or has been used".into())
                })?;
            let (_, account) = moot_db::tokens::user(conn, user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            moot_db::accounts::set_password(conn, user_id, &hash).await?;
            moot_db::moderation::sign_out_everywhere(conn, user_id).await?;
            crate::audit::record(
                conn,
                &Who::person(&account.username),
                "account.password_reset",
                &audit_target(&account),
                serde_json::json!({}),
                "",
            )
            .await?;
            Ok(account)
        })
        .await?;
    ctx.read_cache.forget_account(account.id);
    Ok(())
}
