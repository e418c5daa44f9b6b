//! The files a received post carries (pictures, videos, sounds, documents),
//! read from its `attachment` list as Mastodon, Pleroma, Lemmy and the rest
//! send it, and from the object itself when it is a `Video`, `Audio` or
//! `Image` (PeerTube, Funkwhale, Pixelfed): what apps show as the post's
//! `media_attachments`.

use serde_json::Value;
use url::Url;

use crate::notes::RemoteNote;

/// Most files kept from one post (Mastodon shows four; some send more).
const MOST_FILES: usize = 8;

/// A file on a received post, where it lives on its own server.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMedia {
    /// `image`, `gifv`, `video`, `audio` or `unknown`, as apps know them.
    pub kind: &'static str,
    pub url: String,
    /// A smaller picture to show first (a video's thumbnail).
    pub preview_url: Option<String>,
    pub media_type: Option<String>,
    /// Its alt text.
    pub description: String,
    pub blurhash: Option<String>,
    /// The focal point, each between -1 and 1.
    pub focus: Option<(f32, f32)>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Marked sensitive by its author (the whole post then is).
    pub sensitive: bool,
}

/// An `http(s)` address, or nothing.
fn web_address(href: &str) -> Option<String> {
    Url::parse(href)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from)
}

/// The kind apps know a file by, from its media type (else its AS type).
fn kind_of(media_type: Option<&str>, as_type: &str) -> &'static str {
    match media_type.unwrap_or_default() {
        "image/gif" => "gifv",
        t if t.starts_with("image/") => "image",
        t if t.starts_with("video/") => "video",
        t if t.starts_with("audio/") => "audio",
        "" => match as_type {
            "Image" => "image",
            "Video" => "video",
            "Audio" => "audio",
            _ => "unknown",
        },
        _ => "unknown",
    }
}

/// Every `Link` (or bare address) in `value`, with the links nested in a
/// link's own `tag` (where PeerTube lists a playlist's files).
fn links(value: &Value, out: &mut Vec<(String, Option<String>)>) {
    match value {
        Value::String(href) => out.push((href.clone(), None)),
        Value::Array(items) => items.iter().for_each(|item| links(item, out)),
        Value::Object(map) => {
            if let Some(href) = map.get("href").and_then(Value::as_str) {
                let media_type = map.get("mediaType").and_then(Value::as_str);
                out.push((href.to_owned(), media_type.map(str::to_owned)));
            }
            if let Some(nested) = map.get("tag") {
                links(nested, out);
            }
        }
        _ => {}
    }
}

fn number(value: Option<&Value>) -> Option<i32> {
    value
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
}

fn focus(value: &Value) -> Option<(f32, f32)> {
    let [x, y] = value.as_array()?.as_slice() else {
        return None;
    };
    let (x, y) = (x.as_f64()? as f32, y.as_f64()? as f32);
    ((-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y)).then_some((x, y))
}

/// The largest picture in an `icon` or `image` (one or a list).
fn best_picture(value: &Value) -> Option<String> {
    let items = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    };
    items
        .into_iter()
        .filter_map(|item| {
            let mut found = Vec::new();
            links(item.get("url").unwrap_or(item), &mut found);
            let href = found.into_iter().next()?.0;
            Some((number(item.get("width")).unwrap_or(0), web_address(&href)?))
        })
        .max_by_key(|(width, _)| *width)
        .map(|(_, href)| href)
}

/// One item of an `attachment` list, if it is a file (a bare link to a web
/// page stays a link in the text).
fn from_attachment(item: &Value, post_sensitive: bool) -> Option<RemoteMedia> {
    let as_type = item.get("type").and_then(Value::as_str).unwrap_or_default();
    let mut found = Vec::new();
    links(item.get("url").unwrap_or(&Value::Null), &mut found);
    if found.is_empty() {
        links(item, &mut found);
    }
    let (href, link_type) = found.into_iter().next()?;
    let media_type = item
        .get("mediaType")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(link_type);
    let kind = kind_of(media_type.as_deref(), as_type);
    if as_type == "Link" && kind == "unknown" {
        return None;
    }
    let url = web_address(&href)?;
    Some(RemoteMedia {
        kind,
        preview_url: best_picture(item.get("icon").unwrap_or(&Value::Null))
            .or_else(|| (kind == "image").then(|| url.clone())),
        url,
        media_type,
        description: item
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        blurhash: item
            .get("blurhash")
            .and_then(Value::as_str)
            .filter(|b| b.len() <= 100)
            .map(str::to_owned),
        focus: item.get("focalPoint").and_then(focus),
        width: number(item.get("width")),
        height: number(item.get("height")),
        sensitive: item
            .get("sensitive")
            .and_then(Value::as_bool)
            .unwrap_or(post_sensitive),
    })
}

/// A `Video`, `Audio` or `Image` object's own file: the first of its links
/// of that kind (PeerTube lists its MP4 files inside the playlist's link).
fn from_object(note: &RemoteNote) -> Option<RemoteMedia> {
    let mut found = Vec::new();
    links(&note.url, &mut found);
    let wanted = kind_of(None, &note.kind);
    let (href, media_type) = found
        .into_iter()
        .find(|(_, t)| kind_of(t.as_deref(), "") == wanted)?;
    Some(RemoteMedia {
        kind: wanted,
        url: web_address(&href)?,
        preview_url: best_picture(&note.icon),
        media_type,
        description: note.name.clone().unwrap_or_default(),
        blurhash: None,
        focus: None,
        width: None,
        height: None,
        sensitive: note.sensitive.unwrap_or(false),
    })
}

impl RemoteNote {
    /// The files this post carries, as apps show them.
    pub fn media(&self) -> Vec<RemoteMedia> {
        let sensitive = self.sensitive.unwrap_or(false);
        let items = match &self.attachment {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![&self.attachment],
            _ => Vec::new(),
        };
        let mut media: Vec<RemoteMedia> = items
            .into_iter()
            .filter_map(|item| from_attachment(item, sensitive))
            .collect();
        if matches!(self.kind.as_str(), "Video" | "Audio" | "Image") {
            media.extend(from_object(self));
        }
        media.truncate(MOST_FILES);
        media
    }

    /// Whether `item` of the `attachment` list becomes a file (else it is
    /// shown as a link after the text).
    pub(crate) fn is_file(item: &Value) -> bool {
        from_attachment(item, false).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str) -> RemoteNote {
        let file = format!(
            "{}/../../../shared/fixtures/activitypub-samples/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_mastodon_picture_keeps_its_alt_text_blurhash_focus_and_size() {
        let media = read("mastodon/objects/note_2.json").media();
        assert_eq!(media.len(), 1);
        let picture = &media[0];
        assert_eq!(picture.kind, "image");
        assert!(picture.description.starts_with("The KDE dragons"));
        assert_eq!(
            picture.blurhash.as_deref(),
            Some("USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc")
        );
        assert_eq!(picture.focus, Some((0.0, 0.0)));
        assert_eq!((picture.width, picture.height), (Some(1500), Some(1095)));
        assert_eq!(picture.preview_url.as_deref(), Some(picture.url.as_str()));
    }

    #[test]
    fn a_peertube_video_is_a_video_file_with_its_thumbnail() {
        let video = read("peertube/objects/video.json");
        let media = video.media();
        assert_eq!(media.len(), 1, "{media:?}");
        assert_eq!(media[0].kind, "video");
        assert!(media[0].url.ends_with(".mp4"), "{}", media[0].url);
        assert!(media[0]
            .preview_url
            .as_deref()
            .is_some_and(|p| p.ends_with(".jpg")));
        assert_eq!(media[0].description, video.name.unwrap());
    }

    #[test]
    fn links_to_pages_and_unsafe_addresses_are_not_files() {
        let note: RemoteNote = serde_json::from_value(serde_json::json!({
            "id": "https://a.example/n/1", "type": "Note",
            "attachment": [
                {"type": "Link", "href": "https://a.example/article"},
                {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)"},
                {"type": "Document", "mediaType": "application/pdf", "url": "https://a.example/f.pdf", "name": "Minutes"},
                {"type": "Image", "url": {"type": "Link", "href": "https://a.example/p.webp"}, "sensitive": true}
            ]
        }))
        .unwrap();
        let media = note.media();
        let kinds: Vec<&str> = media.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, ["unknown", "image"]);
        assert!(media[1].sensitive && !media[0].sensitive);
    }
}
