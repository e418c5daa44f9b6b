//! Actor documents: `Person` (local people), `Group` (communities of
//! practice) and `Application` (the instance actor).

use chrono::{DateTime, Utc};
use moot_core::urls::Urls;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    Person,
    Group,
    Application,
    Service,
    Organization,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: Url,
    pub owner: Url,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "@context", default)]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ActorKind,
    pub preferred_username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    pub inbox: Url,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    /// Pinned posts (Mastodon's `featured` collection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    #[serde(default)]
    pub manually_approves_followers: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// For groups: the collection of moderators (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Value>,
    /// For groups: whether only moderators may post (Lemmy's term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_restricted_to_mods: Option<bool>,
    /// For Moot groups: `open`, `approval` or `private`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership_mode: Option<String>,
    /// The profile picture: an `Image` (or its URL, or a list of them).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub icon: Value,
    /// The header picture, shaped as `icon`.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub image: Value,
    /// For groups: where their knowledge is listed.
    #[serde(flatten)]
    pub knowledge: Knowledge,
    /// Mastodon's `toot:suspended`: the actor's own node suspended it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
}

/// A group's collections of what it keeps, as they are now (Mobilizon's
/// `events` and `resources`, and Moot's `wiki`), so a node that joins the
/// group reads what was there before it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Knowledge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wiki: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Url>,
    /// For a node's instance actor: its sector directory of groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<Url>,
}

/// The names of a group's knowledge collections, as served under
/// `/users/{group}/{name}`.
pub const KNOWLEDGE_COLLECTIONS: [&str; 3] = ["wiki", "resources", "events"];

/// The `Image` of an actor's `icon` or `image` pointing at `url`.
fn image(url: Option<&str>) -> Value {
    url.map_or(
        Value::Null,
        |url| serde_json::json!({"type": "Image", "url": url}),
    )
}

/// The URL of an `icon` or `image` as peers send it: an `Image`, a URL, a
/// `Link`, or a list of these (the first usable one). Only http(s).
pub fn image_url(value: &Value) -> Option<Url> {
    let url = match value {
        Value::String(s) => Url::parse(s).ok(),
        Value::Array(items) => return items.iter().find_map(image_url),
        Value::Object(map) => map
            .get("url")
            .or_else(|| map.get("href"))
            .and_then(image_url),
        _ => None,
    }?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// What a local person's or group's actor document shows of them.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// The bio, as HTML.
    pub summary: &'a str,
    pub public_key_pem: &'a str,
    pub manually_approves_followers: bool,
    pub created_at: DateTime<Utc>,
    pub avatar_url: Option<&'a str>,
    pub header_url: Option<&'a str>,
    /// Suspended here: the document says so, and shows nothing the
    /// person wrote or chose (as Mastodon's does).
    pub suspended: bool,
}

/// A local person as an ActivityPub `Person`.
pub fn person(urls: &Urls, account: &Profile) -> Actor {
    if account.suspended {
        let hidden = Profile {
            display_name: "",
            summary: "",
            avatar_url: None,
            header_url: None,
            suspended: false,
            ..*account
        };
        return Actor {
            suspended: true,
            ..person(urls, &hidden)
        };
    }
    let id = urls.person(account.username);
    let collection = |name: &str| Some(urls.person_collection(account.username, name));
    Actor {
        context: crate::context::actor_context(),
        preferred_username: account.username.to_owned(),
        name: Some(account.display_name.to_owned()).filter(|n| !n.is_empty()),
        summary: Some(account.summary.to_owned()).filter(|s| !s.is_empty()),
        url: Some(urls.person_page(account.username)),
        inbox: urls.person_collection(account.username, "inbox"),
        outbox: collection("outbox"),
        followers: collection("followers"),
        following: collection("following"),
        featured: collection("featured"),
        endpoints: Some(Endpoints {
            shared_inbox: Some(urls.shared_inbox()),
        }),
        public_key: PublicKey {
            id: Urls::main_key(&id),
            owner: id.clone(),
            public_key_pem: account.public_key_pem.to_owned(),
        },
        manually_approves_followers: account.manually_approves_followers,
        published: Some(account.created_at),
        attributed_to: None,
        posting_restricted_to_mods: None,
        membership_mode: None,
        icon: image(account.avatar_url),
        image: image(account.header_url),
        kind: ActorKind::Person,
        knowledge: Knowledge::default(),
        suspended: false,
        id,
    }
}

/// A local group as an ActivityPub `Group` (FEP-1b12): its moderators are
/// listed at `attributedTo`, and Moot's membership mode is carried along.
pub fn group(urls: &Urls, account: &Profile, membership_mode: &str) -> Actor {
    let mut actor = person(urls, account);
    actor.kind = ActorKind::Group;
    actor.context = crate::context::group_context(urls);
    actor.attributed_to = Some(Value::String(
        urls.person_collection(account.username, "moderators")
            .to_string(),
    ));
    actor.posting_restricted_to_mods = Some(false);
    actor.membership_mode = Some(membership_mode.to_owned());
    let collection = |name: &str| Some(urls.person_collection(account.username, name));
    actor.knowledge = Knowledge {
        wiki: collection("wiki"),
        resources: collection("resources"),
        events: collection("events"),
        directory: None,
    };
    actor
}

/// The preferred username of the instance actor.
pub const INSTANCE_ACTOR_USERNAME: &str = "instance_actor";

/// The node's own actor, which signs the fetches it makes.
pub fn instance_actor(urls: &Urls, name: &str, public_key_pem: &str) -> Actor {
    let id = urls.instance_actor();
    Actor {
        context: crate::context::actor_context(),
        preferred_username: INSTANCE_ACTOR_USERNAME.to_owned(),
        name: Some(name.to_owned()),
        summary: None,
        url: Some(urls.about_page()),
        inbox: urls.shared_inbox(),
        outbox: None,
        followers: None,
        following: None,
        featured: None,
        endpoints: Some(Endpoints {
            shared_inbox: Some(urls.shared_inbox()),
        }),
        public_key: PublicKey {
            id: Urls::main_key(&id),
            owner: id.clone(),
            public_key_pem: public_key_pem.to_owned(),
        },
        // It follows nobody and nobody follows it.
        manually_approves_followers: true,
        published: None,
        attributed_to: None,
        posting_restricted_to_mods: None,
        membership_mode: None,
        icon: Value::Null,
        image: Value::Null,
        kind: ActorKind::Application,
        knowledge: Knowledge {
            directory: Some(urls.sector_directory()),
            ..Knowledge::default()
        },
        suspended: false,
        id,
    }
}
