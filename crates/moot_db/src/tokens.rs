//! Client API access tokens, stored by their SHA-256.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::{Account, User};
use crate::schema::{access_tokens, accounts, oauth_apps, oauth_codes, users};

/// A token to store: for a person (`user_id`) or for an app alone.
pub struct NewToken<'a> {
    pub token_sha256: &'a [u8],
    pub user_id: Option<i64>,
    pub app_id: Option<i64>,
    pub refresh_sha256: Option<&'a [u8]>,
    pub scopes: &'a str,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewToken<'_>) -> QueryResult<()> {
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_sha256.eq(new.token_sha256),
            access_tokens::user_id.eq(new.user_id),
            access_tokens::app_id.eq(new.app_id),
            access_tokens::refresh_sha256.eq(new.refresh_sha256),
            access_tokens::scopes.eq(new.scopes),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The unrevoked token with this hash: its scopes, and whose it is.
pub async fn find_active(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> QueryResult<Option<(String, User, Account)>> {
    access_tokens::table
        .inner_join(users::table.inner_join(accounts::table))
        .filter(access_tokens::token_sha256.eq(token_sha256))
        .filter(access_tokens::revoked_at.is_null())
        .select((
            access_tokens::scopes,
            User::as_select(),
            Account::as_select(),
        ))
        .first(conn)
        .await
        .optional()
}

/// The app an unrevoked token was issued to, and the token's scopes.
pub async fn app_of(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> QueryResult<Option<(OAuthApp, String)>> {
    access_tokens::table
        .inner_join(oauth_apps::table)
        .filter(access_tokens::token_sha256.eq(token_sha256))
        .filter(access_tokens::revoked_at.is_null())
        .select((OAuthApp::as_select(), access_tokens::scopes))
        .first(conn)
        .await
        .optional()
}

/// Revokes the app's token whose access or refresh token has this digest;
/// returns the digest of the access token revoked, if one was.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    sha256: &[u8],
    app_id: i64,
) -> QueryResult<Option<Vec<u8>>> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::app_id.eq(app_id))
            .filter(
                access_tokens::token_sha256
                    .eq(sha256)
                    .or(access_tokens::refresh_sha256.eq(sha256)),
            )
            .filter(access_tokens::revoked_at.is_null()),
    )
    .set((
        access_tokens::revoked_at.eq(Some(chrono::Utc::now())),
        access_tokens::refresh_sha256.eq(None::<Vec<u8>>),
    ))
    .returning(access_tokens::token_sha256)
    .get_result(conn)
    .await
    .optional()
}

/// Uses up a refresh token of the app: its token is revoked, and its
/// person and scopes returned for the new one, with the revoked access
/// token's digest.
pub async fn take_refresh(
    conn: &mut AsyncPgConnection,
    refresh_sha256: &[u8],
    app_id: i64,
) -> QueryResult<Option<(Option<i64>, String, Vec<u8>)>> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::app_id.eq(app_id))
            .filter(access_tokens::refresh_sha256.eq(refresh_sha256)),
    )
    .set((
        access_tokens::revoked_at.eq(Some(chrono::Utc::now())),
        access_tokens::refresh_sha256.eq(None::<Vec<u8>>),
    ))
    .returning((
        access_tokens::user_id,
        access_tokens::scopes,
        access_tokens::token_sha256,
    ))
    .get_result(conn)
    .await
    .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_apps)]
pub struct OAuthApp {
    pub id: i64,
    pub client_id: String,
    pub client_secret_sha256: Vec<u8>,
    pub name: String,
    pub website: Option<String>,
    pub redirect_uris: String,
    pub scopes: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl OAuthApp {
    pub fn redirect_uris(&self) -> Vec<&str> {
        self.redirect_uris
            .lines()
            .filter(|l| !l.is_empty())
            .collect()
    }
}

pub struct NewApp<'a> {
    pub client_id: &'a str,
    pub client_secret_sha256: &'a [u8],
    pub name: &'a str,
    pub website: Option<&'a str>,
    pub redirect_uris: &'a str,
    pub scopes: &'a str,
}

pub async fn insert_app(conn: &mut AsyncPgConnection, new: NewApp<'_>) -> QueryResult<OAuthApp> {
    diesel::insert_into(oauth_apps::table)
        .values((
            oauth_apps::client_id.eq(new.client_id),
            oauth_apps::client_secret_sha256.eq(new.client_secret_sha256),
            oauth_apps::name.eq(new.name),
            oauth_apps::website.eq(new.website),
            oauth_apps::redirect_uris.eq(new.redirect_uris),
            oauth_apps::scopes.eq(new.scopes),
        ))
        .returning(OAuthApp::as_returning())
        .get_result(conn)
        .await
}

pub async fn app_by_client_id(
    conn: &mut AsyncPgConnection,
    client_id: &str,
) -> QueryResult<Option<OAuthApp>> {
    oauth_apps::table
        .filter(oauth_apps::client_id.eq(client_id))
        .select(OAuthApp::as_select())
        .first(conn)
        .await
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_codes)]
pub struct AuthorizationCode {
    pub app_id: i64,
    pub user_id: i64,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

pub async fn insert_code(
    conn: &mut AsyncPgConnection,
    code_sha256: &[u8],
    code: &AuthorizationCode,
) -> QueryResult<()> {
    diesel::insert_into(oauth_codes::table)
        .values((
            oauth_codes::code_sha256.eq(code_sha256),
            oauth_codes::app_id.eq(code.app_id),
            oauth_codes::user_id.eq(code.user_id),
            oauth_codes::redirect_uri.eq(&code.redirect_uri),
            oauth_codes::scopes.eq(&code.scopes),
            oauth_codes::code_challenge.eq(&code.code_challenge),
            oauth_codes::expires_at.eq(code.expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Uses up a code (whether or not it has expired: a code works once).
pub async fn take_code(
    conn: &mut AsyncPgConnection,
    code_sha256: &[u8],
) -> QueryResult<Option<AuthorizationCode>> {
    diesel::delete(oauth_codes::table.find(code_sha256))
        .returning(AuthorizationCode::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// The local person with this user id.
pub async fn user(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> QueryResult<Option<(User, Account)>> {
    users::table
        .inner_join(accounts::table)
        .filter(users::id.eq(user_id))
        .select((User::as_select(), Account::as_select()))
        .first(conn)
        .await
        .optional()
}

/// The apps a person has signed in to that still hold a token: each with
/// the scopes of its newest token and when that was issued.
pub async fn apps_of_user(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> QueryResult<Vec<(OAuthApp, String, chrono::DateTime<chrono::Utc>)>> {
    let rows: Vec<(OAuthApp, String, chrono::DateTime<chrono::Utc>)> = access_tokens::table
        .inner_join(oauth_apps::table)
        .filter(access_tokens::user_id.eq(user_id))
        .filter(access_tokens::revoked_at.is_null())
        .order((oauth_apps::id, access_tokens::created_at.desc()))
        .select((
            OAuthApp::as_select(),
            access_tokens::scopes,
            access_tokens::created_at,
        ))
        .load(conn)
        .await?;
    let mut apps: Vec<(OAuthApp, String, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for row in rows {
        if apps.last().is_none_or(|(app, _, _)| app.id != row.0.id) {
            apps.push(row);
        }
    }
    apps.sort_by_key(|(_, _, since)| std::cmp::Reverse(*since));
    Ok(apps)
}

/// Revokes every token a person gave an app; returns their digests.
pub async fn revoke_app_for_user(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    app_id: i64,
) -> QueryResult<Vec<Vec<u8>>> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::user_id.eq(user_id))
            .filter(access_tokens::app_id.eq(app_id))
            .filter(access_tokens::revoked_at.is_null()),
    )
    .set((
        access_tokens::revoked_at.eq(Some(chrono::Utc::now())),
        access_tokens::refresh_sha256.eq(None::<Vec<u8>>),
    ))
    .returning(access_tokens::token_sha256)
    .get_results(conn)
    .await
}
