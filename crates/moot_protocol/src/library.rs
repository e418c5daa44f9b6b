//! Library items on the wire: Mobilizon's resource shape (a `Document`
//! attributed to the group, `actor` the uploader) with FEP-1311's file
//! fields (`mediaType`, `size`, `digestMultibase`) and FEP-bad1's
//! `history`, which lists every version as a `Document` of its own. Moot
//! adds the version `number` and the item's `folder` (a path of names).
//! A new version is sent as an `Update` of the item with the version as
//! the activity's `result`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::context::PUBLIC;
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
        self.tag
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|t| t["type"] == "Hashtag")
            .filter_map(|t| t["name"].as_str())
            .map(|n| n.trim_start_matches('#').to_owned())
            .collect()
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
