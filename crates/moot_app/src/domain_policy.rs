//! The node's federation policy: the rules in force, kept in memory for
//! every border to ask, reloaded within seconds when any process (or the
//! command line) changes them; and the changes themselves, each recorded in
//! the audit log in the same transaction.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::domain_rules::{normalize_rule_domain, Block, Mode, Rules, Severity, Verdict};
use moot_core::Settings;
use moot_db::domain_rules::{self as store, AllowRow, BlockFields, BlockRow};
use moot_db::Database;
use serde_json::json;
use url::Url;

use crate::error::AppError;
use crate::Context;

/// How often rules are reloaded even without a notification (expiries, a
/// lost connection).
const RELOAD_EVERY: Duration = Duration::from_secs(30);

/// The rules in force, shared by every request and worker of a process.
pub struct Policy {
    current: RwLock<Arc<Rules>>,
    /// The configuration's part: its mode (unless an admin set one) and rules.
    configured: Rules,
    /// This node's own `host[:port]`, never refused.
    own_host: String,
}

impl Policy {
    /// The configured rules alone, until `reload` adds the stored ones.
    pub fn from_settings(settings: &Settings) -> Policy {
        let federation = &settings.federation;
        let configured = Rules {
            mode: Mode::parse(&federation.mode).unwrap_or_default(),
            allows: federation.allowed_domains.clone(),
            blocks: federation
                .blocked_domains
                .iter()
                .map(|domain| Block {
                    domain: domain.clone(),
                    severity: Severity::Suspend,
                    reject_media: false,
                    reject_reports: false,
                    expires_at: None,
                })
                .collect(),
            peers: Vec::new(),
        };
        Policy {
            current: RwLock::new(Arc::new(configured.clone())),
            configured,
            own_host: settings.server.hostname.to_ascii_lowercase(),
        }
    }

    pub fn rules(&self) -> Arc<Rules> {
        self.current.read().expect("policy lock").clone()
    }

    /// Whether the node serving `url` may be talked to at all.
    pub fn allows(&self, url: &Url) -> bool {
        moot_db::outbox::peer_domain(url).is_some_and(|d| d == self.own_host)
            || self.rules().allows_url(url)
    }

    /// Whether the node serving `url` is suspended by a block: the node's
    /// own voice (its instance actor, peering) reaches every node but those.
    pub fn blocks(&self, url: &Url) -> bool {
        moot_db::outbox::peer_domain(url).is_none_or(|d| d != self.own_host)
            && self.rules().blocks_url(url)
    }

    /// The verdict for an account's stored domain (`None` = local).
    pub fn verdict_for(&self, domain: Option<&str>) -> Verdict {
        match domain {
            Some(domain) if !domain.eq_ignore_ascii_case(&self.own_host) => {
                self.rules().verdict_for_domain(domain)
            }
            _ => Verdict::Federate(Default::default()),
        }
    }

    /// Puts `rules` in force alone (for the rules' unit tests).
    #[cfg(test)]
    pub(crate) fn replace_rules_for_test(&self, blocks: Vec<Block>) {
        let rules = Rules {
            blocks,
            ..self.configured.clone()
        };
        *self.current.write().expect("policy lock") = Arc::new(rules);
    }

    /// Reads the stored rules and puts them in force beside the configured ones.
    pub async fn reload(&self, db: &Database) -> Result<(), moot_db::DbError> {
        let mut conn = db.conn().await?;
        let mode = store::stored_mode(&mut conn).await?;
        let allows = store::effective_allows(&mut conn).await?;
        let blocks = store::effective_blocks(&mut conn).await?;
        let peers = moot_db::peerings::policy_domains(&mut conn).await?;
        let mut rules = self.configured.clone();
        if let Some(mode) = mode.as_deref().and_then(Mode::parse) {
            rules.mode = mode;
        }
        rules.allows.extend(allows.into_iter().map(|a| a.domain));
        rules.blocks.extend(blocks.iter().filter_map(block_rule));
        rules.peers = peers;
        *self.current.write().expect("policy lock") = Arc::new(rules);
        Ok(())
    }
}

fn block_rule(row: &BlockRow) -> Option<Block> {
    Some(Block {
        domain: row.domain.clone(),
        severity: Severity::parse(&row.severity)?,
        reject_media: row.reject_media,
        reject_reports: row.reject_reports,
        expires_at: row.expires_at,
    })
}

/// Loads the stored rules, then keeps them fresh: on every change
/// notification and every `RELOAD_EVERY`.
pub async fn start_watching(
    ctx: &Context,
) -> Result<tokio::task::JoinHandle<()>, moot_db::DbError> {
    ctx.policy.reload(&ctx.db).await?;
    let (policy, db, recent) = (
        ctx.policy.clone(),
        ctx.db.clone(),
        ctx.recent_actors.clone(),
    );
    let changed = Arc::new(tokio::sync::Notify::new());
    let listener = {
        let (db, changed) = (db.clone(), changed.clone());
        tokio::spawn(async move {
            loop {
                let error = db.listen(store::CHANNEL, |_| changed.notify_one()).await;
                tracing::warn!(error = %error, "not listening for federation rule changes; reloading every 30 s");
                // Whatever changed while nobody listened.
                changed.notify_one();
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        })
    };
    Ok(tokio::spawn(async move {
        let _listener = AbortOnDrop(listener);
        loop {
            tokio::select! {
                _ = changed.notified() => {}
                _ = tokio::time::sleep(RELOAD_EVERY) => {}
            }
            if let Err(e) = policy.reload(&db).await {
                tracing::warn!(error = %e, "reloading federation rules failed; the previous ones stay in force");
            }
            // A suspension may have removed accounts kept there.
            recent.forget_all();
        }
    }))
}

/// Stops a helper task when the task that owns it stops (or is aborted).
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub use crate::audit::Who;

/// A rule's domain as typed by an admin, normalized, or a clear error.
pub fn parse_domain(raw: &str) -> Result<String, AppError> {
    normalize_rule_domain(raw).map_err(|m| AppError::invalid("domain", m))
}

/// An audit-log entry: action, target, details, reason.
type Audit<'a> = (&'a str, &'a str, serde_json::Value, &'a str);

/// Records a change inside its transaction and tells every process.
pub(crate) async fn record(
    conn: &mut AsyncPgConnection,
    who: &Who,
    audit: Audit<'_>,
) -> Result<(), AppError> {
    let (action, target, details, reason) = audit;
    crate::audit::record(conn, who, action, target, details, reason).await?;
    store::notify_changed(conn).await?;
    Ok(())
}

pub async fn set_mode(ctx: &Context, who: &Who, mode: Mode, reason: &str) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        store::set_mode(conn, mode.as_str()).await?;
        let details = json!({"mode": mode.as_str()});
        record(conn, who, ("set_mode", mode.as_str(), details, reason)).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(())
}

/// The mode in force.
pub fn mode(ctx: &Context) -> Mode {
    ctx.policy.rules().mode
}

/// Allows `domain`; the row, and whether it is new.
pub async fn allow(ctx: &Context, who: &Who, domain: &str) -> Result<(AllowRow, bool), AppError> {
    let domain = parse_domain(domain)?;
    let mut conn = ctx.db.conn().await?;
    let result = conn
        .transaction::<_, AppError, _>(async |conn| allow_in(conn, who, &domain).await)
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(result)
}

/// `allow`, inside the caller's transaction; `domain` is normalized.
pub(crate) async fn allow_in(
    conn: &mut AsyncPgConnection,
    who: &Who,
    domain: &str,
) -> Result<(AllowRow, bool), AppError> {
    if let Some(row) = store::insert_allow(conn, domain).await? {
        record(conn, who, ("allow", domain, json!({}), "")).await?;
        return Ok((row, true));
    }
    let row = store::local_allow(conn, domain)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row, false))
}

/// What an admin asks a block to be.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRequest {
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BlockRequest {
    pub fn new(severity: Severity) -> Self {
        BlockRequest {
            severity,
            reject_media: false,
            reject_reports: false,
            public_comment: String::new(),
            private_comment: String::new(),
            obfuscate: false,
            expires_at: None,
        }
    }

    pub(crate) fn fields(&self) -> BlockFields {
        BlockFields {
            severity: self.severity.as_str().into(),
            reject_media: self.reject_media,
            reject_reports: self.reject_reports,
            public_comment: self.public_comment.trim().into(),
            private_comment: self.private_comment.trim().into(),
            obfuscate: self.obfuscate,
            expires_at: self.expires_at,
        }
    }
}

/// Blocks `domain` (or changes its block). A suspension removes the
/// domain's accounts, with their posts and follows, in the same transaction.
/// Returns the row and what the change was.
pub async fn block(
    ctx: &Context,
    who: &Who,
    domain: &str,
    request: &BlockRequest,
) -> Result<(BlockRow, Change), AppError> {
    let domain = parse_domain(domain)?;
    let mut conn = ctx.db.conn().await?;
    let result = conn
        .transaction::<_, AppError, _>(async |conn| block_in(conn, who, &domain, request).await)
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(result)
}

/// What a change did to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Unchanged,
}

/// `block`, inside the caller's transaction; `domain` is normalized.
pub(crate) async fn block_in(
    conn: &mut AsyncPgConnection,
    who: &Who,
    domain: &str,
    request: &BlockRequest,
) -> Result<(BlockRow, Change), AppError> {
    let fields = request.fields();
    let before = store::local_block(conn, domain).await?;
    let change = match &before {
        None => Change::Added,
        Some(old) if old.fields() == fields => return Ok((old.clone(), Change::Unchanged)),
        Some(_) => Change::Changed,
    };
    let row = store::upsert_block(conn, domain, &fields).await?;
    if request.severity == Severity::Suspend {
        let removed = store::purge_accounts(conn, domain).await?;
        if removed > 0 {
            tracing::info!(%domain, accounts = removed, "suspended: removed the domain's accounts and content");
        }
    }
    let details = json!({
        "severity": fields.severity, "reject_media": fields.reject_media,
        "reject_reports": fields.reject_reports, "public_comment": fields.public_comment,
        "obfuscate": fields.obfuscate, "expires_at": fields.expires_at,
    });
    let reason = if fields.private_comment.is_empty() {
        &fields.public_comment
    } else {
        &fields.private_comment
    };
    record(conn, who, ("block", domain, details, reason)).await?;
    Ok((row, change))
}

/// Removes every local rule (allow and block) for `domain`.
pub async fn remove(ctx: &Context, who: &Who, domain: &str) -> Result<(), AppError> {
    let domain = parse_domain(domain)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut found = false;
        if let Some(allow) = store::local_allow(conn, &domain).await? {
            found |= store::delete_allow(conn, allow.id).await?;
        }
        if let Some(block) = store::local_block(conn, &domain).await? {
            found |= store::delete_block(conn, block.id).await?;
        }
        if !found {
            return Err(AppError::NotFound);
        }
        record(conn, who, ("remove", &domain, json!({}), "")).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(())
}

pub async fn remove_allow_by_id(ctx: &Context, who: &Who, id: i64) -> Result<AllowRow, AppError> {
    let mut conn = ctx.db.conn().await?;
    let result = conn
        .transaction::<_, AppError, _>(async |conn| {
            let row = store::allow_by_id(conn, id)
                .await?
                .ok_or(AppError::NotFound)?;
            store::delete_allow(conn, id).await?;
            record(conn, who, ("remove_allow", &row.domain, json!({}), "")).await?;
            Ok(row)
        })
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(result)
}

pub async fn remove_block_by_id(ctx: &Context, who: &Who, id: i64) -> Result<BlockRow, AppError> {
    let mut conn = ctx.db.conn().await?;
    let result = conn
        .transaction::<_, AppError, _>(async |conn| {
            let row = store::block_by_id(conn, id)
                .await?
                .ok_or(AppError::NotFound)?;
            store::delete_block(conn, id).await?;
            record(conn, who, ("remove_block", &row.domain, json!({}), "")).await?;
            Ok(row)
        })
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(result)
}

/// Refuses `url`'s node with 403-shaped errors, for the app's own checks
/// (follows, searches).
pub fn require_allowed(ctx: &Context, domain: Option<&str>) -> Result<(), AppError> {
    match ctx.policy.verdict_for(domain) {
        Verdict::Refuse => Err(AppError::Forbidden(format!(
            "this node does not federate with {}",
            domain.unwrap_or_default()
        ))),
        Verdict::Federate(_) => Ok(()),
    }
}

/// Reading the stored rules, for the admin API and console.
pub mod stored {
    use moot_db::domain_rules::{self as store, AllowRow, BlockRow};

    use crate::{AppError, Context};

    /// The node's own allows (not those of subscribed lists).
    pub async fn allows(ctx: &Context) -> Result<Vec<AllowRow>, AppError> {
        let mut conn = ctx.db.conn().await?;
        Ok(store::local_allows(&mut conn).await?)
    }

    pub async fn allow(ctx: &Context, id: i64) -> Result<AllowRow, AppError> {
        let mut conn = ctx.db.conn().await?;
        store::allow_by_id(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The node's own blocks (not those of subscribed lists).
    pub async fn blocks(ctx: &Context) -> Result<Vec<BlockRow>, AppError> {
        let mut conn = ctx.db.conn().await?;
        Ok(store::local_blocks(&mut conn).await?)
    }

    pub async fn block(ctx: &Context, id: i64) -> Result<BlockRow, AppError> {
        let mut conn = ctx.db.conn().await?;
        store::block_by_id(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The node's own block of `domain`, if any.
    pub async fn block_of(ctx: &Context, domain: &str) -> Result<Option<BlockRow>, AppError> {
        let mut conn = ctx.db.conn().await?;
        Ok(store::local_block(&mut conn, domain).await?)
    }

    /// Every block in force, subscribed lists' included.
    pub async fn effective_blocks(ctx: &Context) -> Result<Vec<BlockRow>, AppError> {
        let mut conn = ctx.db.conn().await?;
        Ok(store::effective_blocks(&mut conn).await?)
    }
}
