//! The `moot` binary end to end: configuration errors, the embedded database's
//! life cycle across restarts and crashes, and admin commands.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

fn moot() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_moot"));
    // Start from a clean environment for the node's own variables.
    for (key, _) in std::env::vars() {
        if key.starts_with("MOOT_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.stdin(Stdio::null());
    command
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_no_panic(output: &str) {
    assert!(!output.contains("panicked"), "{output}");
    assert!(!output.contains("RUST_BACKTRACE"), "{output}");
}

fn write_config(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("moot.toml");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn config_check_prints_the_effective_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_config(
        dir.path(),
        "[database]\nurl = \"postgres://moot:s3cret@db.example/moot\"\n",
    );
    let output = moot()
        .args(["config", "check", "--config"])
        .arg(&file)
        .env("MOOT_SERVER__PORT", "8081")
        .output()
        .unwrap();
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("port = 8081"), "{out}");
    assert!(out.contains("hostname = \"localhost:8080\""), "{out}");
    assert!(!out.contains("s3cret"), "secrets are masked: {out}");
}

#[test]
fn config_check_names_an_unknown_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_config(dir.path(), "[server]\nprot = 8080\n");
    let output = moot()
        .args(["config", "check", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    let out = text(&output);
    assert!(!output.status.success());
    assert!(
        out.contains("server.prot") && out.contains("unknown"),
        "{out}"
    );
    assert_no_panic(&out);
}

#[test]
fn config_check_names_a_key_with_a_bad_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_config(dir.path(), "[server]\nport = \"abc\"\n");
    // MOOT_CONFIG picks the file as well as --config does.
    let output = moot()
        .args(["config", "check"])
        .env("MOOT_CONFIG", &file)
        .output()
        .unwrap();
    let out = text(&output);
    assert!(!output.status.success());
    assert!(out.contains("server.port"), "{out}");
    assert_no_panic(&out);

    let output = moot()
        .args(["config", "check"])
        .env("MOOT_REGISTRATION__MODE", "sometimes")
        .output()
        .unwrap();
    let out = text(&output);
    assert!(!output.status.success());
    assert!(
        out.contains("registration.mode") && out.contains("MOOT_REGISTRATION__MODE"),
        "{out}"
    );
}

#[test]
fn serve_with_an_unreachable_database_exits_with_a_clear_message() {
    let closed_port = free_port();
    let output = moot()
        .arg("serve")
        .env(
            "MOOT_DATABASE__URL",
            format!("postgres://moot:pw@127.0.0.1:{closed_port}/moot"),
        )
        .env("MOOT_DATABASE__CONNECT_TIMEOUT_SECS", "3")
        .env("MOOT_SERVER__PORT", free_port().to_string())
        .output()
        .unwrap();
    let out = text(&output);
    assert!(!output.status.success(), "{out}");
    assert!(out.contains("cannot connect to PostgreSQL"), "{out}");
    assert!(out.contains(&format!("127.0.0.1:{closed_port}")), "{out}");
    assert!(!out.contains(":pw@"), "the password is not shown: {out}");
    assert_no_panic(&out);
}

/// A `moot serve` on its own data directory and port.
struct Node {
    child: Child,
    port: u16,
}

impl Node {
    fn start(data_dir: &Path) -> Node {
        let port = free_port();
        let child = moot()
            .arg("serve")
            .env("MOOT_DATA_DIR", data_dir)
            .env("MOOT_SERVER__PORT", port.to_string())
            .env("MOOT_SERVER__HOSTNAME", format!("localhost:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut node = Node { child, port };
        node.wait_healthy();
        node
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("moot serve exited early: {status}");
            }
            if healthz(self.port) == Some(200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("moot serve did not become healthy");
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).unwrap();
    }

    fn wait(mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("moot serve did not stop");
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthz(port: u16) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The postmaster's pid while `postmaster.pid` exists.
fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn process_alive(pid: i32) -> bool {
    // A zombie is dead for our purposes.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn create_user(data_dir: &Path, username: &str, password: Option<&str>) -> Output {
    let mut command = moot();
    command
        .args(["admin", "create-user", "--username", username])
        .args(["--email", &format!("{username}@council.example")])
        .env("MOOT_DATA_DIR", data_dir);
    match password {
        Some(password) => {
            command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = command.spawn().unwrap();
            use std::io::Write;
            writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
            child.wait_with_output().unwrap()
        }
        None => command.output().unwrap(),
    }
}

#[test]
fn node_life_cycle_on_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let node = Node::start(&data);
    let pg = postmaster_pid(&data).expect("the embedded PostgreSQL runs");
    assert!(process_alive(pg));

    // Admin commands work while the node runs, through its database.
    let made = create_user(&data, "alice", Some("correct horse battery"));
    assert!(made.status.success(), "{}", text(&made));
    assert!(
        text(&made).contains("created user alice"),
        "{}",
        text(&made)
    );

    // A second node on the same data directory is refused.
    let second = moot()
        .arg("serve")
        .env("MOOT_DATA_DIR", &data)
        .env("MOOT_SERVER__PORT", free_port().to_string())
        .output()
        .unwrap();
    let out = text(&second);
    assert!(!second.status.success());
    assert!(out.contains("in use by another Moot process"), "{out}");
    assert_no_panic(&out);
    assert_eq!(healthz(node.port), Some(200), "the first node is unharmed");

    // Ctrl-C stops the node and its PostgreSQL.
    node.signal(Signal::SIGINT);
    let status = node.wait();
    assert!(status.success(), "clean exit after SIGINT: {status}");
    assert!(!process_alive(pg), "PostgreSQL stopped with the node");
    assert!(
        postmaster_pid(&data).is_none(),
        "PostgreSQL shut down cleanly"
    );

    // Restarted, the node reuses its data.
    let node = Node::start(&data);
    let again = create_user(&data, "alice", None);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_no_panic(&text(&again));

    // A generated password is printed once.
    let bob = create_user(&data, "bob", None);
    assert!(bob.status.success(), "{}", text(&bob));
    assert!(String::from_utf8_lossy(&bob.stdout).contains("password: "));

    // SIGTERM (systemd's stop) is graceful too.
    node.signal(Signal::SIGTERM);
    assert!(node.wait().success());
}

#[test]
fn a_killed_node_leaves_nothing_that_blocks_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let node = Node::start(&data);
    let made = create_user(&data, "carol", Some("correct horse battery"));
    assert!(made.status.success(), "{}", text(&made));
    let pg = postmaster_pid(&data).unwrap();

    node.signal(Signal::SIGKILL);
    drop(node);
    // The parent-death signal shuts the orphaned PostgreSQL down.
    wait_until("the orphaned PostgreSQL exits", || !process_alive(pg));

    let node = Node::start(&data);
    let again = create_user(&data, "carol", Some("correct horse battery"));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    node.signal(Signal::SIGINT);
    assert!(node.wait().success());
}

#[test]
fn a_stale_postgres_from_an_earlier_node_is_restarted_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let node = Node::start(&data);
    node.signal(Signal::SIGINT);
    assert!(node.wait().success());

    // Power loss: a postmaster.pid left behind naming a process that is gone.
    let pid_file = data.join("postgres/postmaster.pid");
    std::fs::write(
        &pid_file,
        "999999\n/nowhere\n0\n5432\n/nowhere\n\n0 0\nready\n",
    )
    .unwrap();
    let node = Node::start(&data);
    assert_eq!(healthz(node.port), Some(200));
    node.signal(Signal::SIGINT);
    assert!(node.wait().success());
}

/// The command line and user of a running process, to start its twin.
fn clone_of_process(pid: i32) -> Command {
    use std::os::unix::process::CommandExt;
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let args: Vec<String> = cmdline
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let id_of = |field: &str| -> u32 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|id| id.parse().ok())
            .unwrap()
    };
    let mut command = Command::new(&args[0]);
    command
        .args(&args[1..])
        .uid(id_of("Uid:"))
        .gid(id_of("Gid:"))
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    command
}

#[test]
fn a_postgres_still_running_from_an_earlier_node_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let node = Node::start(&data);
    let mut twin = clone_of_process(postmaster_pid(&data).unwrap());
    node.signal(Signal::SIGINT);
    assert!(node.wait().success());

    // A PostgreSQL on the cluster that no node owns, as if its node had
    // vanished without the parent-death signal reaching it.
    let mut orphan = twin.spawn().unwrap();
    let orphan_pid = orphan.id() as i32;
    wait_until("the orphan is ready", || {
        std::fs::read_to_string(data.join("postgres/postmaster.pid"))
            .is_ok_and(|t| t.lines().next() == Some(&orphan_pid.to_string()) && t.contains("ready"))
    });

    let node = Node::start(&data);
    assert!(
        orphan.try_wait().unwrap().is_some(),
        "the orphan was shut down"
    );
    let now = postmaster_pid(&data).unwrap();
    assert_ne!(now, orphan_pid, "the node runs a PostgreSQL of its own");
    assert_eq!(healthz(node.port), Some(200));
    node.signal(Signal::SIGINT);
    assert!(node.wait().success());
    assert!(!process_alive(now));
}
