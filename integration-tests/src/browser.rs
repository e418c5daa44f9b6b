//! The browser tests' tools: Debian's Chromium driven by playwright-core,
//! with axe-core, from npm (`integration-tests/browser/package.json`),
//! installed once from the lock file and again whenever it changes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the browser scripts are.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

/// Installs the npm packages if the lock file changed since the last
/// install. Blocking: call it from `spawn_blocking`.
fn ensure_installed() {
    let dir = scripts_dir();
    let lock =
        std::fs::read_to_string(dir.join("package-lock.json")).expect("reading package-lock.json");
    let ready = dir.join("node_modules/.moot-installed");
    if std::fs::read_to_string(&ready).ok().as_deref() == Some(lock.as_str()) {
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .expect("running npm (is Node.js installed?)");
    assert!(
        out.status.success(),
        "npm ci failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&ready, lock).unwrap();
}

/// Runs a browser script with one JSON argument; returns what it printed
/// as JSON. A script that fails fails the test with its output.
pub async fn run(script: &str, input: serde_json::Value) -> serde_json::Value {
    let script = scripts_dir().join(script);
    tokio::task::spawn_blocking(move || {
        ensure_installed();
        let out = Command::new("node")
            .arg(&script)
            .arg(input.to_string())
            .current_dir(scripts_dir())
            .output()
            .expect("running node");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} failed:\n{stdout}{}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    })
    .await
    .unwrap()
}
