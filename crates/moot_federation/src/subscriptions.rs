//! Fetches subscribed domain lists when they fall due, with the guarded
//! client (no private addresses unless allowed, timeouts, a size cap).

use std::time::Duration;

use moot_app::Context;

/// How often due subscriptions are looked for.
const CHECK_EVERY: Duration = Duration::from_secs(5);
/// The largest list accepted.
const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;

pub fn spawn(ctx: Context) -> tokio::task::JoinHandle<()> {
    let client = crate::client::build(&ctx.settings);
    tokio::spawn(async move {
        loop {
            match moot_app::domain_subscriptions::due(&ctx).await {
                Ok(due) => {
                    for sub in due {
                        refresh(&ctx, &client, &sub).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "reading domain-list subscriptions failed"),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    })
}

async fn refresh(
    ctx: &Context,
    client: &reqwest::Client,
    sub: &moot_db::domain_rules::Subscription,
) {
    let fetched = fetch(client, &sub.url).await;
    let outcome = match fetched {
        Ok(text) => moot_app::domain_subscriptions::apply_fetched(ctx, sub, &text)
            .await
            .map(|(added, removed)| tracing::info!(url = %sub.url, added, removed, "domain list refreshed")),
        Err(e) => moot_app::domain_subscriptions::failed(ctx, sub, &e).await,
    };
    if let Err(e) = outcome {
        tracing::warn!(url = %sub.url, error = %e, "domain list not applied; the previous entries stay");
    }
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("answered {}", response.status()));
    }
    let body = crate::client::read_capped(response, MAX_LIST_BYTES).await?;
    String::from_utf8(body).map_err(|_| "not UTF-8 text".to_owned())
}
