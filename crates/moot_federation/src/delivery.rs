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

/// What came of one POST.
enum Outcome {
    Delivered,
    /// The peer refused it for good (4xx other than 429): logged and skipped.
    Refused(StatusCode),
    /// Try again later.
    Retry(String),
}

pub struct DeliveryWorker {
    ctx: Context,
    client: reqwest::Client,
    keys: KeyCache,
}

/// Starts the delivery loop on the current runtime.
pub fn spawn(ctx: Context) -> tokio::task::JoinHandle<()> {
    let worker = Arc::new(DeliveryWorker {
        client: crate::client::build(&ctx.settings),
        ctx,
        keys: KeyCache::default(),
    });
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
        Ok(outbox::lease_due_peers(&mut conn, PEERS_AT_ONCE, LEASE_SECS).await?)
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
                for delivery in batch {
                    match self.send(&delivery).await {
                        Outcome::Delivered => {}
                        Outcome::Refused(status) => tracing::warn!(
                            peer = %peer.domain, inbox = %delivery.inbox_url, %status,
                            "delivery refused by the peer; not retrying"
                        ),
                        Outcome::Retry(reason) => {
                            let delay = backoff_secs(peer.attempts);
                            tracing::info!(peer = %peer.domain, %reason, retry_in_secs = delay, "delivery failed");
                            let mut conn = self.ctx.db.conn().await?;
                            let retry_at = Utc::now() + chrono::Duration::seconds(delay);
                            outbox::mark_failed(&mut conn, peer.id, retry_at).await?;
                            outbox::release(&mut conn, peer.id).await?;
                            return Ok(());
                        }
                    }
                    let mut conn = self.ctx.db.conn().await?;
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
            Err(e) => return Outcome::Retry(format!("parsing the signing key: {e}")),
        };
        let key_id = Urls::main_key(&self.ctx.urls.person(&delivery.actor_username));
        let body = delivery.body.as_bytes();
        let signed = match signing::sign_post(&key, &key_id, &inbox, body) {
            Ok(signed) => signed,
            Err(e) => return Outcome::Retry(format!("signing: {e}")),
        };
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
        match response {
            Ok(r) if r.status().is_success() => Outcome::Delivered,
            Ok(r)
                if r.status() == StatusCode::TOO_MANY_REQUESTS || r.status().is_server_error() =>
            {
                Outcome::Retry(format!("peer answered {}", r.status()))
            }
            Ok(r) => Outcome::Refused(r.status()),
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}

/// Seconds to wait after `attempts` failures: doubling from 1 s, capped at
/// an hour, with up to 25 % jitter so peers coming back are not stampeded.
fn backoff_secs(attempts: i32) -> i64 {
    let base = 1i64 << attempts.clamp(0, 12);
    let capped = base.min(MAX_BACKOFF_SECS);
    capped + (rand_jitter() * capped as f64 * 0.25) as i64
}

fn rand_jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    f64::from(nanos % 1000) / 1000.0
}
