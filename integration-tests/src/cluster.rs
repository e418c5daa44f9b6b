//! The shared test cluster and per-test databases.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use moot_db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use moot_db::Database;

const TEMPLATE: &str = "moot_template";
const DIR_PREFIX: &str = "moot-test-";

struct Cluster {
    connection_base: String,
    /// `postgresql://` URL of the cluster, to which a database name is appended.
    postgres_url_base: String,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
/// Owned here so the exit hook can stop it.
static SERVER: Mutex<Option<(EmbeddedPostgres, PathBuf)>> = Mutex::new(None);
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// A database of its own for one test, migrated and empty.
pub struct TestDatabase {
    /// key=value connection string.
    pub url: String,
    /// The same as a `postgresql://` URL, as `database.url` takes it.
    pub postgres_url: String,
    pub name: String,
}

impl TestDatabase {
    /// A pool on this database.
    pub async fn connect(&self) -> Database {
        Database::connect(&self.url, 8, std::time::Duration::from_secs(10))
            .await
            .expect("connecting to the test database")
    }
}

/// Creates a fresh database from the migrated template.
pub async fn fresh_database() -> TestDatabase {
    let cluster = cluster();
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let admin = admin_client(&cluster.connection_base).await;
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .await
        .expect("creating a test database");
    TestDatabase {
        url: format!("{} dbname={name}", cluster.connection_base),
        postgres_url: format!("{}{name}", cluster.postgres_url_base),
        name,
    }
}

/// Drops a database's connections and the database itself, to simulate an
/// outage.
pub async fn drop_database(name: &str) {
    let admin = admin_client(&cluster().connection_base).await;
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .expect("dropping a test database");
}

fn cluster() -> &'static Cluster {
    CLUSTER
        .get_or_init(|| {
            // Started from a thread of its own: the caller may be inside an
            // async runtime, and setup needs one of its own.
            std::thread::spawn(start_cluster)
                .join()
                .unwrap_or_else(|_| Err("cluster setup panicked".into()))
        })
        .as_ref()
        .unwrap_or_else(|e| panic!("test PostgreSQL could not start: {e}"))
}

fn start_cluster() -> Result<Cluster, String> {
    remove_stale_clusters();
    let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
    let embedded = EmbeddedPostgres::start(&EmbeddedOptions {
        data_dir: dir.clone(),
        bin_dir: std::env::var_os("MOOT_TEST_PG_BIN").map(Into::into),
        server_settings: [
            ("fsync", "off"),
            ("synchronous_commit", "off"),
            ("full_page_writes", "off"),
            ("max_connections", "300"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    })
    .map_err(|e| e.to_string())?;
    let base = embedded
        .connection_string("postgres")
        .replace(" dbname=postgres", "");
    let postgres_url_base = embedded.postgres_url("");
    *SERVER.lock().unwrap() = Some((embedded, dir));
    // SAFETY: registering a plain extern "C" function with the C runtime.
    unsafe { libc::atexit(stop_cluster_at_exit) };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let admin = admin_client(&base).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
            .await
            .map_err(|e| e.to_string())?;
        let db = Database::connect(
            &format!("{base} dbname={TEMPLATE}"),
            1,
            std::time::Duration::from_secs(10),
        )
        .await
        .map_err(|e| e.to_string())?;
        db.migrate().await.map_err(|e| e.to_string())?;
        Ok::<_, String>(())
    })?;
    Ok(Cluster {
        connection_base: base,
        postgres_url_base,
    })
}

extern "C" fn stop_cluster_at_exit() {
    if let Some((embedded, dir)) = SERVER.lock().ok().and_then(|mut s| s.take()) {
        let _ = embedded.stop();
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Deletes clusters left by test processes that no longer exist (a test
/// binary that was killed cannot clean up after itself).
fn remove_stale_clusters() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(DIR_PREFIX)
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

async fn admin_client(base: &str) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(&format!("{base} dbname=postgres"), tokio_postgres::NoTls)
            .await
            .expect("connecting to the test cluster");
    tokio::spawn(connection);
    client
}
