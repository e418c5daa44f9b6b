//! Activities this node accepts in its inboxes. A type not listed here fails
//! to parse and is refused with 400.

pub mod follow;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use moot_app::Context;
use serde::Deserialize;
use url::Url;

use crate::error::FederationError;
use follow::{AnswerFollow, Follow, Undo};

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Answer(AnswerFollow),
    Undo(Undo),
}

#[async_trait::async_trait]
impl Activity for InboxActivity {
    type DataType = Context;
    type Error = FederationError;

    fn id(&self) -> &Url {
        match self {
            InboxActivity::Follow(a) => a.id(),
            InboxActivity::Answer(a) => a.id(),
            InboxActivity::Undo(a) => a.id(),
        }
    }

    fn actor(&self) -> &Url {
        match self {
            InboxActivity::Follow(a) => a.actor(),
            InboxActivity::Answer(a) => a.actor(),
            InboxActivity::Undo(a) => a.actor(),
        }
    }

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        match self {
            InboxActivity::Follow(a) => a.verify(data).await,
            InboxActivity::Answer(a) => a.verify(data).await,
            InboxActivity::Undo(a) => a.verify(data).await,
        }
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        match self {
            InboxActivity::Follow(a) => a.receive(data).await,
            InboxActivity::Answer(a) => a.receive(data).await,
            InboxActivity::Undo(a) => a.receive(data).await,
        }
    }
}

/// The id of an activity's `object`, whether sent as a URL or embedded.
pub fn object_id(object: &serde_json::Value) -> Option<Url> {
    let raw = object.as_str().or_else(|| object.get("id")?.as_str())?;
    Url::parse(raw).ok()
}
