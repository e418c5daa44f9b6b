//! OAuth 2 for client apps, as Mastodon clients expect it: app
//! registration, the authorization-code grant (with PKCE `S256`, and the
//! out-of-band redirect), client credentials, refresh tokens, revocation,
//! and the password grant when the configuration allows it. Every secret,
//! code and token is 256 random bits, stored only as its SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use moot_core::scopes::Scopes;
use moot_db::accounts::User;
use moot_db::tokens::{self as store, AuthorizationCode, NewApp, NewToken, OAuthApp};
use openssl::sha::sha256;

use crate::error::AppError;
use crate::sign_in::Credentials;
use crate::Context;

/// The redirect URI that shows the code on a page instead.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long an authorization code may wait to be exchanged.
const CODE_LIFETIME_MINUTES: i64 = 10;

/// An RFC 6749 error: its code (`invalid_grant` ...), and a description.
#[derive(Debug, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            error,
            description: description.into(),
        }
    }

    /// The failure is the client's own credentials (HTTP 401, not 400).
    pub fn is_client_auth(&self) -> bool {
        self.error == "invalid_client"
    }
}

impl From<AppError> for OAuthError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(inner) => {
                tracing::error!(error = %inner, "oauth: internal error");
                OAuthError::new("server_error", "the server could not complete the request")
            }
            other => OAuthError::new("invalid_request", other.to_string()),
        }
    }
}

impl From<moot_db::DbError> for OAuthError {
    fn from(e: moot_db::DbError) -> Self {
        AppError::from(e).into()
    }
}

impl From<diesel::result::Error> for OAuthError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(moot_db::DbError::from(e)).into()
    }
}

fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// A new app, and its client secret in clear (shown once).
pub async fn register_app(
    ctx: &Context,
    name: &str,
    redirect_uris: &[String],
    scopes: Option<&str>,
    website: Option<&str>,
) -> Result<(OAuthApp, String), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(
            "client_name",
            "must be 1 to 200 characters",
        ));
    }
    if redirect_uris.is_empty() {
        return Err(AppError::invalid("redirect_uris", "at least one is needed"));
    }
    for uri in redirect_uris {
        if uri != OUT_OF_BAND {
            let parsed = url::Url::parse(uri)
                .map_err(|e| AppError::invalid("redirect_uris", format!("`{uri}`: {e}")))?;
            if parsed.fragment().is_some() {
                return Err(AppError::invalid(
                    "redirect_uris",
                    "must not have a fragment",
                ));
            }
        }
    }
    let scopes =
        Scopes::parse(scopes.unwrap_or("read")).map_err(|e| AppError::invalid("scopes", e))?;
    let website = website.map(str::trim).filter(|w| !w.is_empty());
    let (client_id, secret) = (random_secret(), random_secret());
    let mut conn = ctx.db.conn().await?;
    let app = store::insert_app(
        &mut conn,
        NewApp {
            client_id: &client_id,
            client_secret_sha256: &sha256(secret.as_bytes()),
            name,
            website,
            redirect_uris: &redirect_uris.join("\n"),
            scopes: &scopes.to_string(),
        },
    )
    .await?;
    Ok((app, secret))
}

/// What `GET /oauth/authorize` asks for.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Checks a request for authorization; returns the app and the scopes
/// asked for. Errors here are shown on the page, never redirected (the
/// redirect URI itself may be the problem).
pub async fn check_request(
    ctx: &Context,
    req: &AuthorizeRequest,
) -> Result<(OAuthApp, Scopes), OAuthError> {
    let mut conn = ctx.db.conn().await?;
    let app = store::app_by_client_id(&mut conn, &req.client_id)
        .await?
        .ok_or_else(|| OAuthError::new("invalid_client", "no app has this client_id"))?;
    if !app.redirect_uris().contains(&req.redirect_uri.as_str()) {
        return Err(OAuthError::new(
            "invalid_request",
            "the redirect_uri is not one the app registered",
        ));
    }
    let scopes = granted_scopes(&app, req.scope.as_deref())?;
    match (
        req.code_challenge.as_deref(),
        req.code_challenge_method.as_deref(),
    ) {
        (None, _) => {}
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {}
        (Some(_), Some("S256")) => {
            return Err(OAuthError::new(
                "invalid_request",
                "the code_challenge is malformed",
            ))
        }
        (Some(_), _) => {
            return Err(OAuthError::new(
                "invalid_request",
                "only the S256 code_challenge_method is supported",
            ))
        }
    }
    Ok((app, scopes))
}

/// The scopes asked for (the app's default when none), which must be
/// within what the app registered.
fn granted_scopes(app: &OAuthApp, asked: Option<&str>) -> Result<Scopes, OAuthError> {
    let registered = Scopes::parse(&app.scopes)
        .map_err(|e| OAuthError::new("server_error", format!("stored scopes: {e}")))?;
    let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => return Ok(registered),
        Some(asked) => Scopes::parse(asked).map_err(|e| OAuthError::new("invalid_scope", e))?,
    };
    if !asked.is_subset_of(&registered) {
        return Err(OAuthError::new(
            "invalid_scope",
            "the scope asked for is more than the app registered",
        ));
    }
    Ok(asked)
}

/// Issues a code for `user` after they consented to `req`.
pub async fn issue_code(
    ctx: &Context,
    req: &AuthorizeRequest,
    user: &User,
) -> Result<String, OAuthError> {
    let (app, scopes) = check_request(ctx, req).await?;
    let code = random_secret();
    let mut conn = ctx.db.conn().await?;
    store::insert_code(
        &mut conn,
        &sha256(code.as_bytes()),
        &AuthorizationCode {
            app_id: app.id,
            user_id: user.id,
            redirect_uri: req.redirect_uri.clone(),
            scopes: scopes.to_string(),
            code_challenge: req.code_challenge.clone(),
            expires_at: Utc::now() + chrono::Duration::minutes(CODE_LIFETIME_MINUTES),
        },
    )
    .await?;
    Ok(code)
}

/// A client's credentials as sent to the token or revocation endpoint.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// The app behind `client`; with `require_secret`, its secret must match.
async fn authenticate_client(
    ctx: &Context,
    client: &ClientAuth,
    require_secret: bool,
) -> Result<OAuthApp, OAuthError> {
    let bad = || OAuthError::new("invalid_client", "client authentication failed");
    let mut conn = ctx.db.conn().await?;
    let app = store::app_by_client_id(&mut conn, &client.client_id)
        .await?
        .ok_or_else(bad)?;
    match &client.client_secret {
        Some(secret) => {
            let given = sha256(secret.as_bytes());
            if !openssl::memcmp::eq(&given, &app.client_secret_sha256) {
                return Err(bad());
            }
        }
        None if require_secret => return Err(bad()),
        None => {}
    }
    Ok(app)
}

/// What the token endpoint hands out.
#[derive(Debug, Clone)]
pub struct Grant {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scopes: Scopes,
    pub created_at: DateTime<Utc>,
}

async fn issue_token(
    ctx: &Context,
    app: &OAuthApp,
    user_id: Option<i64>,
    scopes: Scopes,
) -> Result<Grant, OAuthError> {
    let access_token = random_secret();
    // People's tokens can be refreshed; an app's own can simply be asked for again.
    let refresh_token = user_id.map(|_| random_secret());
    let mut conn = ctx.db.conn().await?;
    let refresh_sha = refresh_token.as_ref().map(|r| sha256(r.as_bytes()));
    store::insert(
        &mut conn,
        NewToken {
            token_sha256: &sha256(access_token.as_bytes()),
            user_id,
            app_id: Some(app.id),
            refresh_sha256: refresh_sha.as_ref().map(|r| &r[..]),
            scopes: &scopes.to_string(),
        },
    )
    .await?;
    Ok(Grant {
        access_token,
        refresh_token,
        scopes,
        created_at: Utc::now(),
    })
}

/// A token for a person who has just signed up through `app` (Mastodon's
/// `POST /api/v1/accounts`), with the scopes of the app's own token.
pub async fn token_for_new_person(
    ctx: &Context,
    app: &OAuthApp,
    user_id: i64,
    scopes: Scopes,
) -> Result<Grant, OAuthError> {
    issue_token(ctx, app, Some(user_id), scopes).await
}

/// `grant_type=authorization_code`. A public client (no secret) must have
/// used PKCE; a confidential one may as well, and then must pass it.
pub async fn exchange_code(
    ctx: &Context,
    client: &ClientAuth,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> Result<Grant, OAuthError> {
    let app = authenticate_client(ctx, client, false).await?;
    let invalid = |why: &str| OAuthError::new("invalid_grant", why.to_owned());
    let mut conn = ctx.db.conn().await?;
    let found = store::take_code(&mut conn, &sha256(code.as_bytes())).await?;
    drop(conn);
    let code = found.ok_or_else(|| invalid("the code is unknown or was already used"))?;
    if code.app_id != app.id {
        return Err(invalid("the code was issued to another app"));
    }
    if code.expires_at < Utc::now() {
        return Err(invalid("the code has expired"));
    }
    if code.redirect_uri != redirect_uri {
        return Err(invalid(
            "the redirect_uri differs from the authorization request's",
        ));
    }
    match (&code.code_challenge, code_verifier) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes()));
            if !openssl::memcmp::eq(computed.as_bytes(), challenge.as_bytes()) {
                return Err(invalid(
                    "the code_verifier does not match the code_challenge",
                ));
            }
        }
        (Some(_), None) => return Err(invalid("the code_verifier is missing")),
        (None, _) if client.client_secret.is_none() => {
            return Err(OAuthError::new(
                "invalid_client",
                "a client without a secret must use PKCE",
            ))
        }
        (None, _) => {}
    }
    let scopes = Scopes::parse(&code.scopes)
        .map_err(|e| OAuthError::new("server_error", format!("stored scopes: {e}")))?;
    issue_token(ctx, &app, Some(code.user_id), scopes).await
}

/// `grant_type=client_credentials`: a token for the app itself.
pub async fn client_credentials(
    ctx: &Context,
    client: &ClientAuth,
    scope: Option<&str>,
) -> Result<Grant, OAuthError> {
    let app = authenticate_client(ctx, client, true).await?;
    let scopes = granted_scopes(&app, scope)?;
    issue_token(ctx, &app, None, scopes).await
}

/// `grant_type=refresh_token`: the old token is revoked, a new pair issued
/// (with the same scopes, or fewer if asked).
pub async fn refresh(
    ctx: &Context,
    client: &ClientAuth,
    refresh_token: &str,
    scope: Option<&str>,
) -> Result<Grant, OAuthError> {
    let app = authenticate_client(ctx, client, true).await?;
    let mut conn = ctx.db.conn().await?;
    let taken = store::take_refresh(&mut conn, &sha256(refresh_token.as_bytes()), app.id).await?;
    drop(conn);
    let (user_id, stored, revoked) = taken.ok_or_else(|| {
        OAuthError::new("invalid_grant", "the refresh_token is unknown or was used")
    })?;
    forget_session(ctx, &revoked);
    let stored = Scopes::parse(&stored)
        .map_err(|e| OAuthError::new("server_error", format!("stored scopes: {e}")))?;
    let scopes = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        None => stored,
        Some(asked) => {
            let asked = Scopes::parse(asked).map_err(|e| OAuthError::new("invalid_scope", e))?;
            if !asked.is_subset_of(&stored) {
                return Err(OAuthError::new(
                    "invalid_scope",
                    "more than the original grant",
                ));
            }
            asked
        }
    };
    issue_token(ctx, &app, user_id, scopes).await
}

/// `grant_type=password`, only when `oauth.password_grant` is on.
pub async fn password_grant(
    ctx: &Context,
    client: &ClientAuth,
    username: &str,
    password: &str,
    scope: Option<&str>,
) -> Result<Grant, OAuthError> {
    if !ctx.settings.oauth.password_grant {
        return Err(OAuthError::new(
            "unsupported_grant_type",
            "the password grant is turned off on this node",
        ));
    }
    let app = authenticate_client(ctx, client, true).await?;
    let scopes = granted_scopes(&app, scope)?;
    let user = match crate::sign_in::check(ctx, username, password, None).await? {
        Credentials::Valid(found) => found.1,
        Credentials::AwaitsApproval => {
            return Err(OAuthError::new(
                "invalid_grant",
                "the account awaits an admin's approval",
            ))
        }
        Credentials::Suspended => {
            return Err(OAuthError::new("invalid_grant", "the account is suspended"))
        }
        Credentials::Wrong => {
            return Err(OAuthError::new(
                "invalid_grant",
                "wrong username or password",
            ))
        }
        Credentials::TooMany(_) => {
            return Err(OAuthError::new(
                "invalid_grant",
                "too many sign-in attempts; try again later",
            ))
        }
    };
    issue_token(ctx, &app, Some(user.id), scopes).await
}

/// Revokes the app's `token` (access or refresh). Unknown tokens are no
/// error (RFC 7009); a wrong client is.
pub async fn revoke(ctx: &Context, client: &ClientAuth, token: &str) -> Result<(), OAuthError> {
    let app = authenticate_client(ctx, client, true).await?;
    let mut conn = ctx.db.conn().await?;
    if let Some(revoked) = store::revoke(&mut conn, &sha256(token.as_bytes()), app.id).await? {
        forget_session(ctx, &revoked);
    }
    Ok(())
}

/// An app a person signed in to: its newest token's scopes and when that
/// was issued.
pub struct Authorization {
    pub app: OAuthApp,
    pub scopes: String,
    pub since: DateTime<Utc>,
}

/// The apps that can act for `user` now.
pub async fn authorizations(ctx: &Context, user: &User) -> Result<Vec<Authorization>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::apps_of_user(&mut conn, user.id)
        .await?
        .into_iter()
        .map(|(app, scopes, since)| Authorization { app, scopes, since })
        .collect())
}

/// Takes back everything `user` let an app do: all its tokens stop working.
pub async fn revoke_authorization(ctx: &Context, user: &User, app_id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let revoked = store::revoke_app_for_user(&mut conn, user.id, app_id).await?;
    if revoked.is_empty() {
        return Err(AppError::NotFound);
    }
    for digest in &revoked {
        forget_session(ctx, digest);
    }
    Ok(())
}

/// A revoked token stops working in this process at once, not when the
/// revocation's announcement arrives.
fn forget_session(ctx: &Context, token_sha256: &[u8]) {
    if let Ok(digest) = token_sha256.try_into() {
        ctx.read_cache.forget_session(&digest);
    }
}

/// The app a bearer token was issued to, with the token's scopes.
pub async fn app_of_token(
    ctx: &Context,
    token: &str,
) -> Result<Option<(OAuthApp, Scopes)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some((app, scopes)) = store::app_of(&mut conn, &sha256(token.as_bytes())).await? else {
        return Ok(None);
    };
    let scopes = Scopes::parse(&scopes).map_err(|e| anyhow::anyhow!("stored scopes: {e}"))?;
    Ok(Some((app, scopes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_is_unpadded_base64url_of_sha256() {
        let verifier = "dBjftJeZ4CVP-mJ0N7xB9X8aQaJ4pGEv2hP4vXbHI3U";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes())),
            "4nmLTG60rc9NZCwF0R6dG7QVe-2yySRki8Z9EnGr05I"
        );
    }
}
