//! Finding accounts known to this node (local people and stored remote
//! actors). Fetching unknown remote actors is the federation crate's job.

use moot_db::accounts::{self as queries, Account};

use crate::{AppError, Context};

pub async fn by_id(ctx: &Context, id: i64) -> Result<Account, AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::find_by_id(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `user` (local) or `user@host` (local if host is ours, else stored remote).
pub async fn by_acct(ctx: &Context, acct: &str) -> Result<Option<Account>, AppError> {
    let acct = acct.trim().trim_start_matches('@');
    let (user, host) = match acct.split_once('@') {
        Some((user, host)) => (user, Some(host)),
        None => (acct, None),
    };
    match host {
        None => local_any(ctx, user).await,
        Some(host) if host.eq_ignore_ascii_case(&ctx.urls.authority()) => {
            local_any(ctx, user).await
        }
        Some(host) => {
            let mut conn = ctx.db.conn().await?;
            Ok(queries::find_remote(&mut conn, user, host).await?)
        }
    }
}

/// (followers, following, statuses) of an account.
pub async fn counts(ctx: &Context, account: &Account) -> Result<(i64, i64, i64), AppError> {
    let mut conn = ctx.db.conn().await?;
    let counts = queries::counts_of(&mut conn, &[account.id]).await?;
    Ok(counts.get(&account.id).copied().unwrap_or_default())
}

/// A local person or group by name.
pub async fn local_any(ctx: &Context, name: &str) -> Result<Option<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::find_local_any(&mut conn, name).await?)
}
