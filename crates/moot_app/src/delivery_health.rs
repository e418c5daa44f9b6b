//! How well each peer receives what this node sends: its backlog, how far
//! behind it is, when it last took a delivery and how many attempts have
//! failed since. One reading for the admin page, the API and the command
//! line, with one rule for "failing" and "dead".

use chrono::{DateTime, Duration, Utc};
use moot_db::outbox::PeerStatus;

use crate::audit::Who;
use crate::model::Account;
use crate::{AppError, Context};

/// A peer's delivery state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ok,
    /// Deliveries fail and are being retried.
    Failing,
    /// Deliveries have failed for longer than `delivery.dead_after_hours`:
    /// retried rarely, until it answers.
    Dead,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Failing => "failing",
            State::Dead => "dead",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PeerHealth {
    pub status: PeerStatus,
    pub state: State,
    /// How long the oldest undelivered activity has waited.
    pub lag: Duration,
}

impl PeerHealth {
    /// Whether it needs an administrator's eye.
    pub fn is_troubled(&self) -> bool {
        self.state != State::Ok
    }

    fn read(status: PeerStatus, now: DateTime<Utc>, dead_after: Duration) -> PeerHealth {
        let state = match status.failing_since {
            Some(since) if now - since > dead_after => State::Dead,
            Some(_) => State::Failing,
            None => State::Ok,
        };
        let lag = status
            .oldest_undelivered
            .map_or(Duration::zero(), |t| (now - t).max(Duration::zero()));
        PeerHealth { status, state, lag }
    }
}

/// Every peer's delivery health, by domain.
pub async fn peers(ctx: &Context) -> Result<Vec<PeerHealth>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::outbox::peer_statuses(&mut conn).await?;
    Ok(read_all(found, &ctx.settings))
}

/// Reads stored statuses with the node's `dead_after_hours`.
pub fn read_all(
    found: Vec<PeerStatus>,
    settings: &moot_core::settings::Settings,
) -> Vec<PeerHealth> {
    let dead_after = Duration::hours(settings.delivery.dead_after_hours.into());
    let now = Utc::now();
    found
        .into_iter()
        .map(|s| PeerHealth::read(s, now, dead_after))
        .collect()
}

/// Makes a peer's deliveries due at once, whatever its back-off.
pub async fn retry_now(ctx: &Context, admin: &Account, domain: &str) -> Result<(), AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !moot_db::outbox::retry_now(conn, domain).await? {
            return Err(AppError::NotFound);
        }
        crate::audit::record(
            conn,
            &Who::person(&admin.username),
            "delivery.retry",
            domain,
            serde_json::json!({}),
            "",
        )
        .await
    })
    .await
}
