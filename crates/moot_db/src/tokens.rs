//! Client API access tokens, stored by their SHA-256.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::{Account, User};
use crate::schema::{access_tokens, accounts, users};

pub async fn insert(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
    user_id: i64,
    scopes: &str,
) -> QueryResult<()> {
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_sha256.eq(token_sha256),
            access_tokens::user_id.eq(user_id),
            access_tokens::scopes.eq(scopes),
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
