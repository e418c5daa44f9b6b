//! Fetching a file another node offers (a member's file proposed to one of
//! our groups' libraries): through the guarded client, streamed to disk and
//! hashed on the way, refused past the node's upload limit.

use moot_app::media::{Received, Receiving, Refused};
use moot_app::Context;
use url::Url;

/// Why a file could not be had.
pub enum FetchFailed {
    /// The file is not one we take (too large, not there, a forbidden
    /// address): answered as a refusal.
    Refused(String),
    /// The peer could not be reached or broke off: worth trying again.
    Unreachable(String),
}

pub async fn fetch(
    ctx: &Context,
    url: &Url,
    file_name: Option<String>,
) -> Result<Received, FetchFailed> {
    if !matches!(url.scheme(), "http" | "https")
        || crate::client::is_forbidden_literal_ip(url, &ctx.settings)
    {
        return Err(FetchFailed::Refused(format!(
            "the file's address {url} is not one this node fetches"
        )));
    }
    let client = crate::client::build(&ctx.settings);
    let mut response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| FetchFailed::Unreachable(format!("fetching {url}: {e}")))?;
    let status = response.status();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(FetchFailed::Unreachable(format!("{url} answered {status}")));
    }
    if !status.is_success() {
        return Err(FetchFailed::Refused(format!("{url} answered {status}")));
    }
    let claimed = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut receiving = Receiving::start(ctx, claimed, file_name)
        .await
        .map_err(refusal)?;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => receiving.push(&chunk).await.map_err(refusal)?,
            Ok(None) => break,
            Err(e) => return Err(FetchFailed::Unreachable(format!("reading {url}: {e}"))),
        }
    }
    receiving.finish().await.map_err(refusal)
}

fn refusal(refused: Refused) -> FetchFailed {
    match refused {
        Refused::TooLarge { max } => FetchFailed::Refused(format!(
            "the file is larger than this node takes ({max} bytes)"
        )),
        Refused::Failed(e) => FetchFailed::Unreachable(format!("storing the file: {e}")),
    }
}
