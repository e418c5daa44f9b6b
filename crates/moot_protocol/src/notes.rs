//! Posts on the wire: `Note`, `Article` and `Page`, the activities that carry
//! them, and how their addressing maps to visibility.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::context::{ACTIVITYSTREAMS, PUBLIC};

/// Who may see a post, as the client API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Unlisted,
    /// Followers only.
    Private,
    /// Mentioned people only.
    Direct,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }

    pub fn parse(raw: &str) -> Option<Visibility> {
        Some(match raw {
            "public" => Visibility::Public,
            "unlisted" => Visibility::Unlisted,
            "private" => Visibility::Private,
            "direct" => Visibility::Direct,
            _ => return None,
        })
    }

    /// `to` and `cc` for a post by an actor with `followers`, mentioning `mentioned`.
    pub fn addressing(self, followers: &Url, mentioned: &[Url]) -> (Vec<String>, Vec<String>) {
        let public = PUBLIC.to_owned();
        let followers = followers.to_string();
        let mut mentions: Vec<String> = mentioned.iter().map(Url::to_string).collect();
        match self {
            Visibility::Public => {
                mentions.insert(0, followers);
                (vec![public], mentions)
            }
            Visibility::Unlisted => {
                mentions.insert(0, public);
                (vec![followers], mentions)
            }
            Visibility::Private => (vec![followers], mentions),
            Visibility::Direct => (mentions, Vec::new()),
        }
    }

    /// Reads the visibility of a received post from its addressing.
    pub fn from_addressing(to: &[String], cc: &[String], followers: Option<&str>) -> Visibility {
        let is_public = |s: &String| s == PUBLIC || s == "as:Public" || s == "Public";
        if to.iter().any(is_public) {
            Visibility::Public
        } else if cc.iter().any(is_public) {
            Visibility::Unlisted
        } else if followers.is_some_and(|f| to.iter().chain(cc).any(|s| s == f)) {
            Visibility::Private
        } else {
            Visibility::Direct
        }
    }
}

/// A local post, ready to render.
pub struct LocalNote<'a> {
    pub id: Url,
    pub kind: &'a str,
    pub author: Url,
    pub url: Url,
    pub content: &'a str,
    pub source: Option<&'a str>,
    pub summary: &'a str,
    pub sensitive: bool,
    pub language: Option<&'a str>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub in_reply_to: Option<Url>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// The group the post is made in (FEP-1b12), with its `@name@host`.
    pub group: Option<(Url, String)>,
    /// The people it mentions, with their `@name@host`.
    pub mentions: Vec<(Url, String)>,
    /// Its hashtags, each with the URL of the node's page for the tag.
    pub hashtags: Vec<(Url, String)>,
    /// The files attached to it.
    pub attachments: Vec<Attachment<'a>>,
    /// A title: posts made in a group carry one, as Lemmy and PieFed list a
    /// community's posts by title.
    pub name: Option<String>,
}

/// A file on a post, as a `Document` (as Mastodon sends every kind of
/// attachment), with its size and SHA-256 so that receivers can check it.
pub struct Attachment<'a> {
    pub url: Url,
    pub media_type: &'a str,
    pub name: Option<&'a str>,
    pub size: i64,
    /// Lower-case hex.
    pub sha256: &'a str,
}

/// The object of a local post.
pub fn note(n: &LocalNote<'_>) -> Value {
    let mut note = json!({
        "id": n.id,
        "type": n.kind,
        "attributedTo": n.author,
        "content": n.content,
        "url": n.url,
        "published": n.published,
        "sensitive": n.sensitive,
        "to": n.to,
        "cc": n.cc,
        "inReplyTo": n.in_reply_to,
    });
    if !n.summary.is_empty() {
        note["summary"] = json!(n.summary);
    }
    if let Some(source) = n.source {
        note["source"] = json!({ "content": source, "mediaType": "text/markdown" });
    }
    if let Some(language) = n.language {
        note["contentMap"] = json!({ language: n.content });
    }
    if let Some(updated) = n.updated {
        note["updated"] = json!(updated);
    }
    let mut tags: Vec<Value> = n
        .mentions
        .iter()
        .map(|(href, name)| json!({ "type": "Mention", "href": href, "name": name }))
        .collect();
    tags.extend(n.hashtags.iter().map(
        |(href, name)| json!({ "type": "Hashtag", "href": href, "name": format!("#{name}") }),
    ));
    if let Some(name) = &n.name {
        note["name"] = json!(name);
    }
    if let Some((group, handle)) = &n.group {
        note["audience"] = json!(group);
        tags.insert(
            0,
            json!({ "type": "Mention", "href": group, "name": handle }),
        );
    }
    if !tags.is_empty() {
        note["tag"] = json!(tags);
    }
    if !n.attachments.is_empty() {
        note["attachment"] = n
            .attachments
            .iter()
            .map(|a| {
                json!({
                    "type": "Document",
                    "mediaType": a.media_type,
                    "url": a.url,
                    "name": a.name,
                    "size": a.size,
                    "digestMultibase": multibase_sha256(a.sha256),
                })
            })
            .collect();
    }
    note
}

/// A SHA-256 digest (hex) as FEP-ef61's `digestMultibase`: base16 multibase
/// (`f`) of the multihash (`0x12`, length `0x20`, digest).
pub fn multibase_sha256(hex: &str) -> String {
    format!("f1220{hex}")
}

/// The SHA-256 (lower-case hex) in a `digestMultibase` written as above;
/// None for other encodings or digests.
pub fn sha256_of_multibase(multibase: &str) -> Option<String> {
    let hex = multibase.strip_prefix("f1220")?.to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// `Create` or `Update` of a post, addressed as the post is.
pub fn wrap(kind: &str, id: &Url, actor: &Url, object: &Value) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": actor,
        "published": object.get("updated").or_else(|| object.get("published")),
        "to": object["to"],
        "cc": object["cc"],
        "object": object,
    })
}

/// `Delete` of a post: the object becomes a `Tombstone`.
pub fn delete(id: &Url, actor: &Url, object_id: &Url, to: &[String], cc: &[String]) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Delete",
        "actor": actor,
        "to": to,
        "cc": cc,
        "object": { "id": object_id, "type": "Tombstone" },
    })
}

/// What is served at a deleted post's id.
pub fn tombstone(id: &Url, deleted: DateTime<Utc>) -> Value {
    json!({ "@context": ACTIVITYSTREAMS, "id": id, "type": "Tombstone", "deleted": deleted })
}

/// A received post, read leniently: servers differ in which fields are
/// strings, arrays or objects.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNote {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attributed_to: Value,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub in_reply_to: Value,
    #[serde(default)]
    pub published: Option<DateTime<Utc>>,
    #[serde(default)]
    pub to: Value,
    #[serde(default)]
    pub cc: Value,
    #[serde(default)]
    pub url: Value,
    #[serde(default)]
    pub content_map: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub audience: Value,
    #[serde(default)]
    pub tag: Value,
    #[serde(default)]
    pub attachment: Value,
    /// A thumbnail (PeerTube's videos carry several sizes).
    #[serde(default)]
    pub icon: Value,
    /// The post it quotes, as FEP-044f names it; the older names follow.
    #[serde(default)]
    pub quote: Value,
    #[serde(default)]
    pub quote_url: Value,
    #[serde(default)]
    pub quote_uri: Value,
    #[serde(default, rename = "_misskey_quote")]
    pub misskey_quote: Value,
    /// A poll's options: one choice, or several.
    #[serde(default)]
    pub one_of: Value,
    #[serde(default)]
    pub any_of: Value,
    #[serde(default)]
    pub end_time: Option<DateTime<Utc>>,
    /// When a poll closed (or `true`).
    #[serde(default)]
    pub closed: Value,
    #[serde(default)]
    pub voters_count: Option<i64>,
}

/// Object types received as posts.
/// A URL or a `Link` as (href, mediaType).
fn link_of(value: &Value) -> Option<(&str, Option<&str>)> {
    match value {
        Value::String(href) => Some((href, None)),
        Value::Object(map) => Some((
            map.get("href")?.as_str()?,
            map.get("mediaType").and_then(Value::as_str),
        )),
        _ => None,
    }
}

/// `object` with one `type`: some servers send a list (`["Note",
/// "sc:CreativeWork"]`); the first type Moot knows is kept, else the first.
pub fn with_one_type(mut object: Value) -> Value {
    let chosen = match object.get("type") {
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            names
                .iter()
                .find(|t| KNOWN_OBJECT_TYPES.contains(t))
                .or(names.first())
                .map(|t| (*t).to_owned())
        }
        _ => None,
    };
    if let Some(kind) = chosen {
        object["type"] = Value::String(kind);
    }
    object
}

/// Every object type some activity here takes.
const KNOWN_OBJECT_TYPES: &[&str] = &[
    "Note",
    "Article",
    "Page",
    "Question",
    "Event",
    "Document",
    "Patch",
    "Tombstone",
];

/// Objects shown as posts: Mastodon's, Lemmy's and the media of PeerTube,
/// Funkwhale and Pixelfed (a video, a track or a picture with its title
/// and description; the media themselves as links after the text).
pub const POST_TYPES: &[&str] = &[
    "Note", "Article", "Page", "Question", "Video", "Audio", "Image",
];

/// A list of ids from a value that may be one id, an object with an id, or
/// an array of either.
pub fn ids(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        // An object by its id, or a `Link` by its `href`.
        Value::Object(map) => map
            .get("id")
            .or_else(|| map.get("href"))
            .and_then(Value::as_str)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
        Value::Array(items) => items.iter().flat_map(ids).collect(),
        _ => Vec::new(),
    }
}

impl RemoteNote {
    /// The author: the first `attributedTo` that is an actor (Lemmy and
    /// PeerTube send arrays that also name the group or channel).
    pub fn author(&self) -> Option<Url> {
        match &self.attributed_to {
            Value::Array(items) => items
                .iter()
                .find(|i| i.is_string() || i.get("type").and_then(Value::as_str) == Some("Person"))
                .and_then(|i| ids(i).into_iter().next()),
            other => ids(other).into_iter().next(),
        }
        .and_then(|s| Url::parse(&s).ok())
    }

    /// When a poll closed, if it says so with a time.
    pub fn closed_time(&self) -> Option<DateTime<Utc>> {
        self.closed.as_str()?.parse().ok()
    }

    pub fn in_reply_to(&self) -> Option<Url> {
        ids(&self.in_reply_to)
            .into_iter()
            .next()
            .and_then(|s| Url::parse(&s).ok())
    }

    /// The HTML to show: the content (or the first language's), with the
    /// title of an `Article` or `Page` on top. Not yet sanitized.
    pub fn html(&self) -> String {
        let body = self
            .content
            .clone()
            .or_else(|| {
                self.content_map
                    .as_ref()?
                    .values()
                    .next()?
                    .as_str()
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let body = match &self.name {
            Some(title) if self.kind != "Note" && !title.is_empty() => {
                format!("<h2>{}</h2>{body}", moot_core::text::escape(title))
            }
            _ => body,
        };
        format!(
            "{body}{}{}{}",
            self.quote_link(&body),
            self.shared_link(),
            self.attachment_links()
        )
    }

    /// A link to the quoted post after the text, for apps that do not show
    /// quotes (`RE: …`, as Mastodon writes it), unless the text has one.
    fn quote_link(&self, body: &str) -> String {
        match self.quoted() {
            Some(quoted) if !body.contains(quoted.as_str()) => {
                let href = moot_core::text::escape(quoted.as_str());
                format!("<p>RE: <a href=\"{href}\">{href}</a></p>")
            }
            _ => String::new(),
        }
    }

    /// The link a titled post shares (Lemmy's link posts carry it as
    /// `url`, on another host), as a paragraph after the text: it is not
    /// the post's own address, but readers should have it.
    fn shared_link(&self) -> String {
        if self.kind == "Note" {
            return String::new();
        }
        let shared = match &self.url {
            Value::Array(items) => items.iter().filter_map(link_of).next(),
            other => link_of(other),
        }
        .and_then(|(href, _)| Url::parse(href).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host() != self.id.host());
        match shared {
            Some(link) => {
                let href = moot_core::text::escape(link.as_str());
                format!("<p><a href=\"{href}\" rel=\"nofollow noopener\">{href}</a></p>")
            }
            None => String::new(),
        }
    }

    /// The content without its attachments, for nodes whose media this
    /// node rejects.
    pub fn html_without_media(&self) -> String {
        let mut bare = self.clone();
        bare.attachment = Value::Null;
        bare.html()
    }

    /// Attachments that are not files (links to pages) shown as links after
    /// the text, with their name; files are the post's media.
    fn attachment_links(&self) -> String {
        let items = match &self.attachment {
            Value::Array(items) => items.clone(),
            Value::Object(_) => vec![self.attachment.clone()],
            _ => Vec::new(),
        };
        let links: Vec<String> = items
            .iter()
            .filter(|item| !Self::is_file(item))
            .filter_map(|item| {
                let href = item
                    .get("url")
                    .and_then(|u| {
                        u.as_str()
                            .map(str::to_owned)
                            .or_else(|| ids(u).into_iter().next())
                    })
                    .or_else(|| item.get("href").and_then(Value::as_str).map(str::to_owned))?;
                let href = Url::parse(&href)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))?;
                let label = item
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                    .or_else(|| item.get("mediaType").and_then(Value::as_str))
                    .unwrap_or("attachment");
                let escaped_href = moot_core::text::escape(href.as_str());
                Some(format!(
                    "<a href=\"{escaped_href}\">{}</a>",
                    moot_core::text::escape(label)
                ))
            })
            .collect();
        if links.is_empty() {
            String::new()
        } else {
            format!("<p>{}</p>", links.join("<br>"))
        }
    }

    /// Where people read the post on its server: `url` (a URL, a `Link`
    /// or a list of them, an HTML one preferred) when it is http(s) on the
    /// post's own host, else None (clients then use the id). A `url` on
    /// another host would send readers wherever the sender likes, and a
    /// `javascript:` or `data:` one runs in their browser.
    pub fn url(&self) -> Option<String> {
        let candidates: Vec<(&str, Option<&str>)> = match &self.url {
            Value::Array(items) => items.iter().filter_map(link_of).collect(),
            other => link_of(other).into_iter().collect(),
        };
        let safe = |href: &str| {
            Url::parse(href)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host() == self.id.host())
        };
        let html = candidates.iter().find(|(href, media_type)| {
            media_type.is_none_or(|m| m.starts_with("text/html")) && safe(href)
        });
        html.or_else(|| candidates.iter().find(|(href, _)| safe(href)))
            .map(|(href, _)| (*href).to_owned())
    }

    pub fn language(&self) -> Option<String> {
        self.content_map.as_ref()?.keys().next().cloned()
    }

    pub fn to(&self) -> Vec<String> {
        ids(&self.to)
    }

    pub fn cc(&self) -> Vec<String> {
        ids(&self.cc)
    }

    /// The actors its `Mention` tags name.
    pub fn mentions(&self) -> Vec<String> {
        match &self.tag {
            Value::Array(tags) => tags
                .iter()
                .filter(|t| t.get("type").and_then(Value::as_str) == Some("Mention"))
                .filter_map(|t| t.get("href").and_then(Value::as_str).map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The post it quotes, if any: an `http(s)` id under any of the names
    /// servers use for it.
    pub fn quoted(&self) -> Option<Url> {
        [
            &self.quote,
            &self.quote_url,
            &self.quote_uri,
            &self.misskey_quote,
        ]
        .into_iter()
        .find_map(|value| ids(value).into_iter().next())
        .and_then(|id| Url::parse(&id).ok())
        .filter(|id| matches!(id.scheme(), "http" | "https"))
    }

    /// Its custom emoji (`Emoji` tags) as (`shortcode` without colons,
    /// picture): names of letters, digits and `_` only, pictures on the web.
    pub fn emojis(&self) -> Vec<(String, String)> {
        let Value::Array(tags) = &self.tag else {
            return Vec::new();
        };
        tags.iter()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Emoji"))
            .filter_map(|t| {
                let name = t.get("name")?.as_str()?.trim_matches(':');
                let good = !name.is_empty()
                    && name.len() <= 64
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                let icon = t.get("icon")?;
                let url = icon.get("url").and_then(Value::as_str).or(icon.as_str())?;
                let url = Url::parse(url)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))?;
                good.then(|| (name.to_owned(), url.to_string()))
            })
            .take(50)
            .collect()
    }

    /// The hashtags it is tagged with (`Hashtag` tags), lower-cased and
    /// without `#`; only names a person could type as a hashtag.
    pub fn hashtags(&self) -> Vec<String> {
        let Value::Array(tags) = &self.tag else {
            return Vec::new();
        };
        let mut found: Vec<String> = Vec::new();
        for tag in tags {
            if tag.get("type").and_then(Value::as_str) != Some("Hashtag") {
                continue;
            }
            let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
            for typed in moot_core::text::hashtags(&format!("#{}", name.trim_start_matches('#'))) {
                if !found.contains(&typed) {
                    found.push(typed);
                }
            }
        }
        found
    }

    /// Every actor the post is addressed to or mentions, and its audience:
    /// where to look for the group it is made in.
    pub fn addressees(&self) -> Vec<String> {
        let mut all = ids(&self.audience);
        all.extend(self.to());
        all.extend(self.cc());
        all.extend(self.mentions());
        all
    }
}

/// A vote in a remote poll, as Mastodon sends it: a `Note` named for the
/// option chosen, in reply to the poll, to its author alone.
pub fn vote(id: &str, voter: &Url, option: &str, poll: &str, poll_author: &Url) -> Value {
    json!({
        "id": id,
        "type": "Note",
        "attributedTo": voter,
        "name": option,
        "inReplyTo": poll,
        "to": [poll_author],
    })
}

/// Puts a poll's options and totals into its `Question`: `oneOf` (or
/// `anyOf` for several choices), each option a `Note` with its votes.
pub fn poll_totals(
    question: &mut Value,
    options: &[(String, i64)],
    multiple: bool,
    voters: i64,
    ends: Option<DateTime<Utc>>,
) {
    let options: Vec<Value> = options
        .iter()
        .map(|(name, n)| {
            json!({
                "type": "Note",
                "name": name,
                "replies": { "type": "Collection", "totalItems": n },
            })
        })
        .collect();
    let key = if multiple { "anyOf" } else { "oneOf" };
    question[key] = json!(options);
    question["votersCount"] = json!(voters);
    question["endTime"] = json!(ends);
    if ends.is_some_and(|at| at <= Utc::now()) {
        question["closed"] = json!(ends);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_round_trips_through_addressing() {
        let followers = Url::parse("https://a.example/users/al/followers").unwrap();
        for v in [
            Visibility::Public,
            Visibility::Unlisted,
            Visibility::Private,
            Visibility::Direct,
        ] {
            let (to, cc) = v.addressing(&followers, &[]);
            assert_eq!(
                Visibility::from_addressing(&to, &cc, Some(followers.as_str())),
                v,
                "{v:?}"
            );
        }
    }

    #[test]
    fn a_post_url_is_kept_only_when_http_on_the_posts_own_host() {
        let with_url = |url: Value| -> RemoteNote {
            serde_json::from_value(json!({
                "id": "https://a.example/notes/1", "type": "Note",
                "attributedTo": "https://a.example/users/x", "content": "<p>hi</p>",
                "url": url,
            }))
            .unwrap()
        };
        for hostile in [
            json!("javascript:alert(1)"),
            json!("data:text/html,<script>alert(1)</script>"),
            json!("https://phish.example/login"),
            json!("ftp://a.example/notes/1"),
            json!({"type": "Link", "href": "javascript:alert(1)"}),
        ] {
            assert_eq!(with_url(hostile.clone()).url(), None, "{hostile}");
        }
        assert_eq!(
            with_url(json!("https://a.example/@x/1")).url().as_deref(),
            Some("https://a.example/@x/1")
        );
        // From a list, the page on the post's host, HTML preferred.
        let listed = with_url(json!([
            {"type": "Link", "href": "https://evil.example/1", "mediaType": "text/html"},
            {"type": "Link", "href": "https://a.example/media/1.mp4", "mediaType": "video/mp4"},
            {"type": "Link", "href": "https://a.example/@x/1", "mediaType": "text/html"},
        ]));
        assert_eq!(listed.url().as_deref(), Some("https://a.example/@x/1"));
    }

    #[test]
    fn a_list_of_types_and_a_link_as_parent_are_understood() {
        let object = with_one_type(
            json!({"type": ["sc:CreativeWork", "Note"], "id": "https://a.example/1"}),
        );
        assert_eq!(object["type"], "Note");
        let unknown = with_one_type(json!({"type": ["Foo", "Bar"]}));
        assert_eq!(unknown["type"], "Foo");
        let reply: RemoteNote = serde_json::from_value(json!({
            "id": "https://a.example/2", "type": "Note", "attributedTo": "https://a.example/u",
            "inReplyTo": {"type": "Link", "href": "https://b.example/notes/1"},
        }))
        .unwrap();
        assert_eq!(
            reply.in_reply_to().map(String::from).as_deref(),
            Some("https://b.example/notes/1")
        );
    }

    #[test]
    fn lenient_remote_notes() {
        let page: RemoteNote = serde_json::from_value(json!({
            "id": "https://lemmy.example/post/1",
            "type": "Page",
            "attributedTo": "https://lemmy.example/u/x",
            "name": "A <title>",
            "content": "<p>body</p>",
            "to": ["https://lemmy.example/c/group", "https://www.w3.org/ns/activitystreams#Public"],
            "url": [{"type": "Link", "href": "https://example.org/doc.pdf"}],
        }))
        .unwrap();
        assert_eq!(page.author().unwrap().as_str(), "https://lemmy.example/u/x");
        // The shared link is not the post's address, but it is kept.
        assert_eq!(
            page.html(),
            "<h2>A &lt;title&gt;</h2><p>body</p><p><a href=\"https://example.org/doc.pdf\" \
             rel=\"nofollow noopener\">https://example.org/doc.pdf</a></p>"
        );
        assert_eq!(page.url(), None);
        let video: RemoteNote = serde_json::from_value(json!({
            "id": "https://tube.example/v/1", "type": "Note",
            "attributedTo": [{"type": "Person", "id": "https://tube.example/a/bo"}, {"type": "Group", "id": "https://tube.example/c/ch"}],
            "inReplyTo": {"id": "https://a.example/statuses/1"},
        }))
        .unwrap();
        assert_eq!(
            video.author().unwrap().as_str(),
            "https://tube.example/a/bo"
        );
        assert_eq!(
            video.in_reply_to().unwrap().as_str(),
            "https://a.example/statuses/1"
        );
    }

    #[test]
    fn attachments_that_are_not_files_become_safe_links() {
        let note: RemoteNote = serde_json::from_value(json!({
            "id": "https://a.example/n/1", "type": "Note", "attributedTo": "https://a.example/u/x",
            "content": "<p>see the plan</p>",
            "attachment": [
                {"type": "Document", "mediaType": "application/pdf", "url": "https://a.example/plan.pdf", "name": "Plan <2027>"},
                {"type": "Link", "href": "https://b.example/page"},
                {"type": "Document", "url": "javascript:alert(1)"},
            ],
        }))
        .unwrap();
        let html = note.html();
        // The document is one of the post's files, not a link in its text.
        assert!(!html.contains("plan.pdf"), "{html}");
        assert_eq!(note.media().len(), 1);
        assert!(
            html.contains(r#"<a href="https://b.example/page">attachment</a>"#),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
    }
}
