//! A real ActivityPub relay for tests: `ap-relay` from crates.io, on its own
//! port and store.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned version `.ci/run` installs.
pub const AP_RELAY_VERSION: &str = "0.3.131";

/// The relay program: `TESTKIT_AP_RELAY`, or `target/ap-relay/bin/relay`,
/// installed there from crates.io on first use (as the Python clients are
/// made on first use; `.ci/run` builds it ahead, beside the lints).
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TESTKIT_AP_RELAY") {
        return PathBuf::from(path);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ap-relay");
    let path = root.join("bin/relay");
    if !path.is_file() {
        eprintln!(
            "installing ap-relay {AP_RELAY_VERSION} into {} (once)",
            root.display()
        );
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["install", "ap-relay", "--version", AP_RELAY_VERSION])
            .args(["--locked", "--debug", "--root"])
            .arg(&root)
            .status()
            .expect("running cargo install");
        assert!(status.success(), "installing ap-relay failed");
    }
    path
}

/// A running relay; stopped when dropped.
pub struct ApRelay {
    /// `localhost:<port>`
    pub hostname: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl ApRelay {
    pub async fn start() -> ApRelay {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().expect("relay directory");
        let hostname = format!("localhost:{port}");
        let log = std::fs::File::create(dir.path().join("relay.log")).unwrap();
        let program = tokio::task::spawn_blocking(binary).await.unwrap();
        let child = Command::new(program)
            .env_clear()
            .env("HOSTNAME", &hostname)
            .env("ADDR", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("HTTPS", "false")
            .env("DEBUG", "false")
            .env("RESTRICTED_MODE", "false")
            .env("VALIDATE_SIGNATURES", "true")
            .env("SLED_PATH", dir.path().join("sled"))
            .env("RUST_LOG", "info")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting ap-relay");
        let relay = ApRelay {
            hostname,
            child,
            _dir: dir,
        };
        relay.wait_ready().await;
        relay
    }

    async fn wait_ready(&self) {
        let http = crate::http_client();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let ok = http
                .get(format!("http://{}/healthz", self.hostname))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("ap-relay did not start:\n{}", self.log());
    }

    /// Where nodes send their follow and their public posts.
    pub fn inbox(&self) -> String {
        format!("http://{}/inbox", self.hostname)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("relay.log")).unwrap_or_default()
    }
}

impl Drop for ApRelay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
