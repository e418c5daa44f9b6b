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
