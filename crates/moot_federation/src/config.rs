//! The activitypub_federation configuration for this node.

use activitypub_federation::config::{FederationConfig, UrlVerifier};
use activitypub_federation::error::Error as ProtocolError;
use async_trait::async_trait;
use moot_app::Context;
use url::Url;

use crate::objects::actor::ApActor;

/// The federation library's hook into our policy: called before any fetch
/// and on every received activity's id.
#[derive(Clone)]
pub struct Policy {
    ctx: Context,
}

#[async_trait]
impl UrlVerifier for Policy {
    async fn verify(&self, url: &Url) -> Result<(), ProtocolError> {
        check_url(&self.ctx, url)
    }
}

/// Plain http is for nodes without TLS and for local testing.
fn http_allowed(settings: &moot_core::Settings) -> bool {
    !settings.server.tls || settings.federation.allow_private_addresses
}

/// Whether this node may deal with `url` at all: its scheme, its address
/// and the federation policy for its domain.
pub fn check_url(ctx: &Context, url: &Url) -> Result<(), ProtocolError> {
    check_address(ctx, url)?;
    if !ctx.policy.allows(url) {
        return Err(ProtocolError::UrlVerificationError(
            "domain blocked by this node's federation policy",
        ));
    }
    Ok(())
}

/// Whether `url`'s scheme and address may be fetched (the policy aside).
pub fn check_address(ctx: &Context, url: &Url) -> Result<(), ProtocolError> {
    let settings = &ctx.settings;
    match url.scheme() {
        "https" => {}
        "http" if http_allowed(settings) => {}
        _ => return Err(ProtocolError::UrlVerificationError("scheme not allowed")),
    }
    if crate::client::is_forbidden_literal_ip(url, settings) {
        return Err(ProtocolError::UrlVerificationError("private address"));
    }
    Ok(())
}

pub async fn build(ctx: Context) -> anyhow::Result<FederationConfig<Context>> {
    let settings = ctx.settings.clone();
    let remote = ctx.remote.clone();
    let instance_actor = ApActor::instance_actor(&ctx).await?;
    let local_testing = settings.federation.allow_private_addresses;
    let config = FederationConfig::builder()
        .domain(settings.server.hostname.clone())
        .app_data(ctx.clone())
        .client(crate::client::build(&settings).into())
        .url_verifier(Box::new(Policy { ctx }))
        .debug(local_testing)
        .allow_http_urls(http_allowed(&settings))
        .http_fetch_limit(crate::MAX_FETCHES_PER_REQUEST)
        .request_timeout(crate::client::TIMEOUT)
        // Fetches signed over `(request-target) host date` (no `(created)`),
        // which servers in secure mode (authorized fetch) require.
        .http_signature_compat(true)
        .signed_fetch_actor(&instance_actor)
        .build()
        .await?;
    let resolver = crate::resolve::FetchingResolver {
        config: config.clone(),
        client: crate::client::build(&settings),
        settings: settings.clone(),
    };
    remote.set(std::sync::Arc::new(resolver));
    Ok(config)
}
