//! Rate limits on the client API and OAuth endpoints: per access token, or
//! per IP address for requests without one, with Mastodon's
//! `X-RateLimit-Limit`, `-Remaining` and `-Reset` headers on every answer
//! and 429 with `Retry-After` past the limit. Allowances refill evenly
//! over the window (a token bucket), so a client that paces itself is
//! never refused.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use moot_core::client_address::{client_address, trusted_proxies};
use moot_core::settings::RateLimitSettings;

use crate::errors::ApiError;

type Limiter<K> = DefaultKeyedRateLimiter<K, StateInformationMiddleware>;

/// One process's allowances.
pub struct RateLimits {
    per_token: Limiter<u64>,
    per_ip: Limiter<IpAddr>,
    settings: RateLimitSettings,
    trusted: Vec<IpAddr>,
}

fn quota(limit: u32, window_secs: u32) -> Quota {
    let limit = NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN);
    let refill = Duration::from_secs(u64::from(window_secs)) / limit.get();
    Quota::with_period(refill.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(limit))
        .allow_burst(limit)
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Arc<RateLimits> {
        let limits = Arc::new(RateLimits {
            per_token: DefaultKeyedRateLimiter::keyed(quota(
                settings.per_token,
                settings.window_secs,
            ))
            .with_middleware(),
            per_ip: DefaultKeyedRateLimiter::keyed(quota(settings.per_ip, settings.window_secs))
                .with_middleware(),
            settings: settings.clone(),
            trusted: trusted_proxies(settings),
        });
        // Forget clients whose allowance is full again, so memory follows
        // the clients of the last window, not every client ever seen.
        let weak = Arc::downgrade(&limits);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let Some(limits) = weak.upgrade() else { break };
                limits.per_token.retain_recent();
                limits.per_token.shrink_to_fit();
                limits.per_ip.retain_recent();
                limits.per_ip.shrink_to_fit();
            }
        });
        limits
    }
}

/// Whose allowance a request spends: its token's (hashed, never kept), or
/// its address's.
enum Client {
    Token(u64),
    Address(IpAddr),
}

fn client_of(req: &ServiceRequest) -> Option<Client> {
    if let Some(token) = crate::auth::bearer_token(req.request()) {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        token.hash(&mut hasher);
        return Some(Client::Token(hasher.finish()));
    }
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    Some(Client::Address(client_address(
        peer,
        forwarded,
        &trusted(req),
    )))
}

fn trusted(req: &ServiceRequest) -> Vec<IpAddr> {
    req.app_data::<web::Data<Arc<RateLimits>>>()
        .map(|l| l.trusted.clone())
        .unwrap_or_default()
}

/// `X-RateLimit-*` values: (limit, remaining, seconds until full again).
struct Standing {
    limit: u32,
    remaining: u32,
    reset_secs: u64,
}

fn check(limits: &RateLimits, client: &Client) -> Result<Standing, (Standing, Duration)> {
    let (result, limit) = match client {
        Client::Token(key) => (limits.per_token.check_key(key), limits.settings.per_token),
        Client::Address(ip) => (limits.per_ip.check_key(ip), limits.settings.per_ip),
    };
    let per_request = f64::from(limits.settings.window_secs) / f64::from(limit.max(1));
    match result {
        Ok(snapshot) => {
            let remaining = snapshot.remaining_burst_capacity();
            Ok(Standing {
                limit,
                remaining,
                reset_secs: (f64::from(limit - remaining.min(limit)) * per_request).ceil() as u64,
            })
        }
        Err(refused) => {
            let wait = refused.wait_time_from(DefaultClock::default().now());
            Err((
                Standing {
                    limit,
                    remaining: 0,
                    reset_secs: (f64::from(limit) * per_request).ceil() as u64,
                },
                wait,
            ))
        }
    }
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, standing: &Standing) {
    let reset = chrono::Utc::now() + chrono::Duration::seconds(standing.reset_secs as i64);
    for (name, value) in [
        ("x-ratelimit-limit", standing.limit.to_string()),
        ("x-ratelimit-remaining", standing.remaining.to_string()),
        ("x-ratelimit-reset", crate::presenter::timestamp(reset)),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// Whether a path is the client API's (ActivityPub, pages and health
/// checks are not limited here).
fn limited(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/oauth/")
}

/// The middleware: spends the client's allowance, refuses past it.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limits = req.app_data::<web::Data<Arc<RateLimits>>>().cloned();
    let standing = match (&limits, limited(req.path())) {
        (Some(limits), true) if limits.settings.enabled => {
            client_of(&req).map(|client| check(limits, &client))
        }
        _ => None,
    };
    match standing {
        Some(Err((standing, wait))) => {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests").error_response();
            set_headers(response.headers_mut(), &standing);
            let retry = wait.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&retry) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            Ok(req.into_response(response).map_into_right_body())
        }
        Some(Ok(standing)) => {
            let mut response = next.call(req).await?;
            set_headers(response.headers_mut(), &standing);
            Ok(response.map_into_left_body())
        }
        None => Ok(next.call(req).await?.map_into_left_body()),
    }
}
