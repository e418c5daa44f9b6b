//! `moot serve`: the node's main loop.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context as _;
use moot_app::Context;
use moot_core::Settings;
use moot_server::build_server;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::database::{self, Role};

/// Runs the node; with `deliver` false, its HTTP side only (another process
/// runs `moot deliver`).
pub async fn run(settings: Settings, deliver: bool) -> anyhow::Result<()> {
    if !settings.server.tls && !settings.hostname_is_local() {
        tracing::warn!(
            hostname = %settings.server.hostname,
            "serving a public hostname without server.tls: ids will be http:// and most \
             of the fediverse will refuse to federate; set server.tls = true behind TLS"
        );
    }
    let open = database::open(&settings, Role::Node).await?;
    let address = format!("{}:{}", settings.server.bind, settings.server.port);
    let listener = match listen(&address, settings.server.listen_backlog) {
        Ok(listener) => listener,
        Err(e) => {
            open.close().await?;
            return Err(e)
                .with_context(|| format!("cannot listen on {address} (server.bind, server.port)"));
        }
    };
    let public_url = settings.public_url();
    let settings = Arc::new(settings);
    let ctx = Context::new(open.db.clone(), settings.clone());
    let rules = moot_app::domain_policy::start_watching(&ctx).await?;
    let lists = moot_federation::subscriptions::spawn(ctx.clone());
    let follow_resends = moot_app::follows::spawn_resends(ctx.clone());
    let scheduled = moot_app::scheduled::spawn(ctx.clone());
    let streams = moot_app::streaming::start(&ctx);
    let read_cache = moot_app::read_cache::start(&ctx);
    ctx.received_posts.start(&ctx);
    let federation = moot_federation::config::build(ctx.clone()).await?;
    let directories = moot_federation::sector_directory::spawn(federation.clone());
    let pruner = moot_app::peering::spawn_pruner(ctx.clone());
    let delivery =
        deliver.then(|| moot_federation::delivery::spawn(ctx.clone(), Default::default()));
    let server = build_server(listener, ctx, federation)?;
    let handle = server.handle();
    let mut signals = ShutdownSignals::install()?;
    actix_web::rt::spawn(async move {
        signals.next().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let graceful = handle.stop(true);
        // A second signal means "now".
        tokio::select! {
            _ = graceful => {}
            _ = signals.next() => {
                tracing::warn!("second signal: stopping at once");
                handle.stop(false).await;
            }
        }
    });
    tracing::info!(%address, %public_url, version = env!("CARGO_PKG_VERSION"), "Moot is listening");
    let served = server.await;
    if let Some(delivery) = delivery {
        delivery.abort();
    }
    rules.abort();
    lists.abort();
    directories.abort();
    pruner.abort();
    follow_resends.abort();
    scheduled.abort();
    streams.abort();
    read_cache.abort();
    open.close().await?;
    tracing::info!("stopped");
    served.context("HTTP server")
}

/// SIGINT (Ctrl-C) and SIGTERM (systemd, Kubernetes), installed once so that
/// a second signal is told apart from the first.
struct ShutdownSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl ShutdownSignals {
    fn install() -> anyhow::Result<Self> {
        Ok(ShutdownSignals {
            interrupt: signal(SignalKind::interrupt()).context("installing the SIGINT handler")?,
            terminate: signal(SignalKind::terminate()).context("installing the SIGTERM handler")?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// `moot deliver --shard I/N`: a delivery worker only, for the peers of its
/// shard, until SIGINT or SIGTERM.
pub async fn deliver(
    settings: Settings,
    shard: moot_federation::delivery::Shard,
) -> anyhow::Result<()> {
    let open = database::open(&settings, Role::Tool).await?;
    let ctx = Context::new(open.db.clone(), Arc::new(settings));
    let _rules = moot_app::domain_policy::start_watching(&ctx).await?;
    let worker = moot_federation::delivery::spawn(ctx, shard);
    tracing::info!(
        shard = format!("{}/{}", shard.index, shard.count),
        "delivering"
    );
    ShutdownSignals::install()?.next().await;
    worker.abort();
    open.close().await
}

/// Listens on `address` with room for `backlog` connections waiting to be
/// accepted (the standard library's 128 overflowed under a burst: dropped
/// connections were retried by clients only a second or three later).
fn listen(address: &str, backlog: u32) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(address)?;
    socket2::SockRef::from(&listener).listen(backlog.try_into().unwrap_or(i32::MAX))?;
    Ok(listener)
}
