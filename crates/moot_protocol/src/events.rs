//! Events on the wire, in the shape Mobilizon sends (and PieFed and
//! FEP-8a8e read): an `Event` with `startTime`, `endTime`, `timezone`, a
//! `Place` as `location`, the online link as a `Link` attachment, `status`
//! and `participantCount`. In a group, `attributedTo` is the group and
//! `actor` the organizer. Moot adds `tentativeCount` (the "maybe"s).
//!
//! Answers: `Join` (going), `TentativeAccept` (maybe), `Leave` (not going,
//! after all); `Accept` and `Reject` of the event are read as going and not
//! going, as Friendica sends them.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::context::{ACTIVITYSTREAMS, PUBLIC};

pub struct LocalEvent<'a> {
    pub id: &'a Url,
    /// The group, or the organizer for a personal event.
    pub owner: &'a Url,
    pub organizer: &'a Url,
    pub followers: &'a Url,
    pub in_group: bool,
    pub private: bool,
    pub title: &'a str,
    pub html: &'a str,
    pub markdown: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: &'a str,
    pub place_name: Option<&'a str>,
    pub place_address: Option<&'a str>,
    pub online_url: Option<&'a str>,
    /// CONFIRMED, TENTATIVE or CANCELLED.
    pub status: &'a str,
    pub going: i64,
    pub maybe: i64,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub fn event(e: &LocalEvent<'_>) -> Value {
    let (to, cc) = match (e.private, e.in_group) {
        (true, _) => (json!([e.followers]), json!([e.owner])),
        (false, true) => (json!([PUBLIC]), json!([e.followers, e.owner])),
        (false, false) => (json!([PUBLIC]), json!([e.followers])),
    };
    let mut event = json!({
        "id": e.id,
        "type": "Event",
        "name": e.title,
        "content": e.html,
        "mediaType": "text/html",
        "source": { "content": e.markdown, "mediaType": "text/markdown" },
        "startTime": e.starts_at,
        "endTime": e.ends_at,
        "timezone": e.timezone,
        "attributedTo": e.owner,
        "actor": e.organizer,
        "to": to,
        "cc": cc,
        "status": e.status,
        "ical:status": e.status,
        "joinMode": "free",
        "isOnline": e.online_url.is_some() && e.place_name.is_none() && e.place_address.is_none(),
        "participantCount": e.going,
        "tentativeCount": e.maybe,
        "commentsEnabled": true,
        "published": e.published,
        "updated": e.updated,
    });
    if e.in_group {
        event["audience"] = json!(e.owner);
    }
    if e.place_name.is_some() || e.place_address.is_some() {
        event["location"] = json!({
            "type": "Place",
            "name": e.place_name.or(e.place_address),
            "address": e.place_address.map(|a| json!({
                "type": "PostalAddress",
                "streetAddress": a,
            })),
        });
    }
    if let Some(link) = e.online_url {
        event["attachment"] = json!([{ "type": "Link", "name": "Website", "href": link }]);
    }
    event
}

/// An answer to an event sent by `actor`: `Join`, `TentativeAccept` or
/// `Leave`, to the event's owner.
pub fn rsvp(kind: &str, id: &Url, actor: &Url, event: &Url, owner: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": actor,
        "object": event,
        "to": [owner],
    })
}

/// A received event.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteEvent {
    pub id: Url,
    pub name: String,
    pub content: Option<String>,
    pub start_time: DateTime<Utc>,
    pub end_time: Option<DateTime<Utc>>,
    pub timezone: Option<String>,
    #[serde(default)]
    pub location: Value,
    #[serde(default)]
    pub attachment: Value,
    #[serde(default)]
    pub status: Value,
    #[serde(rename = "ical:status", default)]
    pub ical_status: Value,
    pub participant_count: Option<i64>,
    pub tentative_count: Option<i64>,
    pub attributed_to: Option<Value>,
    pub audience: Option<Url>,
    pub actor: Option<Url>,
}

impl RemoteEvent {
    /// CONFIRMED, TENTATIVE or CANCELLED (CONFIRMED when not said).
    pub fn status(&self) -> &'static str {
        let raw = self
            .status
            .as_str()
            .or_else(|| self.ical_status.as_str())
            .unwrap_or_default()
            .to_ascii_uppercase();
        match raw.as_str() {
            "TENTATIVE" => "TENTATIVE",
            "CANCELLED" => "CANCELLED",
            _ => "CONFIRMED",
        }
    }

    /// The place's name and address (as one line), when it has one.
    pub fn place(&self) -> (Option<String>, Option<String>) {
        let place = match &self.location {
            Value::Array(all) => all
                .iter()
                .find(|l| l["type"] == "Place")
                .cloned()
                .unwrap_or_default(),
            other => other.clone(),
        };
        if place["type"] != "Place" {
            return (None, None);
        }
        let name = place["name"].as_str().map(str::to_owned);
        let address = match &place["address"] {
            Value::String(a) => Some(a.clone()),
            Value::Object(parts) => {
                let keys = [
                    "streetAddress",
                    "addressLocality",
                    "postalCode",
                    "addressRegion",
                    "addressCountry",
                ];
                let line: Vec<&str> = keys
                    .iter()
                    .filter_map(|k| parts.get(*k)?.as_str())
                    .filter(|s| !s.is_empty())
                    .collect();
                (!line.is_empty()).then(|| line.join(", "))
            }
            _ => None,
        };
        (name, address)
    }

    /// The online link: a `Link` attachment, or a `VirtualLocation`'s url.
    pub fn online_url(&self) -> Option<Url> {
        let links = self.attachment.as_array().cloned().unwrap_or_default();
        let from_link = links
            .iter()
            .filter(|a| a["type"] == "Link")
            .find_map(|a| a["href"].as_str());
        let virtual_place = match &self.location {
            Value::Array(all) => all.iter().find(|l| l["type"] == "VirtualLocation").cloned(),
            other if other["type"] == "VirtualLocation" => Some(other.clone()),
            _ => None,
        };
        let from_virtual = virtual_place.as_ref().and_then(|v| v["url"].as_str());
        Url::parse(from_link.or(from_virtual)?)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http"))
    }
}
