//! The node's own PostgreSQL, used when no database URL is configured.
//!
//! The cluster lives in `<data_dir>/postgres` and listens only on a Unix
//! socket in a directory only its owner can enter (so `trust` authentication
//! is safe: nobody else can reach the socket). The postmaster is our child,
//! started from a supervisor thread with a parent-death signal, so it shuts
//! down when the node does, even if the node is killed. A lock on
//! `<data_dir>/moot.lock` keeps two nodes off one data directory.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::sys::signal::{kill, Signal};
use nix::unistd::{Pid, Uid, User};

/// PostgreSQL's superuser in the embedded cluster; also the database name.
pub const DB_USER: &str = "moot";
pub const DB_NAME: &str = "moot";
/// The socket's port number: only part of its file name, no TCP port is opened.
const SOCKET_PORT: u16 = 5432;
/// Longest Unix socket path the kernel accepts, less a margin.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "the PostgreSQL server programs (initdb, postgres) were not found in {searched}. \
         Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`; Fedora: \
         `dnf install postgresql-server`), set database.postgres_bin_dir to their directory, \
         or set database.url (MOOT_DATABASE__URL) to use an existing PostgreSQL server"
    )]
    NoBinaries { searched: String },
    #[error(
        "data directory {dir} is in use by another Moot process (pid {pid}); \
         two nodes cannot share one data directory"
    )]
    InUse { dir: String, pid: String },
    #[error(
        "running as root, the embedded PostgreSQL must run as the `postgres` system user, \
         which does not exist; create it (`useradd --system postgres`) or set database.url"
    )]
    NoPostgresUser,
    #[error(
        "the `postgres` system user cannot write to {dir}; choose a data_dir it can reach \
         (every parent directory must be searchable by it) or set database.url"
    )]
    Unreachable { dir: String },
    #[error("{dir} exists but is not a PostgreSQL data directory; move it aside or choose another data_dir")]
    NotACluster { dir: String },
    #[error("{action} failed: {detail}")]
    Failed { action: String, detail: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> EmbeddedError {
    let context = context.into();
    move |source| EmbeddedError::Io { context, source }
}

/// How to start the embedded cluster.
#[derive(Debug, Clone, Default)]
pub struct EmbeddedOptions {
    /// The node's data directory; the cluster goes in its `postgres` folder.
    pub data_dir: PathBuf,
    /// Where `initdb` and `postgres` are; `None` searches the usual places.
    pub bin_dir: Option<PathBuf>,
    /// Extra server settings (`-c name=value`), e.g. durability off for tests.
    pub server_settings: Vec<(String, String)>,
}

/// A running embedded PostgreSQL, stopped when this is stopped or dropped.
pub struct EmbeddedPostgres {
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    /// The postmaster we started, or `None` when attached to another process's.
    server: Option<Supervised>,
    _lock: Option<Flock<File>>,
}

struct Supervised {
    pid: Pid,
    exited: mpsc::Receiver<()>,
}

impl EmbeddedPostgres {
    /// Takes the data directory for this process, creating the cluster on
    /// first use, and starts PostgreSQL. Refuses if another process holds it.
    pub fn start(options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let layout = Layout::new(&options.data_dir)?;
        let lock = layout.lock()?.map_err(|pid| EmbeddedError::InUse {
            dir: layout.data_dir.display().to_string(),
            pid,
        })?;
        Self::start_locked(&layout, options, lock)
    }

    /// For admin commands: starts PostgreSQL like [`start`](Self::start), or,
    /// when a running node holds the data directory, uses that node's server.
    pub fn start_or_attach(options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let layout = Layout::new(&options.data_dir)?;
        match layout.lock()? {
            Ok(lock) => Self::start_locked(&layout, options, lock),
            Err(pid) => {
                let status = read_postmaster_pid(&layout.cluster_dir).ok_or_else(|| {
                    EmbeddedError::InUse {
                        dir: layout.data_dir.display().to_string(),
                        pid: pid.clone(),
                    }
                })?;
                Ok(EmbeddedPostgres {
                    cluster_dir: layout.cluster_dir,
                    socket_dir: status.socket_dir,
                    server: None,
                    _lock: None,
                })
            }
        }
    }

    fn start_locked(
        layout: &Layout,
        options: &EmbeddedOptions,
        lock: Flock<File>,
    ) -> Result<Self, EmbeddedError> {
        let bins = find_binaries(options.bin_dir.as_deref())?;
        let owner = ServerOwner::for_this_process()?;
        let layout = &layout.reachable_by(&owner)?;
        if !layout.cluster_dir.join("PG_VERSION").exists() {
            init_cluster(layout, &bins, &owner)?;
        }
        owner.ensure_reachable(&layout.cluster_dir)?;
        stop_orphan(&layout.cluster_dir)?;
        let socket_dir = layout.socket_dir(&owner)?;
        let server = spawn_postmaster(layout, &socket_dir, &bins, &owner, options)?;
        let mut embedded = EmbeddedPostgres {
            cluster_dir: layout.cluster_dir.clone(),
            socket_dir,
            server: Some(server),
            _lock: Some(lock),
        };
        embedded.wait_until_ready(layout)?;
        Ok(embedded)
    }

    fn wait_until_ready(&mut self, layout: &Layout) -> Result<(), EmbeddedError> {
        let server = self.server.as_ref().expect("we started it");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if server.exited.try_recv().is_ok() {
                self.server = None;
                return Err(EmbeddedError::Failed {
                    action: "starting the embedded PostgreSQL".into(),
                    detail: format!("it exited; its log says:\n{}", layout.log_tail()),
                });
            }
            if read_postmaster_pid(&self.cluster_dir)
                .is_some_and(|s| s.pid == server.pid && s.ready)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(EmbeddedError::Failed {
                    action: "starting the embedded PostgreSQL".into(),
                    detail: format!(
                        "not ready after 120 s; its log says:\n{}",
                        layout.log_tail()
                    ),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A libpq key=value connection string for `database` over the socket.
    pub fn connection_string(&self, database: &str) -> String {
        format!(
            "host='{}' port={SOCKET_PORT} user={DB_USER} dbname={database}",
            quote_value(&self.socket_dir.display().to_string())
        )
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<(), EmbeddedError> {
        let failed = |detail: String| EmbeddedError::Failed {
            action: format!("creating database {database}"),
            detail,
        };
        let (client, connection) =
            tokio_postgres::connect(&self.connection_string("postgres"), tokio_postgres::NoTls)
                .await
                .map_err(|e| failed(e.to_string()))?;
        let driver = tokio::spawn(connection);
        let exists = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&database])
            .await
            .map_err(|e| failed(e.to_string()))?
            .is_some();
        if !exists {
            let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| failed(e.to_string()))?;
        }
        drop(client);
        let _ = driver.await;
        Ok(())
    }

    /// Whether this handle started (and will stop) the server.
    pub fn owns_server(&self) -> bool {
        self.server.is_some()
    }

    /// Stops the server (fast shutdown: sessions are ended, data is safe),
    /// escalating to an immediate shutdown if it has not exited in time.
    pub fn stop(mut self) -> Result<(), EmbeddedError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), EmbeddedError> {
        let Some(server) = self.server.take() else {
            return Ok(());
        };
        for (signal, wait) in [
            (Signal::SIGINT, Duration::from_secs(30)),
            (Signal::SIGQUIT, Duration::from_secs(10)),
        ] {
            let _ = kill(server.pid, signal);
            match server.exited.recv_timeout(wait) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
        Err(EmbeddedError::Failed {
            action: "stopping the embedded PostgreSQL".into(),
            detail: format!("process {} did not exit", server.pid),
        })
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// A `postgresql://` URL for `database` over the socket (the host is the
    /// percent-encoded socket directory, as libpq and tokio-postgres accept).
    pub fn postgres_url(&self, database: &str) -> String {
        let encoded: String = self
            .socket_dir
            .display()
            .to_string()
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("postgresql://{DB_USER}@{encoded}:{SOCKET_PORT}/{database}")
    }

    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::error!("{e}");
        }
    }
}

/// Where clusters go when the `postgres` user cannot reach the data directory.
const RELOCATED_CLUSTERS: &str = "/var/lib/moot-postgres";

/// The files of one data directory.
#[derive(Clone)]
struct Layout {
    data_dir: PathBuf,
    cluster_dir: PathBuf,
    log_file: PathBuf,
}

impl Layout {
    fn new(data_dir: &Path) -> Result<Self, EmbeddedError> {
        fs::create_dir_all(data_dir).map_err(io(format!(
            "creating data directory {}",
            data_dir.display()
        )))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(io(format!("resolving {}", data_dir.display())))?;
        Ok(Layout {
            cluster_dir: data_dir.join("postgres"),
            log_file: data_dir.join("postgres.log"),
            data_dir,
        })
    }

    /// When we run as root and the `postgres` user cannot reach the data
    /// directory (say it is under /root), the cluster goes to
    /// `/var/lib/moot-postgres/<hash of the data directory>` instead, with a
    /// `postgres` symlink in the data directory pointing at it.
    fn reachable_by(&self, owner: &ServerOwner) -> Result<Layout, EmbeddedError> {
        let link = self.data_dir.join("postgres");
        if owner.user.is_none() || owner.can_search(&self.data_dir) {
            return Ok(self.clone());
        }
        let target = if link.is_symlink() {
            fs::read_link(&link).map_err(io(format!("reading {}", link.display())))?
        } else if link.exists() {
            return Err(EmbeddedError::Unreachable {
                dir: link.display().to_string(),
            });
        } else {
            let base = Path::new(RELOCATED_CLUSTERS);
            fs::create_dir_all(base).map_err(io(format!("creating {}", base.display())))?;
            let target = base.join(format!("{:016x}", path_hash(&self.data_dir)));
            std::os::unix::fs::symlink(&target, &link)
                .map_err(io(format!("linking {}", link.display())))?;
            tracing::warn!(
                data_dir = %self.data_dir.display(),
                cluster = %target.display(),
                "the postgres user cannot reach the data directory; the embedded cluster \
                 lives outside it (linked as data_dir/postgres)"
            );
            target
        };
        Ok(Layout {
            cluster_dir: target,
            ..self.clone()
        })
    }

    /// `Ok(lock)`, or `Err(pid of the holder)` when another process holds it.
    fn lock(&self) -> Result<Result<Flock<File>, String>, EmbeddedError> {
        let path = self.data_dir.join("moot.lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(format!("opening {}", path.display())))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(mut lock) => {
                lock.set_len(0).map_err(io("writing moot.lock"))?;
                writeln!(lock, "{}", std::process::id()).map_err(io("writing moot.lock"))?;
                Ok(Ok(lock))
            }
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                Ok(Err(holder.trim().to_owned()))
            }
            Err((_, errno)) => Err(EmbeddedError::Io {
                context: format!("locking {}", path.display()),
                source: errno.into(),
            }),
        }
    }

    /// The socket lives in the cluster directory unless that path is too
    /// long for a Unix socket; then in a private directory under /tmp.
    fn socket_dir(&self, owner: &ServerOwner) -> Result<PathBuf, EmbeddedError> {
        let socket = format!("{}/.s.PGSQL.{SOCKET_PORT}", self.cluster_dir.display());
        if socket.len() <= MAX_SOCKET_PATH {
            return Ok(self.cluster_dir.clone());
        }
        let dir =
            std::env::temp_dir().join(format!("moot-pg-{:016x}", path_hash(&self.cluster_dir)));
        fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
        owner.take_ownership(&dir)?;
        Ok(dir)
    }

    fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log_file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    fn open_log(&self) -> Result<File, EmbeddedError> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_file)
            .map_err(io(format!("opening {}", self.log_file.display())))
    }
}

/// Who the server runs as: this process's user, or `postgres` when we are
/// root (PostgreSQL refuses to run as root).
struct ServerOwner {
    user: Option<User>,
}

impl ServerOwner {
    fn for_this_process() -> Result<Self, EmbeddedError> {
        if !Uid::effective().is_root() {
            return Ok(ServerOwner { user: None });
        }
        let user = User::from_name("postgres")
            .ok()
            .flatten()
            .ok_or(EmbeddedError::NoPostgresUser)?;
        Ok(ServerOwner { user: Some(user) })
    }

    /// Makes `dir` private to the server's user (PostgreSQL insists on 0700).
    fn take_ownership(&self, dir: &Path) -> Result<(), EmbeddedError> {
        if let Some(user) = &self.user {
            nix::unistd::chown(dir, Some(user.uid), Some(user.gid)).map_err(|e| {
                EmbeddedError::Io {
                    context: format!("giving {} to the postgres user", dir.display()),
                    source: e.into(),
                }
            })?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(io(format!("restricting {}", dir.display())))
    }

    /// Whether the server's user can enter `dir` (every parent searchable).
    fn can_search(&self, dir: &Path) -> bool {
        self.test_as_owner("-x", dir)
    }

    /// Runs `test FLAG dir` as the server's user.
    fn test_as_owner(&self, flag: &str, dir: &Path) -> bool {
        let Some(user) = &self.user else {
            return true;
        };
        Command::new("test")
            .arg(flag)
            .arg(dir)
            .uid(user.uid.as_raw())
            .gid(user.gid.as_raw())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Checks, as the server's user, that `dir` can be written.
    fn ensure_reachable(&self, dir: &Path) -> Result<(), EmbeddedError> {
        if self.test_as_owner("-w", dir) {
            Ok(())
        } else {
            Err(EmbeddedError::Unreachable {
                dir: dir.display().to_string(),
            })
        }
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command.current_dir("/").env_remove("PGDATA");
        if let Some(user) = &self.user {
            command
                .uid(user.uid.as_raw())
                .gid(user.gid.as_raw())
                .env("HOME", &user.dir)
                .env("USER", "postgres");
        }
        command
    }
}

struct Binaries {
    initdb: PathBuf,
    postgres: PathBuf,
}

/// Finds `initdb` and `postgres`: the configured directory, else PATH, else
/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`.
fn find_binaries(configured: Option<&Path>) -> Result<Binaries, EmbeddedError> {
    let in_dir = |dir: &Path| {
        let (initdb, postgres) = (dir.join("initdb"), dir.join("postgres"));
        (initdb.is_file() && postgres.is_file()).then_some(Binaries { initdb, postgres })
    };
    if let Some(dir) = configured {
        return in_dir(dir).ok_or_else(|| EmbeddedError::NoBinaries {
            searched: format!("{} (database.postgres_bin_dir)", dir.display()),
        });
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    candidates.extend(versioned.into_iter().map(|(_, dir)| dir));
    candidates
        .iter()
        .find_map(|dir| in_dir(dir))
        .ok_or_else(|| EmbeddedError::NoBinaries {
            searched: "PATH, `pg_config --bindir` and /usr/lib/postgresql/*/bin".into(),
        })
}

/// Creates the cluster in a scratch directory, then renames it into place,
/// so an interrupted first start never leaves a half-made cluster behind.
fn init_cluster(
    layout: &Layout,
    bins: &Binaries,
    owner: &ServerOwner,
) -> Result<(), EmbeddedError> {
    let cluster = &layout.cluster_dir;
    if cluster.exists() && fs::read_dir(cluster).is_ok_and(|mut d| d.next().is_some()) {
        return Err(EmbeddedError::NotACluster {
            dir: cluster.display().to_string(),
        });
    }
    let scratch = cluster.with_extension("initdb");
    if scratch.exists() {
        fs::remove_dir_all(&scratch).map_err(io(format!("removing {}", scratch.display())))?;
    }
    fs::create_dir_all(&scratch).map_err(io(format!("creating {}", scratch.display())))?;
    owner.take_ownership(&scratch)?;
    owner.ensure_reachable(&scratch)?;
    tracing::info!(dir = %cluster.display(), "creating the embedded PostgreSQL cluster");
    let log = layout.open_log()?;
    let status = owner
        .command(&bins.initdb)
        .arg("--pgdata")
        .arg(&scratch)
        .args(["--username", DB_USER, "--auth=trust", "--encoding=UTF8"])
        .args(["--locale=C", "--no-sync"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io("opening the log"))?)
        .stderr(log)
        .status()
        .map_err(io(format!("running {}", bins.initdb.display())))?;
    if !status.success() {
        return Err(EmbeddedError::Failed {
            action: "initdb".into(),
            detail: format!("{status}; its log says:\n{}", layout.log_tail()),
        });
    }
    if cluster.exists() {
        fs::remove_dir(cluster).map_err(io(format!("replacing empty {}", cluster.display())))?;
    }
    fs::rename(&scratch, cluster).map_err(io(format!(
        "moving the new cluster to {}",
        cluster.display()
    )))
}

/// What `postmaster.pid` says about a running (or crashed) server.
struct PostmasterStatus {
    pid: Pid,
    socket_dir: PathBuf,
    ready: bool,
}

fn read_postmaster_pid(cluster_dir: &Path) -> Option<PostmasterStatus> {
    let text = fs::read_to_string(cluster_dir.join("postmaster.pid")).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    Some(PostmasterStatus {
        pid: Pid::from_raw(lines.first()?.trim().parse().ok()?),
        socket_dir: PathBuf::from(lines.get(4)?.trim()),
        ready: lines.get(7).is_some_and(|l| l.trim() == "ready"),
    })
}

/// A server left running by a node that was killed before it could stop it
/// (normally the parent-death signal stops it first) is shut down, so that
/// we start our own with our settings. A stale pid file is left to
/// PostgreSQL, which recognises and replaces it.
fn stop_orphan(cluster_dir: &Path) -> Result<(), EmbeddedError> {
    let Some(status) = read_postmaster_pid(cluster_dir) else {
        return Ok(());
    };
    let is_postgres = |pid: Pid| {
        fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("postgres"))
    };
    if !is_postgres(status.pid) {
        return Ok(());
    }
    tracing::warn!(pid = %status.pid, "stopping a PostgreSQL left running by an earlier Moot process");
    for (signal, wait) in [(Signal::SIGINT, 30), (Signal::SIGQUIT, 10)] {
        let _ = kill(status.pid, signal);
        let deadline = Instant::now() + Duration::from_secs(wait);
        while Instant::now() < deadline {
            if !is_postgres(status.pid) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Err(EmbeddedError::Failed {
        action: "stopping the PostgreSQL left running by an earlier Moot process".into(),
        detail: format!("process {} did not exit", status.pid),
    })
}

/// Starts the postmaster from a thread that lives exactly as long as it: the
/// parent-death signal is tied to the spawning thread, and the thread's wait
/// tells us when the server exits.
fn spawn_postmaster(
    layout: &Layout,
    socket_dir: &Path,
    bins: &Binaries,
    owner: &ServerOwner,
    options: &EmbeddedOptions,
) -> Result<Supervised, EmbeddedError> {
    let log = layout.open_log()?;
    let mut command = owner.command(&bins.postgres);
    command
        .arg("-D")
        .arg(&layout.cluster_dir)
        .arg("-p")
        .arg(SOCKET_PORT.to_string())
        .args(["-c", "listen_addresses="])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", socket_dir.display()))
        .args(["-c", "unix_socket_permissions=0700"])
        // JIT compilation needs writable+executable memory (refused under the
        // systemd unit's hardening) and does not pay off for short queries.
        .args(["-c", "jit=off"]);
    for (name, value) in &options.server_settings {
        command.arg("-c").arg(format!("{name}={value}"));
    }
    command
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io("opening the log"))?)
        .stderr(log)
        // Its own process group: a Ctrl-C in the terminal reaches the node,
        // which then shuts PostgreSQL down after the last request.
        .process_group(0);
    // SAFETY: the closure only calls prctl, which is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
        });
    }

    let (started_tx, started_rx) = mpsc::channel();
    let (exited_tx, exited_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("postgres-supervisor".into())
        .spawn(move || {
            let mut child = match command.spawn() {
                Ok(child) => child,
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                    return;
                }
            };
            let _ = started_tx.send(Ok(child.id()));
            let status = child.wait();
            tracing::debug!(?status, "embedded PostgreSQL exited");
            let _ = exited_tx.send(());
        })
        .map_err(io("starting the PostgreSQL supervisor thread"))?;
    let pid = started_rx
        .recv()
        .map_err(|_| EmbeddedError::Failed {
            action: "starting PostgreSQL".into(),
            detail: "the supervisor thread stopped".into(),
        })?
        .map_err(io(format!("running {}", bins.postgres.display())))?;
    Ok(Supervised {
        pid: Pid::from_raw(pid as i32),
        exited: exited_rx,
    })
}

/// A stable short name for a path.
fn path_hash(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

/// Escapes a value for a libpq key='value' string.
fn quote_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}
