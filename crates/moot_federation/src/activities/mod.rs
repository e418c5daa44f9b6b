//! Activities this node accepts in its inboxes. A type not listed here fails
//! to parse and is refused with 400.

pub mod announce;
pub mod answers;
pub mod block;
pub mod events;
pub mod featured;
pub mod follow;
pub mod group_content;
pub mod library;
pub mod lock;
pub mod post;
pub mod profile;
pub mod reaction;
pub mod reading;
pub mod wiki;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use moot_app::Context;
use serde::Deserialize;
use url::Url;

use crate::error::FederationError;
use announce::Announce;
use answers::ChooseAnswer;
use block::Block;
use events::Rsvp;
use featured::Featured;
use follow::{AnswerFollow, Follow, Undo};
use lock::Lock;
use post::{CreateOrUpdate, Delete};
use profile::UpdateActor;
use reaction::{Flag, React};
use wiki::Edit;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Answer(AnswerFollow),
    Undo(Undo),
    // Before posts: an Update whose object is an actor.
    UpdateActor(UpdateActor),
    CreateOrUpdate(CreateOrUpdate),
    Delete(Delete),
    Announce(Announce),
    React(React),
    Flag(Flag),
    Block(Block),
    Edit(Edit),
    Rsvp(Rsvp),
    ChooseAnswer(ChooseAnswer),
    Featured(Featured),
    Lock(Lock),
}

/// Calls the same method on whichever activity this is.
macro_rules! each {
    ($self:expr, $a:ident => $call:expr) => {
        match $self {
            InboxActivity::Follow($a) => $call,
            InboxActivity::Answer($a) => $call,
            InboxActivity::Undo($a) => $call,
            InboxActivity::UpdateActor($a) => $call,
            InboxActivity::CreateOrUpdate($a) => $call,
            InboxActivity::Delete($a) => $call,
            InboxActivity::Announce($a) => $call,
            InboxActivity::React($a) => $call,
            InboxActivity::Flag($a) => $call,
            InboxActivity::Block($a) => $call,
            InboxActivity::Edit($a) => $call,
            InboxActivity::Rsvp($a) => $call,
            InboxActivity::ChooseAnswer($a) => $call,
            InboxActivity::Featured($a) => $call,
            InboxActivity::Lock($a) => $call,
        }
    };
}

#[async_trait::async_trait]
impl Activity for InboxActivity {
    type DataType = Context;
    type Error = FederationError;

    fn id(&self) -> &Url {
        each!(self, a => a.id())
    }

    fn actor(&self) -> &Url {
        each!(self, a => a.actor())
    }

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        each!(self, a => a.verify(data).await)
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        each!(self, a => a.receive(data).await)
    }
}

/// The parts of `Activity` that read the same for every activity here: the
/// data and error types, and the `id` and `actor` fields.
macro_rules! activity_basics {
    () => {
        type DataType = moot_app::Context;
        type Error = crate::error::FederationError;

        fn id(&self) -> &url::Url {
            &self.id
        }

        fn actor(&self) -> &url::Url {
            self.actor.inner()
        }
    };
}
pub(crate) use activity_basics;

/// An activity's `actor`: its id, or the id of an embedded actor (some
/// servers embed it). What an embedded actor says is not taken: the actor
/// is read from its own origin, as for an id.
pub(crate) fn actor_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<
    activitypub_federation::fetch::object_id::ObjectId<crate::objects::actor::ApActor>,
    D::Error,
> {
    use serde::de::Error;
    let value = serde_json::Value::deserialize(deserializer)?;
    let raw = value
        .as_str()
        .or_else(|| value.get("id")?.as_str())
        .ok_or_else(|| D::Error::custom("actor: expected the actor's id, or an object with one"))?;
    Url::parse(raw)
        .map(Into::into)
        .map_err(|e| D::Error::custom(format!("actor: {e}")))
}

/// The id of an activity's `object`, whether sent as a URL or embedded.
/// The activity's object id, which `verify` required: refused if missing.
pub(crate) fn required_object(object: &serde_json::Value) -> Result<Url, FederationError> {
    object_id(object).ok_or_else(|| {
        FederationError::refused(
            actix_web::http::StatusCode::BAD_REQUEST,
            "the activity's object has no id",
        )
    })
}

pub fn object_id(object: &serde_json::Value) -> Option<Url> {
    let raw = object.as_str().or_else(|| object.get("id")?.as_str())?;
    Url::parse(raw).ok()
}
