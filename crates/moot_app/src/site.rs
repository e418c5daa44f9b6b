//! The node itself: its instance actor's keys, made once on first start.

use moot_db::site::{self, Site};
use moot_db::Database;

use crate::{keys, AppError};

/// The instance actor's keys, creating them if this is the node's first start.
pub async fn instance_keys(db: &Database) -> Result<Site, AppError> {
    let mut conn = db.conn().await?;
    if let Some(existing) = site::get(&mut conn).await? {
        return Ok(existing);
    }
    let pair = keys::generate().await?;
    let new = Site {
        public_key_pem: pair.public_pem,
        private_key_pem: pair.private_pem,
    };
    Ok(site::insert_if_absent(&mut conn, &new).await?)
}

/// How big the node is, as `/api/v1/instance` tells: its people, its
/// posts and the other nodes it knows of.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub users: i64,
    pub posts: i64,
    pub domains: i64,
}

pub async fn sizes(ctx: &crate::Context) -> Result<Sizes, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(Sizes {
        users: moot_db::accounts::count_local_users(&mut conn).await?,
        posts: moot_db::statuses::count_local(&mut conn).await?,
        domains: moot_db::accounts::count_remote_domains(&mut conn).await?,
    })
}
