//! The sector directory: this node's groups anyone may find (and people
//! who chose to be listed), published for its peers, and what its peers
//! list, read back and shown beside this node's own (in `/api/moot/v1/directory`, `/api/v1/directory` and
//! the web app's `/groups`).

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncConnection;
use moot_db::peerings::{self as store, DirectoryEntry, Listed, Peering};

use crate::model::Account;
use crate::{AppError, Context};

/// Most groups a directory lists (published or read).
pub const MOST_LISTED: usize = 500;
/// How long a peer's directory is taken as fresh.
const FRESH_FOR: Duration = Duration::minutes(30);

/// A group as a directory lists it.
#[derive(Debug, Clone)]
pub struct Listing {
    pub account: Account,
    /// The peer it is on; `None` for this node's.
    pub node: Option<String>,
    pub topics: Vec<String>,
    pub members: i64,
    pub last_active: Option<DateTime<Utc>>,
}

async fn with_accounts(
    conn: &mut moot_db::AsyncPgConnection,
    entries: Vec<DirectoryEntry>,
) -> Result<Vec<Listing>, AppError> {
    let ids: Vec<i64> = entries.iter().map(|e| e.account_id).collect();
    let accounts = moot_db::accounts::find_many(conn, &ids).await?;
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let account = accounts.iter().find(|a| a.id == e.account_id)?.clone();
            Some(Listing {
                account,
                node: e.peer,
                topics: e.topics,
                members: e.members,
                last_active: e.last_active,
            })
        })
        .collect())
}

/// This node's groups anyone may find (open and approval ones, never
/// private ones), then its people who chose to be listed.
pub async fn local(ctx: &Context) -> Result<Vec<Listing>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let entries = store::local_directory(&mut conn, MOST_LISTED as i64).await?;
    with_accounts(&mut conn, entries).await
}

/// This node's groups, then those of every active peer, most recently
/// active first within each.
pub async fn sector(ctx: &Context) -> Result<Vec<Listing>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let mut entries = store::local_directory(&mut conn, MOST_LISTED as i64).await?;
    entries.extend(store::peered_directory(&mut conn).await?);
    with_accounts(&mut conn, entries).await
}

/// Active peerings whose directory is due to be read.
pub async fn due(ctx: &Context) -> Result<Vec<Peering>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::stale_directories(&mut conn, Utc::now() - FRESH_FOR).await?)
}

/// A group a peer's directory lists, once its actor is stored here.
#[derive(Debug, Clone)]
pub struct Read {
    pub account: Account,
    pub topics: Vec<String>,
    pub members: i64,
    pub last_active: Option<DateTime<Utc>>,
}

/// Puts what `peer`'s directory lists in place of what it listed before.
/// Only that peer's own groups are kept.
pub async fn store_read(ctx: &Context, peer: &str, read: Vec<Read>) -> Result<usize, AppError> {
    let entries: Vec<Listed> = read
        .into_iter()
        .filter(|r| {
            matches!(r.account.actor_type.as_str(), "Group" | "Person")
                && r.account
                    .domain
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(peer))
        })
        .take(MOST_LISTED)
        .map(|r| Listed {
            account_id: r.account.id,
            topics: r.topics.into_iter().take(8).collect(),
            members: r.members.clamp(0, i32::MAX.into()) as i32,
            last_active: r.last_active,
        })
        .collect();
    let kept = entries.len();
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        store::replace_directory(conn, peer, &entries).await?;
        store::record_directory_read(conn, peer, None).await?;
        Ok(())
    })
    .await?;
    Ok(kept)
}

/// Records that `peer`'s directory could not be read; what it listed
/// before stays.
pub async fn read_failed(ctx: &Context, peer: &str, error: &str) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let error: String = error.chars().take(500).collect();
    store::record_directory_read(&mut conn, peer, Some(&error)).await?;
    Ok(())
}
