//! Signed-in browsers of the web app. A session is a random secret in a
//! cookie; the node keeps its SHA-256, a CSRF token for its forms, and
//! enough about the browser for the person to recognise it in their list
//! of signed-in devices and end it.

use base64::Engine;
use chrono::{Duration, Utc};
use moot_core::scopes::Scopes;
pub use moot_db::web_sessions::WebSession;
use moot_db::web_sessions::{self as store, NewWebSession};
use openssl::sha::sha256;

use crate::sign_in::Credentials;
use crate::tokens::Session;
use crate::{AppError, Context};

/// A session unused this long has ended.
const IDLE_LIMIT_DAYS: i64 = 30;
/// How stale `last_seen_at` may get before a request refreshes it (so
/// that reading pages does not write a row each time).
const TOUCH_AFTER_MINUTES: i64 = 5;

/// A signed-in browser: who, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    pub id: i64,
    pub csrf_token: String,
    pub session: Session,
}

/// Where a sign-in comes from, kept with the session.
pub struct Client<'a> {
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: &'a str,
}

/// What a sign-in attempt led to.
pub enum SignIn {
    /// Signed in: `cookie` is the new session's secret.
    SignedIn {
        cookie: String,
        session: Box<BrowserSession>,
    },
    Refused(Credentials),
}

pub(crate) fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Every scope a person has in their own browser.
fn browser_scopes() -> Scopes {
    Scopes::parse("read write follow push").unwrap_or_default()
}

/// Signs a person in, ending the session of `replaced` (the cookie the
/// browser had before, if any), so that a session id is never reused
/// across a sign-in.
pub async fn sign_in(
    ctx: &Context,
    login: &str,
    password: &str,
    client: Client<'_>,
    replaced: Option<&str>,
) -> Result<SignIn, AppError> {
    let (account, user) = match crate::sign_in::check(ctx, login, password, client.ip).await? {
        Credentials::Valid(found) => *found,
        refused => return Ok(SignIn::Refused(refused)),
    };
    let cookie = random_token();
    let csrf_token = random_token();
    let mut conn = ctx.db.conn().await?;
    if let Some(old) = replaced {
        store::delete_by_token(&mut conn, &sha256(old.as_bytes())).await?;
    }
    let user_agent: String = client.user_agent.chars().take(300).collect();
    let id = store::insert(
        &mut conn,
        NewWebSession {
            token_sha256: &sha256(cookie.as_bytes()),
            user_id: user.id,
            csrf_token: &csrf_token,
            user_agent: &user_agent,
            ip: &client.ip.map(|ip| ip.to_string()).unwrap_or_default(),
        },
    )
    .await?;
    Ok(SignIn::SignedIn {
        cookie,
        session: Box::new(BrowserSession {
            id,
            csrf_token,
            session: Session {
                account,
                user,
                scopes: browser_scopes(),
            },
        }),
    })
}

/// The session a cookie opens, if it is still valid.
pub async fn open(ctx: &Context, cookie: &str) -> Result<Option<BrowserSession>, AppError> {
    let now = Utc::now();
    let mut conn = ctx.db.conn().await?;
    let Some((row, user, account)) = store::find_fresh(
        &mut conn,
        &sha256(cookie.as_bytes()),
        now - Duration::days(IDLE_LIMIT_DAYS),
    )
    .await?
    else {
        return Ok(None);
    };
    if !user.approved || account.suspended_at.is_some() {
        return Ok(None);
    }
    if now - row.last_seen_at > Duration::minutes(TOUCH_AFTER_MINUTES) {
        store::touch(&mut conn, row.id).await?;
    }
    Ok(Some(BrowserSession {
        id: row.id,
        csrf_token: row.csrf_token,
        session: Session {
            account,
            user,
            scopes: browser_scopes(),
        },
    }))
}

/// Ends this browser's session.
pub async fn sign_out(ctx: &Context, session: &BrowserSession) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    store::delete(&mut conn, session.session.user.id, session.id).await?;
    Ok(())
}

/// The person's signed-in browsers, most recently used first.
pub async fn list(ctx: &Context, session: &BrowserSession) -> Result<Vec<WebSession>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::of_user(&mut conn, session.session.user.id).await?)
}

/// Ends one of the person's sessions (this one or another).
pub async fn revoke(ctx: &Context, session: &BrowserSession, id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    if store::delete(&mut conn, session.session.user.id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Changes the person's password after checking the current one; every
/// other browser is signed out.
pub async fn change_password(
    ctx: &Context,
    session: &BrowserSession,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let user = &session.session.user;
    if !crate::passwords::verify(current.to_owned(), user.password_hash.clone()).await {
        return Err(AppError::invalid(
            "current_password",
            "the current password is not right",
        ));
    }
    crate::passwords::check_strength(new).map_err(|e| match e {
        AppError::Invalid { message, .. } => AppError::invalid("new_password", message),
        other => other,
    })?;
    let hash = crate::passwords::hash(new.to_owned()).await?;
    let mut conn = ctx.db.conn().await?;
    moot_db::accounts::set_password(&mut conn, user.id, &hash).await?;
    store::delete_others(&mut conn, user.id, Some(session.id)).await?;
    Ok(())
}
