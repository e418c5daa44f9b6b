//! The connection pool, start-up connection checks and migrations.

use std::time::Duration;

use diesel::result::Error as DieselError;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use futures_util::StreamExt;

/// The SQL migrations of the top-level `migrations/` folder, built in.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to PostgreSQL at {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database connection pool: {0}")]
    Pool(String),
    #[error(transparent)]
    Query(#[from] DieselError),
}

impl From<PoolError> for DbError {
    fn from(e: PoolError) -> Self {
        DbError::Pool(e.to_string())
    }
}

/// A handle on the node's database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Database {
    pool: DbPool,
}

impl Database {
    /// Connects once (so a wrong URL fails start-up with a clear message),
    /// then builds the pool. `url` is a PostgreSQL URL or key=value string.
    pub async fn connect(url: &str, pool_size: usize, timeout: Duration) -> Result<Self, DbError> {
        let target = describe_target(url);
        let first = tokio::time::timeout(timeout, AsyncPgConnection::establish(url))
            .await
            .map_err(|_| DbError::Connect {
                target: target.clone(),
                reason: format!("no answer within {} s", timeout.as_secs()),
            })?
            .map_err(|e| DbError::Connect {
                target: target.clone(),
                reason: e.to_string(),
            })?;
        drop(first);
        // No test query on every checkout (it doubled the round trips of a
        // timeline read): a connection that broke is marked so by the query
        // that found it out, and replaced when it comes back to the pool.
        let mut config = ManagerConfig::default();
        config.recycling_method = RecyclingMethod::Fast;
        let manager =
            AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
        let pool = Pool::builder(manager)
            .max_size(pool_size)
            .runtime(deadpool::Runtime::Tokio1)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .build()
            .map_err(|e| DbError::Pool(e.to_string()))?;
        Ok(Database { pool })
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// A pooled connection.
    pub async fn conn(&self) -> Result<DbConn, DbError> {
        Ok(self.pool.get().await?)
    }

    /// Applies every pending migration; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<String>, DbError> {
        // Diesel's migration runner is synchronous: run it on a blocking
        // thread over a connection of its own.
        let conn = Object::take(self.conn().await?);
        tokio::task::spawn_blocking(move || {
            let mut sync_conn = AsyncConnectionWrapper::<AsyncPgConnection>::from(conn);
            sync_conn
                .run_pending_migrations(MIGRATIONS)
                .map(|versions| versions.iter().map(|v| v.to_string()).collect())
                .map_err(|e| DbError::Migration(e.to_string()))
        })
        .await
        .map_err(|e| DbError::Migration(e.to_string()))?
    }

    /// LISTENs on `channel` over a connection of its own and calls `on_each`
    /// with the payload of every notification, until that connection fails
    /// (the error is returned; the caller decides when to listen again).
    pub async fn listen(&self, channel: &str, on_each: impl FnMut(&str)) -> DbError {
        self.listen_then(channel, || {}, on_each).await
    }

    /// `listen`, calling `on_listening` once the LISTEN is in force: every
    /// notification committed from then on reaches `on_each`.
    pub async fn listen_then(
        &self,
        channel: &str,
        on_listening: impl FnOnce(),
        mut on_each: impl FnMut(&str),
    ) -> DbError {
        let mut conn = match self.conn().await {
            Ok(conn) => Object::take(conn),
            Err(e) => return e,
        };
        let listen = format!("LISTEN \"{}\"", channel.replace('"', "\"\""));
        if let Err(e) = diesel::sql_query(listen).execute(&mut conn).await {
            return e.into();
        }
        on_listening();
        let mut notifications = std::pin::pin!(conn.notifications_stream());
        while let Some(notification) = notifications.next().await {
            match notification {
                Ok(notification) => on_each(&notification.payload),
                Err(e) => return e.into(),
            }
        }
        DbError::Pool(format!("the connection listening on {channel} closed"))
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn check(&self, timeout: Duration) -> Result<(), String> {
        let probe = async {
            let mut conn = self.conn().await.map_err(|e| e.to_string())?;
            diesel::sql_query("SELECT 1")
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        };
        tokio::time::timeout(timeout, probe)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} ms", timeout.as_millis())))
    }
}

/// A connection of a long-lived task's own, outside the pool, opened on
/// the task's runtime and opened again when it breaks. PostgreSQL's answers
/// on a connection are read by the runtime that opened it: a pooled one was
/// opened by whichever request first needed it, and that server thread's
/// other work delays every answer a busy task waits for.
pub struct OwnConnection {
    conn: Option<AsyncPgConnection>,
    /// Its `application_name`, which PostgreSQL shows in `pg_stat_activity`.
    name: &'static str,
}

impl OwnConnection {
    /// A connection to open when first wanted, named `name` for PostgreSQL.
    pub fn named(name: &'static str) -> Self {
        OwnConnection { conn: None, name }
    }

    /// Whether the connection broke (its server went away, or a
    /// transaction could not be rolled back).
    pub fn is_broken(&mut self) -> bool {
        use diesel_async::pooled_connection::PoolableConnection;
        self.conn.as_mut().is_some_and(|conn| conn.is_broken())
    }

    /// The connection, opened now if there is none or it broke.
    pub async fn get(&mut self, db: &Database) -> Result<&mut AsyncPgConnection, DbError> {
        use deadpool::managed::Manager;
        use diesel_async::SimpleAsyncConnection;
        if self.is_broken() {
            self.conn = None;
        }
        let conn = match self.conn.take() {
            Some(conn) => conn,
            None => {
                let mut conn = db
                    .pool
                    .manager()
                    .create()
                    .await
                    .map_err(|e| DbError::Pool(e.to_string()))?;
                let name = self.name.replace('\'', "''");
                conn.batch_execute(&format!("SET application_name = '{name}'"))
                    .await?;
                conn
            }
        };
        Ok(self.conn.insert(conn))
    }
}

/// Where a connection string points, without its password, for messages.
pub fn describe_target(url: &str) -> String {
    if url.contains("://") {
        moot_core::settings::mask_url_password(url)
    } else {
        // key=value form, as used for the embedded database's socket.
        url.split_whitespace()
            .filter(|kv| !kv.starts_with("password="))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
