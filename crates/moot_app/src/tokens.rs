//! Issuing and checking client API access tokens.

use base64::Engine;
use moot_core::scopes::Scopes;
use moot_db::accounts::{Account, User};
use moot_db::{tokens as queries, Database};
use openssl::sha::sha256;

use crate::{AppError, Context};

/// Who a valid token speaks for, and what it may do.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub user: User,
    pub scopes: Scopes,
}

/// Issues a new token for `username`; returns it in clear (shown once).
pub async fn issue(db: &Database, username: &str, scopes: &str) -> Result<String, AppError> {
    let scopes = Scopes::parse(scopes).map_err(|e| AppError::invalid("scope", e))?;
    let (_, user) = crate::accounts::find_local(db, username)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "username",
                format!("no local person is called `{username}`"),
            )
        })?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let mut conn = db.conn().await?;
    queries::insert(
        &mut conn,
        queries::NewToken {
            token_sha256: &sha256(token.as_bytes()),
            user_id: Some(user.id),
            app_id: None,
            refresh_sha256: None,
            scopes: &scopes.to_string(),
        },
    )
    .await?;
    Ok(token)
}

/// The session a bearer token opens, if the token is valid; from the read
/// cache when it holds it.
pub async fn authenticate(ctx: &Context, token: &str) -> Result<Option<Session>, AppError> {
    let token_sha256 = sha256(token.as_bytes());
    if let Some(session) = ctx.read_cache.session(&token_sha256) {
        return Ok(Some(session));
    }
    let ticket = ctx.read_cache.ticket();
    let mut conn = ctx.db.conn().await?;
    let Some((scopes, user, account)) = queries::find_active(&mut conn, &token_sha256).await?
    else {
        return Ok(None);
    };
    // Suspension revokes a person's tokens; this holds even for one
    // issued since (say, by the command line).
    if account.suspended_at.is_some() {
        return Ok(None);
    }
    let scopes = Scopes::parse(&scopes).map_err(|e| anyhow::anyhow!("stored scopes: {e}"))?;
    let session = Session {
        account,
        user,
        scopes,
    };
    if let Some(ticket) = ticket {
        ctx.read_cache.keep_session(ticket, token_sha256, &session);
    }
    Ok(Some(session))
}
