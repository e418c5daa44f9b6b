//! Sends queued Web Pushes to apps' push services, with the discipline of
//! deliveries to peers: claimed from a durable queue (so a restart loses
//! nothing and several processes may send), through the one guarded HTTP
//! client, retried with back-off, and a subscription dropped as soon as
//! its push service says it is gone (404 or 410). The rules of what is
//! pushed and how it is sealed are `moot_app::push`'s.

use std::time::Duration;

use chrono::Utc;
use moot_app::push::Vapid;
use moot_app::Context;
use moot_db::push::Due;
use reqwest::StatusCode;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// Pushes claimed at once.
const BATCH: i64 = 32;
/// How long a claim holds before another sender may take the push again.
const LEASE_SECS: i32 = 60;
/// Tries before a push is given up.
const MOST_ATTEMPTS: i32 = 8;
/// The first retry's wait; doubled each time, up to `MAX_BACKOFF_SECS`.
const FIRST_BACKOFF_SECS: i64 = 10;
const MAX_BACKOFF_SECS: i64 = 3600;
/// Polling covers notifications missed while not listening.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// What became of one push.
enum Outcome {
    /// Sent, or nothing to send any more.
    Done,
    /// The push service no longer knows the subscription.
    Gone,
    /// Worth another try later.
    Retry,
}

/// Sends pushes until dropped (the delivery worker runs it beside its own
/// loop, in the processes that deliver).
pub async fn run(ctx: Context) {
    {
        let wake = std::sync::Arc::new(Notify::new());
        // The listener stops with the loop (aborting it drops this set).
        let mut helpers = JoinSet::new();
        {
            let ctx = ctx.clone();
            let wake = wake.clone();
            helpers.spawn(async move {
                loop {
                    let error = ctx
                        .db
                        .listen(moot_db::push::CHANNEL, |_| wake.notify_one())
                        .await;
                    tracing::warn!(%error, "push: not listening for new pushes; polling");
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
            });
        }
        let client = crate::client::build(&ctx.settings);
        loop {
            match send_due(&ctx, &client).await {
                // A full batch: more may be waiting.
                Ok(claimed) if claimed as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "push: sending failed; trying again"),
            }
            let _ = tokio::time::timeout(POLL_INTERVAL, wake.notified()).await;
        }
    }
}

/// Sends one batch of due pushes at once; how many were claimed.
async fn send_due(ctx: &Context, client: &reqwest::Client) -> anyhow::Result<usize> {
    let claimed = {
        let mut conn = ctx.db.conn().await?;
        moot_db::push::claim(&mut conn, BATCH, LEASE_SECS).await?
    };
    if claimed.is_empty() {
        return Ok(0);
    }
    let vapid = moot_app::push::vapid(ctx).await?;
    let mut sending = JoinSet::new();
    for due in claimed.iter().cloned() {
        let (ctx, client, vapid) = (ctx.clone(), client.clone(), vapid.clone());
        sending.spawn(async move {
            let outcome = send_one(&ctx, &client, &vapid, &due).await;
            (due, outcome)
        });
    }
    let mut finished = Vec::new();
    let mut conn = ctx.db.conn().await?;
    while let Some(joined) = sending.join_next().await {
        let Ok((due, outcome)) = joined else { continue };
        match outcome {
            Outcome::Done => finished.push(due.delivery_id),
            Outcome::Gone => {
                tracing::info!(endpoint = %due.endpoint, "push: subscription gone; removed");
                moot_db::push::drop_subscription(&mut conn, due.subscription_id).await?;
            }
            Outcome::Retry if due.attempts >= MOST_ATTEMPTS => {
                tracing::warn!(endpoint = %due.endpoint, "push: given up after {MOST_ATTEMPTS} tries");
                finished.push(due.delivery_id);
            }
            Outcome::Retry => {
                let wait =
                    (FIRST_BACKOFF_SECS << (due.attempts - 1).clamp(0, 20)).min(MAX_BACKOFF_SECS);
                let at = Utc::now() + chrono::Duration::seconds(wait);
                moot_db::push::retry_at(&mut conn, due.delivery_id, at).await?;
            }
        }
    }
    moot_db::push::finish(&mut conn, &finished).await?;
    Ok(claimed.len())
}

async fn send_one(ctx: &Context, client: &reqwest::Client, vapid: &Vapid, due: &Due) -> Outcome {
    if !due.token_live {
        return Outcome::Gone;
    }
    let Ok(endpoint) = url::Url::parse(&due.endpoint) else {
        return Outcome::Gone;
    };
    if crate::client::is_forbidden_literal_ip(&endpoint, &ctx.settings) {
        tracing::warn!(endpoint = %due.endpoint, "push: endpoint at a private address; removed");
        return Outcome::Gone;
    }
    let payload = match moot_app::push::payload(ctx, due).await {
        Ok(Some(payload)) => payload,
        Ok(None) => return Outcome::Done,
        Err(error) => {
            tracing::warn!(%error, "push: reading the notification");
            return Outcome::Retry;
        }
    };
    let json = serde_json::to_vec(&payload).expect("a payload serializes");
    let sealed = match moot_app::push::seal(ctx, vapid, due, &json) {
        Ok(sealed) => sealed,
        Err(error) => {
            // The app's key is not a usable P-256 point: no try will do.
            tracing::warn!(%error, endpoint = %due.endpoint, "push: cannot seal; removed");
            return Outcome::Gone;
        }
    };
    let mut request = client.post(endpoint).body(sealed.body);
    for (name, value) in sealed.headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Done,
        Ok(response) => match response.status() {
            StatusCode::NOT_FOUND | StatusCode::GONE => Outcome::Gone,
            StatusCode::TOO_MANY_REQUESTS => Outcome::Retry,
            status if status.is_server_error() => Outcome::Retry,
            status => {
                // 400, 401, 403, 413 ...: this push will never be taken.
                tracing::warn!(endpoint = %due.endpoint, %status, "push: refused");
                Outcome::Done
            }
        },
        Err(error) => {
            tracing::debug!(%error, endpoint = %due.endpoint, "push: not reached");
            Outcome::Retry
        }
    }
}
