//! Where uploaded files are kept. Callers see one interface: stage an
//! upload, keep it under a key, find it, remove it. The node's local disk is
//! the one store today; an object store (S3 and the like) would be another
//! variant of `Storage`, its callers unchanged.

use std::io;
use std::path::{Path, PathBuf};

use moot_core::Settings;
use rand::Rng;

#[derive(Debug, Clone)]
pub enum Storage {
    /// Files under a directory, named by their key.
    LocalDisk { root: PathBuf },
}

/// A file being received, not yet kept: removed from disk when dropped
/// unless `Storage::keep` took it.
pub struct Staged {
    path: PathBuf,
    kept: bool,
}

impl Staged {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Storage {
    pub fn from_settings(settings: &Settings) -> Storage {
        Storage::LocalDisk {
            root: settings.media_directory(),
        }
    }

    /// A fresh key for a file of type `extension`: random, so that names
    /// are neither guessable nor taken from what the uploader sent.
    pub fn new_key(extension: &str) -> String {
        let bytes: [u8; 16] = rand::rng().random();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}/{hex}.{extension}", &hex[..2])
    }

    /// An empty file to receive an upload into, on the same disk as the
    /// store so that keeping it is a rename.
    pub async fn stage(&self) -> io::Result<(Staged, tokio::fs::File)> {
        let Storage::LocalDisk { root } = self;
        let dir = root.join("staging");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(Self::new_key("part").replace('/', "-"));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok((Staged { path, kept: false }, file))
    }

    /// Keeps a staged file under `key`.
    pub async fn keep(&self, mut staged: Staged, key: &str) -> io::Result<()> {
        let target = self.local_path(key)?;
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(&staged.path, &target).await?;
        staged.kept = true;
        Ok(())
    }

    /// Keeps `bytes` (a file the node made, such as a picture's small copy)
    /// under `key`.
    pub async fn write(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.local_path(key)?;
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::write(&target, bytes).await
    }

    /// Where the file under `key` is on this machine's disk.
    pub fn local_path(&self, key: &str) -> io::Result<PathBuf> {
        let Storage::LocalDisk { root } = self;
        // Keys are made by `new_key`; anything else never names a path.
        let well_formed = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'/' || b == b'.' || b.is_ascii_lowercase())
            && !key.contains("..")
            && !key.starts_with('/');
        if !well_formed {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "malformed key"));
        }
        Ok(root.join(key))
    }

    pub async fn remove(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.local_path(key)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_never_escape_the_root() {
        let store = Storage::LocalDisk {
            root: PathBuf::from("/srv/media"),
        };
        let key = Storage::new_key("pdf");
        assert_ne!(key, Storage::new_key("pdf"));
        assert!(store.local_path(&key).unwrap().starts_with("/srv/media"));
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", "", "a b"] {
            assert!(store.local_path(bad).is_err(), "{bad}");
        }
    }
}
