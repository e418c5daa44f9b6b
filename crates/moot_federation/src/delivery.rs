//! Delivery workers: read the outbox, sign with openssl, POST to peers.
//!
//! A worker leases peers (each peer is leased by one worker at a time) and
//! sends each peer's activities in outbox order, up to
//! `delivery.per_peer_concurrency` at once and `delivery.concurrency` in
//! total. Progress is saved after each batch by one writer that merges what
//! many peers report into a single statement; a crash or restart resumes
//! from the saved progress (a batch in flight may be sent again, and
//! receivers drop repeated activity ids). Workers wake on the `NOTIFY` an
//! enqueue sends and also poll. Network errors, 5xx and 429 are retried with
//! capped exponential back-off; other 4xx answers are final.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use moot_app::Context;
use moot_core::urls::Urls;
use moot_db::outbox::{self, Peer, PendingDelivery, Progress};
use openssl::pkey::{PKey, Private};
use reqwest::header::{CONTENT_TYPE, DATE};
use reqwest::StatusCode;
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::JoinSet;
use url::Url;

use crate::signing::{self, KeyCache, KeyError};

/// How often a worker looks for due work without being woken (retries
/// falling due, expired leases, a missed notification).
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How long a worker owns a peer's stream before another may take it over.
const LEASE_SECS: i64 = 120;
/// Activities read per round trip for one peer.
const BATCH: i64 = 32;
const MAX_BACKOFF_SECS: i64 = 3600;
/// How often a dead peer is probed.
const DEAD_RETRY_SECS: i64 = 6 * 3600;
/// The channel enqueue notifies.
const CHANNEL: &str = "moot_outbox";

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
    node_key: tokio::sync::OnceCell<PKey<Private>>,
    shard: Shard,
    /// Requests in flight, across every peer.
    requests: Semaphore,
    /// To the progress writer.
    progress: mpsc::UnboundedSender<Progress>,
    /// Woken by the outbox's notifications.
    wake: Notify,
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

/// Starts the delivery loop for `shard` on the current runtime, with its
/// progress writer, its notification listener and (on shard 0) the pruner.
pub fn spawn(ctx: Context, shard: Shard) -> tokio::task::JoinHandle<()> {
    let (progress, written) = mpsc::unbounded_channel();
    let delivery = &ctx.settings.delivery;
    let worker = Arc::new(DeliveryWorker {
        client: crate::client::build_for_delivery(&ctx.settings),
        requests: Semaphore::new(delivery.concurrency as usize),
        keys: KeyCache::default(),
        node_key: tokio::sync::OnceCell::new(),
        ctx,
        shard,
        progress,
        wake: Notify::new(),
    });
    tokio::spawn(async move {
        // The helpers stop with the loop (aborting it drops this set).
        let mut helpers = JoinSet::new();
        helpers.spawn(worker.clone().write_progress(written));
        helpers.spawn(worker.clone().listen());
        if shard.index == 0 {
            helpers.spawn(worker.clone().prune_forever());
            helpers.spawn(crate::push::run(worker.ctx.clone()));
        }
        worker.run().await
    })
}

impl DeliveryWorker {
    /// Leases peers while there is room, one task per peer.
    async fn run(self: Arc<Self>) {
        let slots = self.ctx.settings.delivery.concurrency as usize;
        let mut running = JoinSet::new();
        loop {
            let free = slots - running.len();
            // Lease in bulk (a quarter of the slots at least) unless idle.
            if free > 0 && (running.is_empty() || free * 4 >= slots) {
                match self.lease(free).await {
                    Ok(leased) if !leased.is_empty() => {
                        for (peer, batch) in leased {
                            let worker = self.clone();
                            running.spawn(async move { worker.deliver_to(peer, batch).await });
                        }
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "delivery: cannot read the outbox"),
                }
            }
            tokio::select! {
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    }

    /// Leases up to `limit` due peers and reads each one's first batch, in
    /// two statements.
    async fn lease(
        &self,
        limit: usize,
    ) -> Result<Vec<(Peer, Vec<PendingDelivery>)>, moot_db::DbError> {
        let mut conn = self.ctx.db.conn().await?;
        let shard = (self.shard.index, self.shard.count);
        let peers = outbox::lease_due_peers(&mut conn, limit as i64, LEASE_SECS, shard).await?;
        if peers.is_empty() {
            return Ok(Vec::new());
        }
        let after: Vec<(i64, i64)> = peers.iter().map(|p| (p.id, p.last_delivered_id)).collect();
        let mut batches: HashMap<i64, Vec<PendingDelivery>> = HashMap::new();
        for row in outbox::next_for_peers(&mut conn, &after, BATCH).await? {
            batches.entry(row.peer_id).or_default().push(row);
        }
        Ok(peers
            .into_iter()
            .map(|peer| {
                let batch = batches.remove(&peer.id).unwrap_or_default();
                (peer, batch)
            })
            .collect())
    }

    /// Wakes the loop on every notification from the outbox; listens again
    /// a few seconds after the connection fails (polling covers the gap).
    async fn listen(self: Arc<Self>) {
        loop {
            let error = self
                .ctx
                .db
                .listen(CHANNEL, |_| self.wake.notify_one())
                .await;
            tracing::warn!(error = %error, "delivery: not listening for new activities; polling");
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }

    /// Saves reported progress, merging everything waiting into one
    /// statement: the more peers finish at once, the fewer writes per peer.
    async fn write_progress(self: Arc<Self>, mut reports: mpsc::UnboundedReceiver<Progress>) {
        while let Some(first) = reports.recv().await {
            let mut merged: HashMap<i64, Progress> = HashMap::new();
            let mut add = |report: Progress| {
                merged
                    .entry(report.peer_id)
                    .and_modify(|saved| {
                        let up_to = saved.delivered_up_to.max(report.delivered_up_to);
                        *saved = Progress {
                            delivered_up_to: up_to,
                            ..report
                        };
                    })
                    .or_insert(report);
            };
            add(first);
            while let Ok(report) = reports.try_recv() {
                add(report);
            }
            let entries: Vec<Progress> = merged.into_values().collect();
            let written = async {
                let mut conn = self.ctx.db.conn().await?;
                Ok::<_, moot_db::DbError>(outbox::record_progress(&mut conn, &entries).await?)
            }
            .await;
            if let Err(e) = written {
                tracing::warn!(
                    error = %e, peers = entries.len(),
                    "delivery: saving progress failed; those peers resume from their last saved progress once their leases expire"
                );
            }
        }
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

    /// Sends the peer's backlog in order, batch by batch, until it is empty
    /// or a send fails; then reports and gives the lease back.
    async fn deliver_to(&self, mut peer: Peer, mut batch: Vec<PendingDelivery>) {
        loop {
            // A short batch is the end of the backlog as it stood; anything
            // queued since is picked up by a new lease.
            let ends_backlog = activities_in(&batch) < BATCH as usize;
            let (up_to, failure) = self.send_batch(&peer, &batch).await;
            if up_to > peer.last_delivered_id {
                peer.last_delivered_id = up_to;
                peer.attempts = 0;
                peer.failing_since = None;
            }
            if let Some((reason, after)) = failure {
                let failing_for = peer.failing_since.map(|t| Utc::now() - t);
                let dead_after =
                    chrono::Duration::hours(self.ctx.settings.delivery.dead_after_hours.into());
                let delay = retry_delay(peer.attempts, after, failing_for, dead_after);
                tracing::info!(peer = %peer.domain, %reason, retry_in_secs = delay, "delivery failed");
                let retry_at = Some(Utc::now() + chrono::Duration::seconds(delay));
                self.report(&peer, retry_at, true);
                return;
            }
            if ends_backlog {
                self.report(&peer, None, true);
                return;
            }
            self.report(&peer, None, false);
            let next = async {
                let mut conn = self.ctx.db.conn().await?;
                let after = [(peer.id, peer.last_delivered_id)];
                Ok::<_, moot_db::DbError>(outbox::next_for_peers(&mut conn, &after, BATCH).await?)
            }
            .await;
            match next {
                Ok(rows) => batch = rows,
                Err(e) => {
                    tracing::warn!(peer = %peer.domain, error = %e, "delivery: database error; the lease will expire");
                    return;
                }
            }
        }
    }

    fn report(&self, peer: &Peer, retry_at: Option<chrono::DateTime<Utc>>, release: bool) {
        let report = Progress {
            peer_id: peer.id,
            delivered_up_to: peer.last_delivered_id,
            retry_at,
            release,
        };
        // The writer lives as long as the worker.
        let _ = self.progress.send(report);
    }

    /// Sends one batch (sorted by activity), `per_peer_concurrency` rows at
    /// a time. Returns the last activity all of whose rows got an answer
    /// that ends them (delivered or refused), and the failure that stopped
    /// the batch, if one did.
    async fn send_batch(
        &self,
        peer: &Peer,
        batch: &[PendingDelivery],
    ) -> (i64, Option<(String, Option<i64>)>) {
        let window = self.ctx.settings.delivery.per_peer_concurrency as usize;
        let mut up_to = peer.last_delivered_id;
        for (w, rows) in batch.chunks(window).enumerate() {
            let outcomes =
                futures_util::future::join_all(rows.iter().map(|row| self.send(row))).await;
            for (i, outcome) in outcomes.into_iter().enumerate() {
                let index = w * window + i;
                match outcome {
                    Outcome::Delivered => {}
                    Outcome::Refused(status) => tracing::warn!(
                        peer = %peer.domain, inbox = %batch[index].inbox_url, %status,
                        "delivery refused by the peer; not retrying"
                    ),
                    Outcome::Retry { reason, after } => {
                        return (up_to, Some((reason, after)));
                    }
                }
                let this = batch[index].outbox_id;
                let next = batch.get(index + 1).map(|row| row.outbox_id);
                if next != Some(this) {
                    up_to = this;
                }
            }
        }
        (up_to, None)
    }

    async fn send(&self, delivery: &PendingDelivery) -> Outcome {
        let Ok(inbox) = Url::parse(&delivery.inbox_url) else {
            return Outcome::Refused(StatusCode::BAD_REQUEST);
        };
        let may_send = match delivery.actor_id {
            Some(_) => self.ctx.policy.allows(&inbox),
            // The node's own voice (peering) is stopped by blocks alone.
            None => !self.ctx.policy.blocks(&inbox),
        };
        if !may_send {
            // Blocked since it was queued: dropped, never sent.
            return Outcome::Refused(StatusCode::FORBIDDEN);
        }
        // A local account's key, or the node's own (its instance actor).
        let (key, actor) = match (&delivery.actor_id, &delivery.actor_username) {
            (Some(id), Some(username)) => {
                (self.signing_key(*id).await, self.ctx.urls.person(username))
            }
            _ => (self.node_key().await, self.ctx.urls.instance_actor()),
        };
        let key = match key {
            Ok(Some(key)) => key,
            Ok(None) => {
                tracing::error!(%actor, "delivery: the sending actor has no private key");
                return Outcome::Refused(StatusCode::BAD_REQUEST);
            }
            Err(reason) => {
                return Outcome::Retry {
                    reason,
                    after: None,
                }
            }
        };
        let key_id = Urls::main_key(&actor);
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
        let _permit = self.requests.acquire().await.expect("never closed");
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

    /// The node's own private key (its instance actor's), parsed once.
    async fn node_key(&self) -> Result<Option<PKey<Private>>, String> {
        self.node_key
            .get_or_try_init(|| async {
                let site = moot_app::site::instance_keys(&self.ctx.db)
                    .await
                    .map_err(|e| format!("reading the node's key: {e}"))?;
                PKey::private_key_from_pem(site.private_key_pem.as_bytes())
                    .map_err(|e| format!("parsing the node's key: {e}"))
            })
            .await
            .map(|key| Some(key.clone()))
    }

    /// The actor's parsed private key, read from the database once.
    async fn signing_key(&self, actor_id: i64) -> Result<Option<PKey<Private>>, String> {
        let read_pem = || async {
            let mut conn = self.ctx.db.conn().await?;
            Ok::<_, moot_db::DbError>(outbox::signing_key(&mut conn, actor_id).await?)
        };
        match self.keys.get_or_read(actor_id, read_pem).await {
            Ok(key) => Ok(Some(key)),
            Err(KeyError::Missing) => Ok(None),
            Err(KeyError::Failed(reason)) => Err(reason),
        }
    }
}

/// Seconds to wait after `attempts` failures: doubling from 1 s, capped at
/// an hour, with up to 25 % jitter so peers coming back are not stampeded;
/// never sooner than the peer's `Retry-After` (itself capped at a day). A
/// peer failing for longer than `dead_after` is dead: tried only every
/// `DEAD_RETRY_SECS` until it answers, then it catches up from its progress.
fn retry_delay(
    attempts: i32,
    retry_after: Option<i64>,
    failing_for: Option<chrono::Duration>,
    dead_after: chrono::Duration,
) -> i64 {
    if failing_for.is_some_and(|f| f > dead_after) {
        return DEAD_RETRY_SECS;
    }
    let base = (1i64 << attempts.clamp(0, 12)).min(MAX_BACKOFF_SECS);
    let jittered = base + (rand::random::<f64>() * base as f64 * 0.25) as i64;
    jittered.max(retry_after.unwrap_or(0).min(86_400))
}

/// How many activities a batch (sorted by activity) holds.
fn activities_in(batch: &[PendingDelivery]) -> usize {
    batch
        .windows(2)
        .filter(|pair| pair[0].outbox_id != pair[1].outbox_id)
        .count()
        + usize::from(!batch.is_empty())
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

    const DAYS3: chrono::Duration = chrono::Duration::days(3);

    #[test]
    fn back_off_doubles_is_capped_and_honours_retry_after() {
        let first = retry_delay(0, None, None, DAYS3);
        assert!((1..=2).contains(&first), "{first}");
        let sixth = retry_delay(5, None, None, DAYS3);
        assert!((32..=40).contains(&sixth), "{sixth}");
        let late = retry_delay(30, None, None, DAYS3);
        assert!((3600..=4500).contains(&late), "{late}");
        assert_eq!(retry_delay(0, Some(120), None, DAYS3), 120);
        assert_eq!(retry_delay(0, Some(10_000_000), None, DAYS3), 86_400);
        let dead = retry_delay(3, None, Some(chrono::Duration::days(4)), DAYS3);
        assert_eq!(dead, DEAD_RETRY_SECS);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_secs("30"), Some(30));
        assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(retry_after_secs("soon"), None);
    }
}
