//! The one guarded HTTP client for every outbound request: timeouts, no
//! redirects (an object is keyed by the URL it was fetched from), and no
//! private or loopback addresses unless the configuration allows them.

use std::time::Duration;

use activitypub_federation::resolver::ValidatingDnsResolver;
use moot_core::Settings;

use crate::dns_cache::CachingResolver;
use reqwest::redirect::Policy;

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub fn user_agent(settings: &Settings) -> String {
    format!(
        "Moot/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        settings.public_url()
    )
}

pub fn build(settings: &Settings) -> reqwest::Client {
    builder(settings)
        .build()
        .expect("the HTTP client's settings are valid")
}

/// The client delivery workers share: at most `per_peer_concurrency` idle
/// connections kept per peer for reuse (the open ones are bounded by the
/// total concurrency, as each request in flight holds one).
pub fn build_for_delivery(settings: &Settings) -> reqwest::Client {
    builder(settings)
        .pool_max_idle_per_host(settings.delivery.per_peer_concurrency as usize)
        .build()
        .expect("the HTTP client's settings are valid")
}

fn builder(settings: &Settings) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(user_agent(settings))
        .redirect(Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .pool_idle_timeout(Duration::from_secs(90))
        .dns_resolver(CachingResolver::new(ValidatingDnsResolver::new(
            Vec::new(),
            !settings.federation.allow_private_addresses,
        )))
}

/// Whether a literal IP in a URL is one we must not contact (DNS names are
/// checked by the resolver at connect time).
pub fn is_forbidden_literal_ip(url: &url::Url, settings: &Settings) -> bool {
    if settings.federation.allow_private_addresses {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => {
            ip.is_private()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
        }
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        _ => false,
    }
}

/// A response's body, refused when it grows past `most` bytes (read in
/// chunks, so a large body is never held whole).
pub async fn read_capped(mut response: reqwest::Response, most: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        body.extend_from_slice(&chunk);
        if body.len() > most {
            return Err(format!("larger than {most} bytes"));
        }
    }
    Ok(body)
}
