//! Finding accounts known to this node (local people and stored remote
//! actors). Fetching unknown remote actors is the federation crate's job.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use moot_db::accounts::{self as queries, Account};

use crate::{AppError, Context};

pub async fn by_id(ctx: &Context, id: i64) -> Result<Account, AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::find_by_id(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The page people open to see an account: its profile here, or the page
/// its own server names (else its id).
pub fn profile_url(ctx: &Context, account: &Account) -> String {
    match &account.domain {
        None => ctx.urls.person_page(&account.username).to_string(),
        Some(_) => account
            .profile_url
            .clone()
            .or_else(|| account.ap_id.clone())
            .unwrap_or_default(),
    }
}

/// `user` (local) or `user@host` (local if host is ours, else stored remote).
pub async fn by_acct(ctx: &Context, acct: &str) -> Result<Option<Account>, AppError> {
    let acct = acct.trim().trim_start_matches('@');
    let (user, host) = match acct.split_once('@') {
        Some((user, host)) => (user, Some(host)),
        None => (acct, None),
    };
    match host {
        None => local_any(ctx, user).await,
        Some(host) if host.eq_ignore_ascii_case(&ctx.urls.authority()) => {
            local_any(ctx, user).await
        }
        Some(host) => {
            let mut conn = ctx.db.conn().await?;
            Ok(queries::find_remote(&mut conn, user, host).await?)
        }
    }
}

/// (followers, following, statuses) of an account.
pub async fn counts(ctx: &Context, account: &Account) -> Result<(i64, i64, i64), AppError> {
    let mut conn = ctx.db.conn().await?;
    let counts = queries::counts_of(&mut conn, &[account.id]).await?;
    Ok(counts.get(&account.id).copied().unwrap_or_default())
}

/// People and groups this node knows whose name contains `q`.
pub async fn by_name(ctx: &Context, q: &str, limit: i64) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::search_by_name(&mut conn, q, limit).await?)
}

/// A page of who follows `account` (`followers`), or whom it follows.
pub async fn follow_list(
    ctx: &Context,
    account: &Account,
    followers: bool,
    max_id: Option<i64>,
    limit: i64,
) -> Result<crate::views::Page<crate::views::posts::AccountView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found =
        moot_db::follows::accounts_page(&mut conn, account.id, followers, max_id, limit).await?;
    drop(conn);
    crate::views::timelines::account_page(ctx, found).await
}

/// A local person or group by name.
pub async fn local_any(ctx: &Context, name: &str) -> Result<Option<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::find_local_any(&mut conn, name).await?)
}

/// Remote actors read lately, by ActivityPub id. The inbox reads the sender
/// of every activity, and a busy peer sends many: this spares the database
/// most of those reads. Entries live briefly, so a change made by another
/// process of the node is seen within [`RECENT_ACTOR_TTL`].
#[derive(Default)]
pub struct RecentActors {
    entries: RwLock<HashMap<String, (Account, Instant)>>,
}

const RECENT_ACTOR_TTL: Duration = Duration::from_secs(30);
const MOST_RECENT_ACTORS: usize = 10_000;

impl RecentActors {
    fn get(&self, uri: &str) -> Option<Account> {
        let entries = self.entries.read().expect("recent actors");
        entries
            .get(uri)
            .filter(|(_, at)| at.elapsed() < RECENT_ACTOR_TTL)
            .map(|(account, _)| account.clone())
    }

    /// Keeps the stored state of a remote actor (after a read or a write).
    pub fn remember(&self, account: &Account) {
        let Some(uri) = account.ap_id.clone() else {
            return;
        };
        let mut entries = self.entries.write().expect("recent actors");
        if entries.len() >= MOST_RECENT_ACTORS {
            entries.retain(|_, (_, at)| at.elapsed() < RECENT_ACTOR_TTL);
            if entries.len() >= MOST_RECENT_ACTORS {
                entries.clear();
            }
        }
        entries.insert(uri, (account.clone(), Instant::now()));
    }

    /// Drops everything, e.g. when the federation rules change.
    pub fn forget_all(&self) {
        self.entries.write().expect("recent actors").clear();
    }
}

/// A stored remote actor by its ActivityPub id.
pub async fn remote_by_uri(ctx: &Context, uri: &str) -> Result<Option<Account>, AppError> {
    if let Some(account) = ctx.recent_actors.get(uri) {
        return Ok(Some(account));
    }
    let mut conn = ctx.db.conn().await?;
    let found = queries::find_by_ap_id(&mut conn, uri).await?;
    if let Some(account) = &found {
        ctx.recent_actors.remember(account);
    }
    Ok(found)
}

/// The accounts with these ids (those that exist).
pub async fn by_ids(ctx: &Context, ids: &[i64]) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::find_many(&mut conn, ids).await?)
}

/// Where a remote actor lives, as the federation side checked it (origin
/// is identity: its inboxes are on its own origin).
#[derive(Debug, Clone, Copy)]
pub struct Addresses<'a> {
    /// `host[:port]`.
    pub domain: &'a str,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
}

/// Stores (or refreshes) a remote actor read from its node. What the peer
/// wrote is shown to our people, so it is cleaned first.
pub async fn store_remote(
    ctx: &Context,
    actor: &moot_protocol::actor::Actor,
    at: Addresses<'_>,
) -> Result<Account, AppError> {
    use moot_protocol::actor::image_url;
    let summary = moot_core::text::sanitize_html(actor.summary.as_deref().unwrap_or_default());
    let display_name: String = actor
        .name
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let avatar = image_url(&actor.icon);
    let header = image_url(&actor.image);
    let kind = format!("{:?}", actor.kind);
    let mut conn = ctx.db.conn().await?;
    let account = queries::upsert_remote(
        &mut conn,
        queries::RemoteActor {
            ap_id: actor.id.as_str(),
            username: &actor.preferred_username,
            domain: at.domain,
            display_name: &display_name,
            summary: &summary,
            inbox_url: at.inbox,
            shared_inbox_url: at.shared_inbox,
            followers_url: actor.followers.as_ref().map(url::Url::as_str),
            profile_url: actor.url.as_ref().map(url::Url::as_str),
            actor_type: &kind,
            manually_approves_followers: actor.manually_approves_followers,
            public_key_pem: &actor.public_key.public_key_pem,
            avatar_url: avatar.as_ref().map(url::Url::as_str),
            header_url: header.as_ref().map(url::Url::as_str),
            suspended: actor.suspended,
        },
    )
    .await?;
    ctx.recent_actors.remember(&account);
    let mode = actor.membership_mode.as_deref();
    if let Some(mode) = mode.filter(|m| crate::groups::MembershipMode::parse(m).is_some()) {
        moot_db::groups::upsert_mode(&mut conn, account.id, mode).await?;
    }
    Ok(account)
}

pub use moot_db::accounts::DirectoryOrder;

/// The profile directory: people and groups, this node's alone with
/// `local`, the most recently active or the newest first.
pub async fn profiles(
    ctx: &Context,
    local: bool,
    order: DirectoryOrder,
    offset: i64,
    limit: i64,
) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let ids =
        queries::directory(&mut conn, local, order, offset.max(0), limit.clamp(1, 80)).await?;
    let mut found = queries::find_many(&mut conn, &ids).await?;
    found.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    Ok(found)
}
