//! Library items on the wire: Mobilizon's resource shape (a `Document`
//! attributed to the group, `actor` the uploader) with FEP-1311's file
//! fields (`mediaType`, `size`, `digestMultibase`) and FEP-bad1's
//! `history`, which lists every version as a `Document` of its own. Moot
//! adds the version `number` and the item's `folder` (a path of names).
//! A new version is sent as an `Update` of the item with the version as
//! the activity's `result`.
//!
//! A member on another node adds a file by proposing it: a `Create` of a
//! `Document` of their own node (its `url` the file there) sent to the
//! group, whose `context` is the group (a new item) or one of its items (a
//! new version). The group's node fetches the file, decides as for its own
//! members, and answers `Accept` or `Reject` (the reason as `summary`).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::context::{ACTIVITYSTREAMS, PUBLIC};
use crate::notes::multibase_sha256;

/// One stored file of an item.
pub struct LocalVersion<'a> {
    pub id: &'a Url,
    pub item: &'a Url,
    pub number: i32,
    pub url: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    /// Lower-case hex.
    pub sha256: &'a str,
    pub file_name: Option<&'a str>,
    pub uploader: &'a Url,
    pub published: DateTime<Utc>,
}

pub fn version(v: &LocalVersion<'_>) -> Value {
    json!({
        "id": v.id,
        "type": "Document",
        "context": v.item,
        "name": v.file_name,
        "version": v.number,
        "url": v.url,
        "mediaType": v.media_type,
        "size": v.size,
        "digestMultibase": multibase_sha256(v.sha256),
        "attributedTo": v.uploader,
        "published": v.published,
    })
}

/// An item as its group's node publishes it: its current version's file,
/// and where the others are listed.
pub struct LocalItem<'a> {
    pub id: &'a Url,
    pub group: &'a Url,
    pub followers: &'a Url,
    pub history: &'a Url,
    pub uploader: &'a Url,
    pub title: &'a str,
    pub description: &'a str,
    pub folder: &'a str,
    pub tags: &'a [(Url, String)],
    pub private: bool,
    pub current: &'a Value,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub fn item(i: &LocalItem<'_>) -> Value {
    let (to, cc) = if i.private {
        (json!([i.followers]), json!([i.group]))
    } else {
        (json!([PUBLIC]), json!([i.followers, i.group]))
    };
    let tags: Vec<Value> = i
        .tags
        .iter()
        .map(|(href, name)| json!({ "type": "Hashtag", "href": href, "name": format!("#{name}") }))
        .collect();
    json!({
        "id": i.id,
        "type": "Document",
        "name": i.title,
        "summary": i.description,
        "folder": i.folder,
        "tag": tags,
        "attributedTo": i.group,
        "audience": i.group,
        "actor": i.uploader,
        "to": to,
        "cc": cc,
        "url": i.current["url"],
        "mediaType": i.current["mediaType"],
        "size": i.current["size"],
        "digestMultibase": i.current["digestMultibase"],
        "version": i.current["version"],
        "history": i.history,
        "published": i.published,
        "updated": i.updated,
    })
}

/// A received item.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteItem {
    pub id: Url,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub folder: Option<String>,
    #[serde(default)]
    pub tag: Value,
    pub audience: Option<Url>,
    pub attributed_to: Option<Value>,
    pub actor: Option<Url>,
    pub version: i32,
    pub history: Option<Url>,
    pub published: Option<DateTime<Utc>>,
}

impl RemoteItem {
    /// Whether a received Document is a library item (rather than, say, a
    /// post's attachment).
    pub fn is_library_item(object: &Value) -> bool {
        object.get("type").and_then(Value::as_str) == Some("Document")
            && object.get("history").is_some()
            && object.get("version").is_some()
    }

    /// Its hashtags' names, without `#`.
    pub fn tags(&self) -> Vec<String> {
        hashtag_names(&self.tag)
    }
}

/// A received version.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteVersion {
    pub id: Url,
    pub context: Option<Url>,
    pub version: i32,
    pub url: Value,
    pub media_type: String,
    pub size: i64,
    pub digest_multibase: Option<String>,
    pub attributed_to: Url,
    pub name: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

impl RemoteVersion {
    /// The file's address: `url` as a string, a `Link`, or the first of a
    /// list of either.
    pub fn href(&self) -> Option<Url> {
        let first = match &self.url {
            Value::Array(all) => all.first()?.clone(),
            other => other.clone(),
        };
        let raw = first.as_str().or_else(|| first.get("href")?.as_str())?;
        Url::parse(raw).ok()
    }

    pub fn sha256(&self) -> Option<String> {
        crate::notes::sha256_of_multibase(self.digest_multibase.as_deref()?)
    }
}

/// A file a member proposes to a remote group's library.
pub struct LocalUpload<'a> {
    pub id: &'a Url,
    pub uploader: &'a Url,
    pub group: &'a Url,
    /// The group for a new item, or the item for a new version.
    pub context: &'a Url,
    pub title: &'a str,
    pub description: &'a str,
    pub folder: &'a str,
    pub tags: &'a [String],
    pub url: &'a Url,
    pub media_type: &'a str,
    pub size: i64,
    /// Lower-case hex.
    pub sha256: &'a str,
    pub file_name: Option<&'a str>,
    pub published: DateTime<Utc>,
}

/// The `Create` that proposes `u` to its group.
pub fn upload(activity_id: &Url, u: &LocalUpload<'_>) -> Value {
    let tags: Vec<Value> = u
        .tags
        .iter()
        .map(|name| json!({ "type": "Hashtag", "name": format!("#{name}") }))
        .collect();
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": activity_id,
        "type": "Create",
        "actor": u.uploader,
        "to": [u.group],
        "audience": u.group,
        "object": {
            "id": u.id,
            "type": "Document",
            "attributedTo": u.uploader,
            "audience": u.group,
            "to": [u.group],
            "context": u.context,
            "name": u.title,
            "summary": u.description,
            "folder": u.folder,
            "tag": tags,
            "url": { "type": "Link", "href": u.url, "mediaType": u.media_type, "name": u.file_name },
            "mediaType": u.media_type,
            "size": u.size,
            "digestMultibase": multibase_sha256(u.sha256),
            "published": u.published,
        },
    })
}

/// A received proposal of a file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteUpload {
    pub id: Url,
    pub attributed_to: Url,
    pub context: Url,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub folder: Option<String>,
    #[serde(default)]
    pub tag: Value,
    pub url: Value,
    pub media_type: Option<String>,
    pub size: i64,
    pub digest_multibase: Option<String>,
}

impl RemoteUpload {
    /// Whether a received Document is a proposed file: it names what it
    /// is for (`context`) and is neither an item nor a version.
    pub fn is_upload(object: &Value) -> bool {
        object.get("type").and_then(Value::as_str) == Some("Document")
            && object.get("context").is_some()
            && object.get("history").is_none()
            && object.get("version").is_none()
    }

    /// The file's address and, when given, its name.
    pub fn file(&self) -> Option<(Url, Option<String>)> {
        let href = self
            .url
            .as_str()
            .or_else(|| self.url.get("href")?.as_str())?;
        let name = self.url.get("name").and_then(Value::as_str);
        Some((Url::parse(href).ok()?, name.map(str::to_owned)))
    }

    pub fn sha256(&self) -> Option<String> {
        crate::notes::sha256_of_multibase(self.digest_multibase.as_deref()?)
    }

    /// Its hashtags' names, without `#`.
    pub fn tags(&self) -> Vec<String> {
        hashtag_names(&self.tag)
    }
}

fn hashtag_names(tag: &Value) -> Vec<String> {
    tag.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|t| t["type"] == "Hashtag")
        .filter_map(|t| t["name"].as_str())
        .map(|n| n.trim_start_matches('#').to_owned())
        .collect()
}
