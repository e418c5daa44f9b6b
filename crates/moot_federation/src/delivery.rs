//! Delivery workers: read the outbox, sign with openssl, POST to peers.
//!
//! Each peer is leased by one worker at a time and its activities are sent
//! in outbox order; progress is saved after each activity, so a crash or
//! restart resumes where it stopped. Network errors, 5xx and 429 are retried
//! with capped exponential back-off; other 4xx answers are final.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use moot_app::Context;
use moot_core::urls::Urls;
use moot_db::outbox::{self, Peer, PendingDelivery};
use reqwest::header::{CONTENT_TYPE, DATE};
use reqwest::StatusCode;
use tokio::task::JoinSet;
use url::Url;

use crate::signing::{self, KeyCache};

/// How often an idle worker looks for work.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Peers delivered to at once by one process.
const PEERS_AT_ONCE: i64 = 16;
/// How long a worker owns a peer's stream before another may take it over.
const LEASE_SECS: i64 = 120;
/// Activities read per round trip for one peer.
const BATCH: i64 = 32;
const MAX_BACKOFF_SECS: i64 = 3600;
/// A peer failing this long is dead (skipped but for rare probes).
const DEAD_AFTER: chrono::Duration = chrono::Duration::days(3);
/// How often a dead peer is probed.
const DEAD_RETRY_SECS: i64 = 6 * 3600;

/// What came of one POST.
enum Outcome {
    Delivered,
    /// The peer refused it for good (4xx other than 429): logged and skipped.
    Refused(StatusCode),
    /// Try again later (no sooner than `after` seconds, if the peer said so).
    Retry {
        reason: String,
        after: Option<i64>,
    },
}

pub struct DeliveryWorker {
    ctx: Context,
    client: reqwest::Client,
    keys: KeyCache,
    shard: Shard,
}

/// Which peers a worker process owns: those whose id is `index` modulo
/// `count`. The default, 0 of 1, is all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: i64,
    pub count: i64,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N`, e.g. `0/2` and `1/2` for two workers.
    fn from_str(raw: &str) -> Result<Self, String> {
        let bad = || format!("`{raw}` is not a shard like 0/2 (index/count, index below count)");
        let (index, count) = raw.split_once('/').ok_or_else(bad)?;
        let (index, count): (i64, i64) = (
            index.trim().parse().map_err(|_| bad())?,
            count.trim().parse().map_err(|_| bad())?,
        );
        if !(1..=1024).contains(&count) || !(0..count).contains(&index) {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// How often old outbox rows and received ids are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Starts the delivery loop for `shard` on the current runtime.
pub fn spawn(ctx: Context, shard: Shard) -> tokio::task::JoinHandle<()> {
    let worker = Arc::new(DeliveryWorker {
        client: crate::client::build(&ctx.settings),
        ctx,
        keys: KeyCache::default(),
        shard,
    });
    if shard.index == 0 {
        let pruner = worker.clone();
        tokio::spawn(async move { pruner.prune_forever().await });
    }
    tokio::spawn(async move { worker.run().await })
}

impl DeliveryWorker {
    async fn run(self: Arc<Self>) {
        loop {
            let peers = match self.lease().await {
                Ok(peers) => peers,
                Err(e) => {
                    tracing::warn!(error = %e, "delivery: cannot read the outbox");
                    Vec::new()
                }
            };
            if peers.is_empty() {
                tokio::time::sleep(POLL_INTERVAL).await;
                continue;
            }
            let mut running = JoinSet::new();
            for peer in peers {
                let worker = self.clone();
                running.spawn(async move { worker.deliver_to(peer).await });
            }
            while running.join_next().await.is_some() {}
        }
    }

    async fn lease(&self) -> Result<Vec<Peer>, moot_db::DbError> {
        let mut conn = self.ctx.db.conn().await?;
        let shard = (self.shard.index, self.shard.count);
        Ok(outbox::lease_due_peers(&mut conn, PEERS_AT_ONCE, LEASE_SECS, shard).await?)
    }

    /// Removes what every peer has received, once it is older than the
    /// retention period (and old received ids), every few minutes.
    async fn prune_forever(self: Arc<Self>) {
        let days = self.ctx.settings.delivery.retention_days as i32;
        loop {
            let pruned = async {
                let mut conn = self.ctx.db.conn().await?;
                Ok::<_, moot_db::DbError>(outbox::prune(&mut conn, days).await?)
            }
            .await;
            match pruned {
                Ok((0, 0)) => {}
                Ok((activities, ids)) => {
                    tracing::info!(activities, ids, "pruned delivered activities")
                }
                Err(e) => tracing::warn!(error = %e, "pruning the outbox failed"),
            }
            tokio::time::sleep(PRUNE_EVERY).await;
        }
    }

    /// Sends the peer's backlog in order until it is empty or a send fails.
    async fn deliver_to(&self, mut peer: Peer) {
        let result: Result<(), moot_db::DbError> = async {
            loop {
                let batch = {
                    let mut conn = self.ctx.db.conn().await?;
                    outbox::next_for_peer(&mut conn, &peer, BATCH).await?
                };
                if batch.is_empty() {
                    break;
                }
                // A short batch is the end of the backlog as it stood: the
                // last delivery's progress and the lease's release go in one
                // statement (anything queued since is picked up by a new lease).
                let ends_backlog = batch.len() < BATCH as usize;
                let count = batch.len();
                for (i, delivery) in batch.into_iter().enumerate() {
                    match self.send(&delivery).await {
                        Outcome::Delivered => {}
                        Outcome::Refused(status) => tracing::warn!(
                            peer = %peer.domain, inbox = %delivery.inbox_url, %status,
                            "delivery refused by the peer; not retrying"
                        ),
                        Outcome::Retry { reason, after } => {
                            let failing_for = peer.failing_since.map(|t| Utc::now() - t);
                            let delay = retry_delay(peer.attempts, after, failing_for);
                            tracing::info!(peer = %peer.domain, %reason, retry_in_secs = delay, "delivery failed");
                            let mut conn = self.ctx.db.conn().await?;
                            let retry_at = Utc::now() + chrono::Duration::seconds(delay);
                            outbox::mark_failed(&mut conn, peer.id, retry_at).await?;
                            return Ok(());
                        }
                    }
                    let mut conn = self.ctx.db.conn().await?;
                    if ends_backlog && i + 1 == count {
                        outbox::mark_delivered_and_release(&mut conn, peer.id, delivery.outbox_id).await?;
                        return Ok(());
                    }
                    outbox::mark_delivered(&mut conn, peer.id, delivery.outbox_id).await?;
                    peer.last_delivered_id = delivery.outbox_id;
                    peer.attempts = 0;
                }
            }
            let mut conn = self.ctx.db.conn().await?;
            outbox::release(&mut conn, peer.id).await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(peer = %peer.domain, error = %e, "delivery: database error; the lease will expire");
        }
    }

    async fn send(&self, delivery: &PendingDelivery) -> Outcome {
        let Ok(inbox) = Url::parse(&delivery.inbox_url) else {
            return Outcome::Refused(StatusCode::BAD_REQUEST);
        };
        if !crate::policy::allows(&self.ctx.settings, &inbox) {
            // Blocked since it was queued: dropped, never sent.
            return Outcome::Refused(StatusCode::FORBIDDEN);
        }
        let Some(pem) = &delivery.actor_private_key_pem else {
            tracing::error!(
                actor = delivery.actor_id,
                "delivery: the sending actor has no private key"
            );
            return Outcome::Refused(StatusCode::BAD_REQUEST);
        };
        let key = match self.keys.get_or_parse(delivery.actor_id, pem) {
            Ok(key) => key,
            Err(e) => {
                return Outcome::Retry {
                    reason: format!("parsing the signing key: {e}"),
                    after: None,
                }
            }
        };
        let key_id = Urls::main_key(&self.ctx.urls.person(&delivery.actor_username));
        let body = delivery.body.as_bytes();
        let signed = match signing::sign_post(&key, &key_id, &inbox, body) {
            Ok(signed) => signed,
            Err(e) => {
                return Outcome::Retry {
                    reason: format!("signing: {e}"),
                    after: None,
                }
            }
        };
        let started = std::time::Instant::now();
        let response = self
            .client
            .post(inbox)
            .header(CONTENT_TYPE, "application/activity+json")
            .header(DATE, signed.date)
            .header("digest", signed.digest)
            .header("signature", signed.signature)
            .body(delivery.body.clone())
            .send()
            .await;
        crate::metrics::delivery()
            .latency
            .observe(started.elapsed().as_secs_f64());
        let outcome = match response {
            Ok(r) if r.status().is_success() => Outcome::Delivered,
            Ok(r)
                if r.status() == StatusCode::TOO_MANY_REQUESTS || r.status().is_server_error() =>
            {
                let after = r
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after_secs);
                Outcome::Retry {
                    reason: format!("peer answered {}", r.status()),
                    after,
                }
            }
            Ok(r) => Outcome::Refused(r.status()),
            Err(e) => Outcome::Retry {
                reason: e.to_string(),
                after: None,
            },
        };
        let label = match &outcome {
            Outcome::Delivered => "delivered",
            Outcome::Refused(_) => "refused",
            Outcome::Retry { .. } => "retried",
        };
        crate::metrics::delivery()
            .attempts
            .get_or_create(&crate::metrics::OutcomeLabel { outcome: label })
            .inc();
        outcome
    }
}

/// Seconds to wait after `attempts` failures: doubling from 1 s, capped at
/// an hour, with up to 25 % jitter so peers coming back are not stampeded;
/// never sooner than the peer's `Retry-After` (itself capped at a day). A
/// peer failing for longer than `DEAD_AFTER` is dead: tried only every
/// `DEAD_RETRY_SECS` until it answers, then it catches up from its progress.
fn retry_delay(
    attempts: i32,
    retry_after: Option<i64>,
    failing_for: Option<chrono::Duration>,
) -> i64 {
    if failing_for.is_some_and(|f| f > DEAD_AFTER) {
        return DEAD_RETRY_SECS;
    }
    let base = (1i64 << attempts.clamp(0, 12)).min(MAX_BACKOFF_SECS);
    let jittered = base + (rand::random::<f64>() * base as f64 * 0.25) as i64;
    jittered.max(retry_after.unwrap_or(0).min(86_400))
}

/// `Retry-After` as seconds: delta-seconds or an HTTP date.
fn retry_after_secs(value: &str) -> Option<i64> {
    if let Ok(secs) = value.trim().parse::<i64>() {
        return Some(secs.max(0));
    }
    let when = httpdate::parse_http_date(value.trim()).ok()?;
    let secs = when
        .duration_since(std::time::SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Some(secs as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_is_capped_and_honours_retry_after() {
        let first = retry_delay(0, None, None);
        assert!((1..=2).contains(&first), "{first}");
        let sixth = retry_delay(5, None, None);
        assert!((32..=40).contains(&sixth), "{sixth}");
        let late = retry_delay(30, None, None);
        assert!((3600..=4500).contains(&late), "{late}");
        assert_eq!(retry_delay(0, Some(120), None), 120);
        assert_eq!(retry_delay(0, Some(10_000_000), None), 86_400);
        let dead = retry_delay(3, None, Some(chrono::Duration::days(4)));
        assert_eq!(dead, DEAD_RETRY_SECS);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_secs("30"), Some(30));
        assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(retry_after_secs("soon"), None);
    }
}
