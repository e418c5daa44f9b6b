//! JSON-LD contexts that documents carry.

use serde_json::{json, Value};

pub const ACTIVITYSTREAMS: &str = "https://www.w3.org/ns/activitystreams";
pub const SECURITY: &str = "https://w3id.org/security/v1";
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The context of actor documents: ActivityStreams, the security vocabulary
/// (`publicKey`), and the extension terms Mastodon-family servers expect.
pub fn actor_context() -> Value {
    json!([
        ACTIVITYSTREAMS,
        SECURITY,
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "suspended": "toot:suspended"
        }
    ])
}

/// The context of group documents: the actor context plus the terms groups
/// use (Lemmy's `postingRestrictedToMods`, Moot's `membershipMode`).
pub fn group_context(urls: &moot_core::urls::Urls) -> Value {
    json!([
        ACTIVITYSTREAMS,
        SECURITY,
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "lemmy": "https://join-lemmy.org/ns#",
            "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
            "membershipMode": format!("{}ns#membershipMode", urls.base()),
            "mz": "https://joinmobilizon.org/ns#",
            "events": { "@id": "mz:events", "@type": "@id" },
            "resources": { "@id": "mz:resources", "@type": "@id" },
            "wiki": { "@id": format!("{}ns#wiki", urls.base()), "@type": "@id" },
        }
    ])
}

/// An object served on its own (not inside an activity) carries the
/// ActivityStreams context.
pub fn set_context(document: &mut serde_json::Value) {
    document["@context"] = serde_json::Value::String(ACTIVITYSTREAMS.to_owned());
}
