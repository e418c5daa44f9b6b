//! Wiki pages and their revisions on the wire, in the shapes Ibis uses: a
//! page is an `Article` in its group (FEP-1b12 `audience`) with its Markdown
//! `source`, its `edits` collection and `latestVersion`; a revision is a
//! `Patch` with a unified diff as `content`, `version` and
//! `previousVersion`. Moot adds the revision's full text as `source` (so a
//! receiver never has to replay diffs) and sends the revision an `Update`
//! made as its `result`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::context::{ACTIVITYSTREAMS, PUBLIC};

/// The version before a page's first revision (Ibis: the hash of "").
pub const FIRST_PREVIOUS_VERSION: &str = "e3b0c442-98fc-1c14-9afb-f4c8996fb924";

/// A page as its group's node publishes it.
pub struct LocalArticle<'a> {
    pub id: &'a Url,
    pub group: &'a Url,
    pub followers: &'a Url,
    pub edits: &'a Url,
    pub title: &'a str,
    pub html: &'a str,
    pub markdown: &'a str,
    pub version: &'a str,
    pub moderators_only: bool,
    pub private: bool,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub fn article(a: &LocalArticle<'_>) -> Value {
    let (to, cc) = addressing(a.group, a.followers, a.private);
    json!({
        "id": a.id,
        "type": "Article",
        "name": a.title,
        "content": a.html,
        "mediaType": "text/html",
        "source": { "content": a.markdown, "mediaType": "text/markdown" },
        "attributedTo": a.group,
        "audience": a.group,
        "to": to,
        "cc": cc,
        "edits": a.edits,
        "latestVersion": a.version,
        "protected": a.moderators_only,
        "postingRestrictedToMods": a.moderators_only,
        "published": a.published,
        "updated": a.updated,
    })
}

/// Everyone (or a private group's members) and the group.
fn addressing(group: &Url, followers: &Url, private: bool) -> (Value, Value) {
    if private {
        (json!([followers]), json!([group]))
    } else {
        (json!([PUBLIC]), json!([followers, group]))
    }
}

/// One revision of a page.
pub struct LocalPatch<'a> {
    pub id: &'a Url,
    pub page: &'a Url,
    pub author: &'a Url,
    pub version: &'a str,
    pub previous_version: &'a str,
    pub diff: &'a str,
    pub title: &'a str,
    pub markdown: &'a str,
    pub summary: &'a str,
    pub published: DateTime<Utc>,
}

pub fn patch(p: &LocalPatch<'_>) -> Value {
    json!({
        "id": p.id,
        "type": "Patch",
        "object": p.page,
        "attributedTo": p.author,
        "version": p.version,
        "previousVersion": p.previous_version,
        "content": p.diff,
        "mediaType": "text/x-diff",
        "name": p.title,
        "source": { "content": p.markdown, "mediaType": "text/markdown" },
        "summary": p.summary,
        "published": p.published,
    })
}

/// An edit of a page on another node, sent to its group (Ibis's `Edit`).
/// A new page is proposed the same way as a `Create` whose `Patch` names
/// the group as its `object` (the page has no id until the group makes it)
/// and starts from [`FIRST_PREVIOUS_VERSION`].
pub fn edit(id: &Url, author: &Url, group: &Url, patch: &Value) -> Value {
    let kind = if patch["object"] == json!(group) {
        "Create"
    } else {
        "Edit"
    };
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": author,
        "to": [group],
        "audience": group,
        "object": patch,
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub content: String,
}

/// A received page.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteArticle {
    pub id: Url,
    pub name: String,
    pub source: Option<Source>,
    pub content: Option<String>,
    pub edits: Option<Url>,
    pub latest_version: Option<String>,
    pub audience: Option<Url>,
    pub attributed_to: Option<Value>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

impl RemoteArticle {
    /// Whether a received Article is a wiki page rather than a post.
    pub fn is_wiki_page(object: &Value) -> bool {
        object.get("type").and_then(Value::as_str) == Some("Article")
            && object.get("edits").is_some()
            && object.get("latestVersion").is_some()
    }
}

/// A received revision.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemotePatch {
    pub id: Url,
    pub object: Url,
    pub attributed_to: Url,
    pub version: String,
    pub previous_version: String,
    /// The unified diff.
    pub content: Option<String>,
    pub source: Option<Source>,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

impl RemotePatch {
    /// The page's text after this revision: its `source` when it carries
    /// one, else its diff applied to the text before it.
    pub fn text_after(&self, before: &str) -> Option<String> {
        match (&self.source, &self.content) {
            (Some(source), _) => Some(source.content.clone()),
            (None, Some(diff)) => moot_core::wiki::apply(before, diff),
            (None, None) => None,
        }
    }
}
