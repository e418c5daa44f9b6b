//! Blocks and mutes. A block ends follows both ways, keeps each out of the
//! other's way (timelines, notifications, posts, follows) and is told to
//! the blocked actor's node; a mute is one person's own quiet, told to no
//! one.

use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::{blocks as queries, follows, received};
use moot_protocol::activities;
use url::Url;

use crate::follows::actor_id;
use crate::{AppError, Context};

/// Ends follows between two accounts, both ways.
async fn end_follows(conn: &mut AsyncPgConnection, a: i64, b: i64) -> Result<(), AppError> {
    for (from, to) in [(a, b), (b, a)] {
        if let Some(follow) = follows::find(conn, from, to).await? {
            follows::delete(conn, follow.id).await?;
        }
    }
    Ok(())
}

/// Where a `Block` of (or its `Undo` for) a remote `target` goes.
fn inbox_of(target: &Account) -> Option<Url> {
    target.inbox_url.as_deref().and_then(|i| Url::parse(i).ok())
}

/// A local person blocks `target`.
pub async fn block(ctx: &Context, who: &Account, target: &Account) -> Result<(), AppError> {
    if who.id == target.id {
        return Err(AppError::invalid("id", "you cannot block yourself"));
    }
    let block_id = ctx.urls.new_activity();
    let (me, them) = (actor_id(ctx, who)?, actor_id(ctx, target)?);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !queries::block(conn, who.id, target.id, block_id.as_str()).await? {
            return Ok(());
        }
        end_follows(conn, who.id, target.id).await?;
        if let (Some(_), Some(inbox)) = (&target.domain, inbox_of(target)) {
            let activity = activities::block(&block_id, &me, &them);
            let body = activity.to_string();
            crate::outbound::queue(ctx, conn, who.id, block_id.as_str(), &body, &[inbox]).await?;
        }
        Ok(())
    })
    .await
}

/// A local person lifts a block; a remote target's node gets the `Undo`.
pub async fn unblock(ctx: &Context, who: &Account, target: &Account) -> Result<(), AppError> {
    let (me, them) = (actor_id(ctx, who)?, actor_id(ctx, target)?);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(block_id) = queries::unblock(conn, who.id, target.id).await? else {
            return Ok(());
        };
        if let (Some(_), Some(inbox)) = (&target.domain, inbox_of(target)) {
            let block_uri = Url::parse(&block_id).map_err(|e| AppError::Internal(e.into()))?;
            let undo_id = ctx.urls.new_activity();
            let undo = activities::undo(
                &undo_id,
                &me,
                activities::block(&block_uri, &me, &them),
                &[&them],
            );
            let body = undo.to_string();
            crate::outbound::queue(ctx, conn, who.id, undo_id.as_str(), &body, &[inbox]).await?;
        }
        Ok(())
    })
    .await
}

/// Whether either of two accounts blocks the other.
pub async fn between(
    conn: &mut AsyncPgConnection,
    a: &Account,
    b: &Account,
) -> Result<bool, AppError> {
    Ok(queries::blocks(conn, a.id, b.id).await? || queries::blocks(conn, b.id, a.id).await?)
}

/// A remote actor blocks one of our people: follows between them end.
pub async fn receive_block(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    target: &Account,
) -> Result<(), AppError> {
    if target.domain.is_some() {
        return Err(AppError::NotFound);
    }
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        queries::block(conn, actor.id, target.id, activity_id.as_str()).await?;
        end_follows(conn, actor.id, target.id).await
    })
    .await
}

/// A moderator elsewhere bans one of our people from `community` (on the
/// moderator's own node): their membership here ends.
pub async fn receive_ban(
    ctx: &Context,
    activity_id: &Url,
    banned: &Account,
    community: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let Some(group) = moot_db::accounts::find_by_ap_id(conn, community.as_str()).await? else {
            return Ok(());
        };
        if let Some(follow) = follows::find(conn, banned.id, group.id).await? {
            follows::delete(conn, follow.id).await?;
        }
        Ok(())
    })
    .await
}

/// A remote actor lifts a block it made.
pub async fn receive_unblock(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    block_id: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        queries::unblock_by_ap_id(conn, actor.id, block_id.as_str()).await?;
        Ok(())
    })
    .await
}

/// A local person mutes `target`, with its notifications or not, for
/// `duration` seconds (0 or none: until unmuted).
pub async fn mute(
    ctx: &Context,
    who: &Account,
    target: &Account,
    notifications: bool,
    duration: Option<i64>,
) -> Result<(), AppError> {
    if who.id == target.id {
        return Err(AppError::invalid("id", "you cannot mute yourself"));
    }
    let expires_at = match duration.filter(|d| *d != 0) {
        Some(d) if !(1..=10 * 365 * 86_400).contains(&d) => {
            return Err(AppError::invalid(
                "duration",
                "must be a number of seconds up to ten years",
            ))
        }
        Some(d) => Some(Utc::now() + Duration::seconds(d)),
        None => None,
    };
    let mut conn = ctx.db.conn().await?;
    Ok(queries::mute(&mut conn, who.id, target.id, notifications, expires_at).await?)
}

pub async fn unmute(ctx: &Context, who: &Account, target: &Account) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::unmute(&mut conn, who.id, target.id).await?)
}

/// A page of the accounts `who` blocks (or mutes), newest first.
pub async fn page(
    ctx: &Context,
    who: &Account,
    muted: bool,
    max_id: Option<i64>,
    limit: i64,
) -> Result<crate::views::Page<crate::views::posts::AccountView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::blocks::page(&mut conn, who.id, muted, max_id, limit).await?;
    drop(conn);
    crate::views::timelines::account_page(ctx, found).await
}

/// `who` hides every account of `raw` (a domain) from themself: their
/// posts and notifications, and their follows of `who`, which end (as
/// Mastodon's domain blocks for people do). Their own node is not one
/// to hide.
pub async fn block_domain(ctx: &Context, who: &Account, raw: &str) -> Result<(), AppError> {
    let domain = crate::domain_policy::parse_domain(raw)?;
    if domain == ctx.urls.authority() {
        return Err(AppError::invalid("domain", "is this node's own"));
    }
    let followers = {
        let mut conn = ctx.db.conn().await?;
        queries::block_domain(&mut conn, who.id, &domain).await?;
        queries::followers_on(&mut conn, who.id, &domain).await?
    };
    for follower in followers {
        crate::follows::remove_follower(ctx, who, follower).await?;
    }
    Ok(())
}

pub async fn unblock_domain(ctx: &Context, who: &Account, raw: &str) -> Result<(), AppError> {
    let domain = crate::domain_policy::parse_domain(raw)?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::unblock_domain(&mut conn, who.id, &domain).await?)
}

/// A page of the domains `who` hides, newest first: (cursor, domain).
pub async fn blocked_domains(
    ctx: &Context,
    who: &Account,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::blocked_domains(&mut conn, who.id, max_id, limit).await?)
}
