//! Opening the node's database: the configured URL, or the embedded cluster.

use std::time::Duration;

use anyhow::Context;
use moot_core::Settings;
use moot_db::embedded::{EmbeddedOptions, EmbeddedPostgres, DB_NAME};
use moot_db::Database;

/// Whether this process is the node itself or a short admin command.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `moot serve`: owns the data directory; a second node is refused.
    Node,
    /// Admin commands: use the running node's database if there is one.
    Tool,
}

/// An open database, and the embedded server behind it if we started one.
pub struct OpenDatabase {
    pub db: Database,
    pub embedded: Option<EmbeddedPostgres>,
}

impl OpenDatabase {
    /// Stops the embedded server, if this process started it.
    pub async fn close(self) -> anyhow::Result<()> {
        drop(self.db);
        if let Some(embedded) = self.embedded {
            tokio::task::spawn_blocking(move || embedded.stop())
                .await
                .context("stopping the embedded PostgreSQL")??;
        }
        Ok(())
    }
}

/// Connects (starting the embedded cluster when no URL is set) and applies
/// pending migrations.
pub async fn open(settings: &Settings, role: Role) -> anyhow::Result<OpenDatabase> {
    let timeout = Duration::from_secs(settings.database.connect_timeout_secs);
    let (url, embedded) = match settings.database_url() {
        Some(url) => (url.to_owned(), None),
        None => {
            let options = EmbeddedOptions {
                data_dir: settings.data_dir.clone(),
                bin_dir: Some(&settings.database.postgres_bin_dir)
                    .filter(|d| !d.is_empty())
                    .map(Into::into),
                server_settings: Vec::new(),
            };
            let embedded = tokio::task::spawn_blocking(move || match role {
                Role::Node => EmbeddedPostgres::start(&options),
                Role::Tool => EmbeddedPostgres::start_or_attach(&options),
            })
            .await
            .context("starting the embedded PostgreSQL")??;
            if embedded.owns_server() {
                tracing::info!(cluster = %embedded.cluster_dir().display(), "embedded PostgreSQL is running");
            }
            embedded.ensure_database(DB_NAME).await?;
            (embedded.connection_string(DB_NAME), Some(embedded))
        }
    };
    let db = Database::connect(&url, settings.database.pool_size, timeout).await?;
    let applied = db.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "database migrations applied");
    }
    Ok(OpenDatabase { db, embedded })
}

/// `moot migrate`.
pub async fn migrate_only(settings: &Settings) -> anyhow::Result<()> {
    let open = open(settings, Role::Tool).await?;
    println!("database is up to date");
    open.close().await
}
