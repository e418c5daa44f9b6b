//! Uploaded files: which kinds are accepted, and how one is recorded.
//!
//! The type is read from the file's first bytes, never taken from what the
//! client claims, so a script cannot pass for a PDF.

use moot_db::accounts::Account;
use moot_db::media::{self as queries, Media, NewMedia};

use crate::storage::Staged;
use crate::{AppError, Context};

/// A media type Moot accepts: its name, the extension it is stored under,
/// and Mastodon's attachment type for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub mime: &'static str,
    pub extension: &'static str,
    pub kind: &'static str,
}

const fn accepted(mime: &'static str, extension: &'static str, kind: &'static str) -> Accepted {
    Accepted {
        mime,
        extension,
        kind,
    }
}

/// Everything Moot accepts: pictures, short audio and video, and the
/// documents councils share (PDF, office files, CSV, plain text).
pub const ACCEPTED: &[Accepted] = &[
    accepted("image/png", "png", "image"),
    accepted("image/jpeg", "jpg", "image"),
    accepted("image/gif", "gif", "image"),
    accepted("image/webp", "webp", "image"),
    accepted("video/mp4", "mp4", "video"),
    accepted("video/webm", "webm", "video"),
    accepted("audio/mpeg", "mp3", "audio"),
    accepted("audio/ogg", "ogg", "audio"),
    accepted("application/pdf", "pdf", "unknown"),
    accepted(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "unknown",
    ),
    accepted(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "unknown",
    ),
    accepted(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "unknown",
    ),
    accepted("application/vnd.oasis.opendocument.text", "odt", "unknown"),
    accepted(
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        "unknown",
    ),
    accepted(
        "application/vnd.oasis.opendocument.presentation",
        "odp",
        "unknown",
    ),
    accepted("application/msword", "doc", "unknown"),
    accepted("application/vnd.ms-excel", "xls", "unknown"),
    accepted("application/vnd.ms-powerpoint", "ppt", "unknown"),
    accepted("text/csv", "csv", "unknown"),
    accepted("text/plain", "txt", "unknown"),
];

/// Longest alt text or description, in characters (as Mastodon).
pub const MAX_DESCRIPTION: usize = 1500;

/// What the file's first bytes (`head`) say it is; text formats, which have
/// no signature, are taken at the client's word only when the bytes are
/// text.
pub fn identify(head: &[u8], claimed: Option<&str>) -> Option<Accepted> {
    if let Some(found) = infer::get(head) {
        return ACCEPTED
            .iter()
            .copied()
            .find(|a| a.mime == found.mime_type());
    }
    let claimed = claimed?.split(';').next()?.trim().to_ascii_lowercase();
    let text = ACCEPTED
        .iter()
        .copied()
        .find(|a| a.mime.starts_with("text/") && a.mime == claimed)?;
    looks_like_text(head).then_some(text)
}

/// UTF-8 without NUL bytes (a multi-byte character cut at the end of the
/// sample is fine).
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// A file received from a client, staged on disk.
pub struct Received {
    pub staged: Staged,
    pub size: u64,
    pub sha256: String,
    /// The first bytes, to tell the type.
    pub head: Vec<u8>,
    pub claimed_type: Option<String>,
    pub file_name: Option<String>,
}

/// Bytes kept from a file's start to tell its type.
const HEAD: usize = 8192;

/// Why a file being received was refused.
pub enum Refused {
    /// It is larger than the node accepts (`media.max_bytes`).
    TooLarge {
        max: u64,
    },
    Failed(AppError),
}

impl From<std::io::Error> for Refused {
    fn from(e: std::io::Error) -> Self {
        Refused::Failed(AppError::Internal(anyhow::anyhow!(
            "staging an upload: {e}"
        )))
    }
}

/// A file arriving in chunks (from a client API upload or a web form),
/// staged on disk and hashed on the way, refused past the node's limit.
pub struct Receiving {
    staged: Staged,
    out: tokio::fs::File,
    size: u64,
    max: u64,
    hasher: openssl::sha::Sha256,
    head: Vec<u8>,
    claimed_type: Option<String>,
    file_name: Option<String>,
}

impl Receiving {
    pub async fn start(
        ctx: &Context,
        claimed_type: Option<String>,
        file_name: Option<String>,
    ) -> Result<Receiving, Refused> {
        let (staged, out) = ctx.storage.stage().await?;
        Ok(Receiving {
            staged,
            out,
            size: 0,
            max: ctx.settings.media.max_bytes,
            hasher: openssl::sha::Sha256::new(),
            head: Vec::with_capacity(HEAD),
            claimed_type,
            file_name,
        })
    }

    /// Takes the next chunk. Past the limit the staged file is dropped
    /// (and so removed).
    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), Refused> {
        use tokio::io::AsyncWriteExt;
        self.size += chunk.len() as u64;
        if self.size > self.max {
            return Err(Refused::TooLarge { max: self.max });
        }
        self.hasher.update(chunk);
        let room = HEAD - self.head.len();
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.out.write_all(chunk).await?;
        Ok(())
    }

    /// The whole file, on disk.
    pub async fn finish(self) -> Result<Received, Refused> {
        self.out.sync_all().await?;
        let sha256 = self
            .hasher
            .finish()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Received {
            staged: self.staged,
            size: self.size,
            sha256,
            head: self.head,
            claimed_type: self.claimed_type,
            file_name: self.file_name,
        })
    }
}

/// Alt text (or a document's description) and focal point.
#[derive(Debug, Default, Clone)]
pub struct Details {
    pub description: Option<String>,
    pub focus: Option<(f32, f32)>,
}

fn check_details(details: &Details) -> Result<(), AppError> {
    if let Some(d) = &details.description {
        if d.chars().count() > MAX_DESCRIPTION {
            return Err(AppError::invalid(
                "description",
                format!("is longer than {MAX_DESCRIPTION} characters"),
            ));
        }
    }
    if let Some((x, y)) = details.focus {
        if !(-1.0..=1.0).contains(&x) || !(-1.0..=1.0).contains(&y) {
            return Err(AppError::invalid(
                "focus",
                "must be two numbers between -1.0 and 1.0",
            ));
        }
    }
    Ok(())
}

/// The uploader's file name as a label: its last path part, without
/// control characters, at most 255 characters.
fn label(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    (!clean.trim().is_empty()).then_some(clean)
}

/// Keeps an uploaded file for `owner`, if its type is accepted.
pub async fn create(
    ctx: &Context,
    owner: &Account,
    received: Received,
    details: Details,
) -> Result<Media, AppError> {
    check_details(&details)?;
    if received.size == 0 {
        return Err(AppError::invalid("file", "is empty"));
    }
    let kind = identify(&received.head, received.claimed_type.as_deref()).ok_or_else(|| {
        AppError::invalid(
            "file",
            "is of a type this node does not accept (images, audio, video, PDF, office documents, CSV and text are)",
        )
    })?;
    let key = crate::storage::Storage::new_key(kind.extension);
    ctx.storage
        .keep(received.staged, &key)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing an upload: {e}")))?;
    let picture = match kind.kind {
        "image" => describe_picture(ctx, &key).await,
        _ => None,
    };
    let preview_key = picture.as_ref().map(|(_, small_key)| small_key.as_str());
    let picture = picture.as_ref().map(|(described, _)| described);
    let mut conn = ctx.db.conn().await?;
    let original_name = received.file_name.as_deref().and_then(label);
    let stored = queries::insert(
        &mut conn,
        &NewMedia {
            account_id: owner.id,
            file_key: &key,
            content_type: kind.mime,
            kind: kind.kind,
            file_size: received.size as i64,
            sha256: &received.sha256,
            description: details.description.as_deref().unwrap_or_default(),
            original_name: original_name.as_deref(),
            focus_x: details.focus.map(|f| f.0),
            focus_y: details.focus.map(|f| f.1),
            width: picture.map(|p| p.width as i32),
            height: picture.map(|p| p.height as i32),
            blurhash: picture.map(|p| p.blurhash.as_str()),
            preview_key,
            small_width: picture.map(|p| p.small_width as i32),
            small_height: picture.map(|p| p.small_height as i32),
        },
    )
    .await;
    match stored {
        Ok(media) => Ok(media),
        Err(e) => {
            // Not recorded: the files must not linger unreferenced.
            let _ = ctx.storage.remove(&key).await;
            if let Some(small) = preview_key {
                let _ = ctx.storage.remove(small).await;
            }
            Err(e.into())
        }
    }
}

/// A kept picture's size and blurhash, with its small copy kept under a key
/// of its own; `None` if it cannot be read (it is kept without them).
async fn describe_picture(
    ctx: &Context,
    key: &str,
) -> Option<(crate::pictures::Described, String)> {
    let path = ctx.storage.local_path(key).ok()?;
    let bytes = tokio::fs::read(&path).await.ok()?;
    let described = tokio::task::spawn_blocking(move || crate::pictures::describe(&bytes))
        .await
        .ok()??;
    let small_key = crate::storage::Storage::new_key("jpg");
    match ctx.storage.write(&small_key, &described.small).await {
        Ok(()) => Some((described, small_key)),
        Err(e) => {
            tracing::warn!(error = %e, "keeping a picture's small copy");
            None
        }
    }
}

/// The small copy of a picture uploaded here, if it has one.
pub fn preview_address(ctx: &Context, media: &Media) -> Option<String> {
    media
        .preview_key
        .as_deref()
        .map(|key| ctx.urls.media_file(key).to_string())
}

/// One of `owner`'s files.
pub async fn own(ctx: &Context, owner: &Account, id: i64) -> Result<Media, AppError> {
    let mut conn = ctx.db.conn().await?;
    match queries::find(&mut conn, id).await? {
        Some(media) if media.account_id == owner.id => Ok(media),
        _ => Err(AppError::NotFound),
    }
}

/// Changes a file's alt text or focal point.
pub async fn describe(
    ctx: &Context,
    owner: &Account,
    id: i64,
    details: Details,
) -> Result<Media, AppError> {
    check_details(&details)?;
    let media = own(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    let description = details.description.unwrap_or(media.description);
    let focus = details.focus.or(media.focus_x.zip(media.focus_y));
    Ok(queries::describe(&mut conn, id, &description, focus).await?)
}

/// Deletes a file not (or no longer) on a post.
pub async fn delete(ctx: &Context, owner: &Account, id: i64) -> Result<Media, AppError> {
    let media = own(ctx, owner, id).await?;
    if media.status_id.is_some() {
        return Err(AppError::invalid("id", "is attached to a post"));
    }
    let mut conn = ctx.db.conn().await?;
    if moot_db::library::uses_media(&mut conn, id).await? {
        return Err(AppError::invalid("id", "is a version of a library file"));
    }
    queries::delete(&mut conn, id).await?;
    for key in std::iter::once(&media.file_key).chain(media.preview_key.as_ref()) {
        if let Err(e) = ctx.storage.remove(key).await {
            tracing::warn!(%key, error = %e, "removing a deleted upload's file");
        }
    }
    Ok(media)
}

/// A stored file by its key (its URL's last part), to serve it.
pub async fn by_key(ctx: &Context, key: &str) -> Result<Media, AppError> {
    let mut conn = ctx.db.conn().await?;
    moot_db::media::find_by_key(&mut conn, key)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a file is read: here, or on its own server for a received post.
pub fn address(ctx: &Context, media: &Media) -> String {
    match &media.remote_url {
        Some(remote) => remote.clone(),
        None => ctx.urls.media_file(&media.file_key).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_not_claims() {
        let pdf = b"%PDF-1.7\n1 0 obj\n";
        assert_eq!(
            identify(pdf, Some("image/png")).unwrap().mime,
            "application/pdf"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(identify(png, None).unwrap().kind, "image");
        // An executable claiming to be a PDF.
        assert!(identify(b"\x7fELF\x02\x01\x01\0\0\0\0\0", Some("application/pdf")).is_none());
        // Text only when it is text.
        assert_eq!(
            identify(b"a,b\n1,2\n", Some("text/csv")).unwrap().extension,
            "csv"
        );
        assert!(identify(b"a,b\0\x01", Some("text/csv")).is_none());
        assert!(identify(b"<html>", Some("text/html")).is_none());
        assert!(identify(b"a,b", None).is_none());
    }

    #[test]
    fn file_names_are_labels_only() {
        assert_eq!(label("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            label("C:\\docs\\Budget 2026.pdf").as_deref(),
            Some("Budget 2026.pdf")
        );
        assert_eq!(label("a\u{0}b\nc").as_deref(), Some("abc"));
        assert_eq!(label("dir/"), None);
    }
}
