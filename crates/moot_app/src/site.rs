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

/// The other nodes this one federates with, as `/api/v1/instance/peers`
/// lists them: known ones the rules let through, leaving out every
/// blocked domain (an obfuscated block too: its name is not told here).
pub async fn peers(ctx: &crate::Context) -> Result<Vec<String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let known = moot_db::accounts::known_domains(&mut conn).await?;
    let blocks = moot_db::domain_rules::effective_blocks(&mut conn).await?;
    drop(conn);
    Ok(known
        .into_iter()
        .filter(|domain| {
            matches!(
                ctx.policy.verdict_for(Some(domain)),
                moot_core::domain_rules::Verdict::Federate(_)
            ) && !blocks
                .iter()
                .any(|b| moot_core::identifiers::domain_is_within(domain, &b.domain))
        })
        .collect())
}

/// The node's last twelve weeks: posts, sign-ins and new accounts.
pub async fn activity(ctx: &crate::Context) -> Result<Vec<site::Week>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(site::weekly_activity(&mut conn, 12).await?)
}

/// When the node's own description last changed: its rules, or else its
/// first start (the rest comes from its configuration).
pub async fn described_at(ctx: &crate::Context) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let rules = crate::node_texts::rules(ctx).await?;
    let mut conn = ctx.db.conn().await?;
    let started = site::created_at(&mut conn).await?.unwrap_or_default();
    Ok(rules
        .iter()
        .map(|r| r.updated_at)
        .max()
        .unwrap_or(started)
        .max(started))
}
