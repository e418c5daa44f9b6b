//! The independent clients the end-to-end tests drive Moot with, from PyPI
//! (`integration-tests/clients/requirements.txt`): installed once into a
//! virtual environment, `target/python-clients`, made again whenever the
//! requirements change.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the clients' scripts and requirements are.
pub fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients")
}

/// The virtual environment's `bin` directory, made on first use. Blocking:
/// call it from `spawn_blocking`.
pub fn python_bin() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/python-clients");
    let python = venv.join("bin/python");
    let requirements = clients_dir().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).expect("reading requirements.txt");
    let ready = venv.join(".installed");
    if std::fs::read_to_string(&ready).ok().as_deref() != Some(wanted.as_str()) {
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("running python3 (is it installed?)");
            assert!(
                out.status.success(),
                "{cmd:?} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv));
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements));
        std::fs::write(&ready, wanted).unwrap();
    }
    venv.join("bin")
}
