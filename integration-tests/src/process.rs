//! Real `moot serve` processes on their own databases and ports, for tests
//! that must see nodes exactly as deployed (separate processes talking HTTP).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{fresh_database, TestDatabase};

/// The `moot` binary that `cargo test --workspace` builds next to the test
/// binaries (`target/<profile>/moot`), or `TESTKIT_MOOT_BIN` if set.
pub fn moot_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("TESTKIT_MOOT_BIN") {
                return PathBuf::from(path);
            }
            let exe = std::env::current_exe().expect("test binary path");
            // target/<profile>/deps/<test> -> target/<profile>/moot
            let path = exe
                .parent()
                .and_then(|deps| deps.parent())
                .map(|profile| profile.join("moot"))
                .expect("test binary in target/<profile>/deps");
            assert!(
                path.is_file(),
                "{} not found: run the tests with `cargo test --workspace` (which builds it) or set TESTKIT_MOOT_BIN",
                path.display()
            );
            path
        })
        .clone()
}

/// A running `moot serve`.
pub struct ProcessNode {
    pub base_url: String,
    pub hostname: String,
    pub database: TestDatabase,
    pub http: reqwest::Client,
    child: Child,
    dir: tempfile::TempDir,
    /// How the node was started, to start it again the same way.
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl ProcessNode {
    pub async fn start() -> ProcessNode {
        ProcessNode::start_with(&["serve"]).await
    }

    /// Starts `moot <args>` (a `serve` variant) as the node's process.
    pub async fn start_with(args: &[&str]) -> ProcessNode {
        ProcessNode::start_configured(args, &[]).await
    }

    /// The same with extra `MOOT_*` settings in the environment.
    pub async fn start_configured(args: &[&str], extra_env: &[(&str, &str)]) -> ProcessNode {
        let database = fresh_database().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().expect("node directory");
        let hostname = format!("localhost:{port}");
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut env: Vec<(String, String)> = node_env(&database, dir.path(), &hostname, port);
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut node = ProcessNode {
            base_url: format!("http://{hostname}"),
            child: spawn_logged(&args, &env, dir.path()),
            hostname,
            database,
            http: crate::http_client(),
            dir,
            args,
            env,
        };
        node.wait_healthy().await;
        node
    }

    /// Sends `signal` to the node and waits for it to exit.
    pub fn stop(&mut self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, signal);
        let _ = self.child.wait();
    }

    /// Starts the node again, as before, on the same database and port.
    pub async fn restart(&mut self) {
        self.child = spawn_logged(&self.args, &self.env, self.dir.path());
        self.wait_healthy().await;
    }

    async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("moot serve exited ({status}):\n{}", self.log());
            }
            let ok = self
                .http
                .get(format!("{}/healthz", self.base_url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node not healthy:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The node process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the node logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moot.log")).unwrap_or_default()
    }

    /// Runs `moot <args>` against this node's configuration.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let port = self.hostname.rsplit(':').next().unwrap().parse().unwrap();
        Command::new(moot_binary())
            .args(args)
            .envs(node_env(
                &self.database,
                self.dir.path(),
                &self.hostname,
                port,
            ))
            .stdin(Stdio::null())
            .output()
            .expect("running moot")
    }

    /// Runs `moot <args>` for this node and returns its standard output;
    /// panics with its error output if it fails.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "moot {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("the CLI writes UTF-8")
    }

    /// Starts another process with this node's configuration (e.g. a
    /// `moot deliver` worker); it is killed when the returned guard drops.
    pub fn spawn(&self, args: &[&str]) -> ChildGuard {
        self.spawn_with(args, &[])
    }

    /// The same with extra settings (e.g. another port for a second
    /// `serve` process of the same node).
    pub fn spawn_with(&self, args: &[&str], extra_env: &[(&str, &str)]) -> ChildGuard {
        let port = self.hostname.rsplit(':').next().unwrap().parse().unwrap();
        let child = Command::new(moot_binary())
            .args(args)
            .envs(node_env(
                &self.database,
                self.dir.path(),
                &self.hostname,
                port,
            ))
            .envs(
                extra_env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting moot");
        ChildGuard(child)
    }

    /// Creates a person with the CLI and returns a token with `scopes`.
    pub fn create_user(&self, username: &str, scopes: &str) -> String {
        self.create_user_with_password(username, scopes).0
    }

    /// Creates a person with the CLI and returns a token with `scopes` and
    /// the password the CLI made for them (to sign in on the web app).
    pub fn create_user_with_password(&self, username: &str, scopes: &str) -> (String, String) {
        self.create_person(username, scopes, false)
    }

    /// Creates an administrator of the node with the CLI; returns a token
    /// with `scopes` and the password.
    pub fn create_admin(&self, username: &str, scopes: &str) -> (String, String) {
        self.create_person(username, scopes, true)
    }

    fn create_person(&self, username: &str, scopes: &str, admin: bool) -> (String, String) {
        let email = format!("{username}@council.example");
        let mut args = vec![
            "admin",
            "create-user",
            "--username",
            username,
            "--email",
            &email,
        ];
        if admin {
            args.push("--admin");
        }
        let made = self.cli(&args);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let out = String::from_utf8_lossy(&made.stdout);
        let password = out
            .lines()
            .find_map(|l| l.strip_prefix("password: "))
            .expect("the CLI shows the password it made")
            .trim()
            .to_owned();
        (self.token(username, scopes), password)
    }

    /// A fresh access token for `username`, through `moot admin token`.
    pub fn token(&self, username: &str, scopes: &str) -> String {
        let token = self.cli(&["admin", "token", "--username", username, "--scopes", scopes]);
        assert!(
            token.status.success(),
            "{}",
            String::from_utf8_lossy(&token.stderr)
        );
        String::from_utf8(token.stdout).unwrap().trim().to_owned()
    }

    /// `user@host` of a person on this node.
    pub fn handle(&self, username: &str) -> String {
        format!("{username}@{}", self.hostname)
    }

    /// A client API request with a bearer token; returns status and JSON.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> (u16, serde_json::Value) {
        crate::node::api_request(
            &self.http,
            method,
            &format!("{}{path}", self.base_url),
            token,
            None,
        )
        .await
    }

    /// The same with a JSON body.
    pub async fn api_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        crate::node::api_request(
            &self.http,
            method,
            &format!("{}{path}", self.base_url),
            token,
            Some(body),
        )
        .await
    }
}

fn node_env(
    database: &TestDatabase,
    dir: &std::path::Path,
    hostname: &str,
    port: u16,
) -> Vec<(String, String)> {
    [
        ("MOOT_DATABASE__URL", database.postgres_url.clone()),
        ("MOOT_DATA_DIR", dir.display().to_string()),
        ("MOOT_SERVER__PORT", port.to_string()),
        ("MOOT_SERVER__HOSTNAME", hostname.to_owned()),
        ("MOOT_SERVER__WORKERS", "2".to_owned()),
        ("MOOT_SERVER__SHUTDOWN_TIMEOUT_SECS", "2".to_owned()),
        (
            "MOOT_FEDERATION__ALLOW_PRIVATE_ADDRESSES",
            "true".to_owned(),
        ),
        ("MOOT_DATABASE__POOL_SIZE", "8".to_owned()),
        // Tests and benchmarks poll and burst: limits out of the way.
        ("MOOT_RATE_LIMITS__PER_TOKEN", "1000000".to_owned()),
        ("MOOT_RATE_LIMITS__PER_IP", "1000000".to_owned()),
        (
            "MOOT_LOG__LEVEL",
            std::env::var("TESTKIT_NODE_LOG").unwrap_or_else(|_| "info".to_owned()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

impl Drop for ProcessNode {
    fn drop(&mut self) {
        // A failing test shows what the node had to say.
        if std::thread::panicking() {
            eprintln!("---- log of {} ----\n{}", self.hostname, self.log());
        }
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A helper process, stopped when dropped.
pub struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `moot <args>`, appending its output to the node's log.
fn spawn_logged(args: &[String], env: &[(String, String)], dir: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("moot.log"))
        .expect("node log");
    Command::new(moot_binary())
        .args(args)
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting moot")
}
