//! Fetching a web page linked from a post, for its preview card: through the
//! guarded client (no private addresses unless allowed, no redirects), HTML
//! only, at most 1 MiB and 5 seconds; what is read past the cap is not.

use std::time::Duration;

use moot_core::pages::{summary, PageSummary};
use moot_core::Settings;
use url::Url;

/// Most bytes of a page read.
const MOST_PAGE_BYTES: usize = 1024 * 1024;
/// Longest a page may take.
const PAGE_TIMEOUT: Duration = Duration::from_secs(5);

/// What the page at `url` says about itself.
pub async fn fetch_summary(
    client: &reqwest::Client,
    settings: &Settings,
    url: &Url,
) -> Result<PageSummary, String> {
    if !matches!(url.scheme(), "http" | "https")
        || crate::client::is_forbidden_literal_ip(url, settings)
    {
        return Err(format!("{url} is not an address this node fetches"));
    }
    let read = async {
        let mut response = client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "text/html")
            .send()
            .await
            .map_err(|e| format!("fetching {url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let html = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/xhtml"));
        if !html {
            return Err(format!("{url} is not a web page"));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            body.extend_from_slice(&chunk);
            if body.len() >= MOST_PAGE_BYTES {
                body.truncate(MOST_PAGE_BYTES);
                break;
            }
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    };
    let html = tokio::time::timeout(PAGE_TIMEOUT, read)
        .await
        .map_err(|_| format!("{url} took too long"))??;
    let mut found = summary(&html);
    // A picture's address, made absolute and kept only if it is on the web.
    found.image = found
        .image
        .and_then(|image| url.join(&image).ok())
        .filter(|image| matches!(image.scheme(), "http" | "https"))
        .map(String::from);
    Ok(found)
}
