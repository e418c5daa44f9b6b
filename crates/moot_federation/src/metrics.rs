//! Delivery metrics in Prometheus' text format: counters and a latency
//! histogram kept by this process's workers, and gauges read from the
//! database at each scrape (so every process reports the whole node's
//! backlog, whichever process delivers); and the inbox's refusals at its
//! screen, by status, so an admin sees a flood of forged requests.

use std::sync::OnceLock;

use chrono::Utc;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PeerLabel {
    peer: String,
}

/// This process's delivery counters.
pub struct DeliveryMetrics {
    /// POSTs by outcome: delivered, refused (final 4xx) or retried.
    pub attempts: Family<OutcomeLabel, Counter>,
    /// Seconds per POST to a peer's inbox.
    pub latency: Histogram,
}

pub fn delivery() -> &'static DeliveryMetrics {
    static METRICS: OnceLock<DeliveryMetrics> = OnceLock::new();
    METRICS.get_or_init(|| DeliveryMetrics {
        attempts: Family::default(),
        latency: Histogram::new(exponential_buckets(0.005, 2.0, 14)),
    })
}

/// Inbox POSTs this process refused at the screen (see `inbox_screen`),
/// by status: 401 unsigned or forged, 403 from a domain we do not
/// federate with, 503 busy.
pub fn inbox_refusals() -> &'static Family<StatusLabel, Counter> {
    static REFUSALS: OnceLock<Family<StatusLabel, Counter>> = OnceLock::new();
    REFUSALS.get_or_init(Family::default)
}

/// Renders every metric, reading the per-peer gauges from the database.
pub async fn render(ctx: &moot_app::Context) -> Result<String, moot_app::AppError> {
    let mut conn = ctx.db.conn().await?;
    let peers = moot_db::outbox::peer_statuses(&mut conn).await?;
    let mut registry = Registry::with_prefix("moot");
    let metrics = delivery();
    registry.register(
        "delivery_attempts",
        "Inbox POSTs by outcome",
        metrics.attempts.clone(),
    );
    registry.register(
        "delivery_request_seconds",
        "Time taken by inbox POSTs",
        metrics.latency.clone(),
    );
    registry.register(
        "inbox_screen_refusals",
        "Inbox POSTs refused before their body was read, by status",
        inbox_refusals().clone(),
    );
    let queued: Gauge = Gauge::default();
    queued.set(peers.iter().map(|p| p.backlog).sum());
    registry.register("outbox_queued", "Deliveries waiting, all peers", queued);
    let lag_activities = Family::<PeerLabel, Gauge>::default();
    let lag_seconds = Family::<PeerLabel, Gauge>::default();
    let failing = Family::<PeerLabel, Gauge>::default();
    let now = Utc::now();
    for peer in &peers {
        let label = PeerLabel {
            peer: peer.domain.clone(),
        };
        lag_activities.get_or_create(&label).set(peer.backlog);
        let behind = peer
            .oldest_undelivered
            .map_or(0, |t| (now - t).num_seconds().max(0));
        lag_seconds.get_or_create(&label).set(behind);
        failing
            .get_or_create(&label)
            .set(i64::from(peer.failing_since.is_some()));
    }
    registry.register(
        "peer_lag_activities",
        "Activities a peer has yet to receive",
        lag_activities,
    );
    registry.register(
        "peer_lag_seconds",
        "Age of the oldest activity a peer has yet to receive",
        lag_seconds,
    );
    registry.register(
        "peer_failing",
        "1 while deliveries to a peer are failing",
        failing,
    );
    let mut out = String::new();
    encode(&mut out, &registry)
        .map_err(|e| moot_app::AppError::Internal(anyhow::anyhow!("encoding metrics: {e}")))?;
    Ok(out)
}
