//! Structured logs through `tracing`: human-readable or JSON lines.

use anyhow::Context;
use moot_core::settings::{LogFormat, Settings};
use tracing_subscriber::EnvFilter;

/// Fails (naming the key) if `log.level` is not a valid filter.
pub fn check_level(settings: &Settings) -> anyhow::Result<()> {
    EnvFilter::try_new(&settings.log.level)
        .map(|_| ())
        .with_context(|| {
            format!(
                "config key `log.level`: `{}` is not a valid log filter",
                settings.log.level
            )
        })
}

/// Installs the global subscriber; `RUST_LOG`, if set, wins over `log.level`.
/// Short commands (`quiet`) log only warnings, so their output stays readable.
pub fn init(settings: &Settings, quiet: bool) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.is_empty() => {
            EnvFilter::try_new(&directives).context("RUST_LOG is not a valid log filter")?
        }
        _ if quiet => EnvFilter::new("warn"),
        _ => EnvFilter::try_new(&settings.log.level)?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match settings.log.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("installing the logger: {e}"))
}
