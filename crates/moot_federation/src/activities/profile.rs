//! `Update` of an actor: a person changed their profile, or a group its
//! description. The embedded document is not trusted as sent: the actor
//! is fetched again from its origin, which only the sender's own node may
//! ask for.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::UpdateType;
use activitypub_federation::traits::Activity;
use moot_app::Context;
use moot_protocol::actor::ActorKind;
use serde::Deserialize;
use url::Url;

use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

#[derive(Debug, Deserialize)]
pub struct UpdateActor {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UpdateType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: UpdatedActor,
}

/// The updated actor: only its id and type are read.
#[derive(Debug, Deserialize)]
pub struct UpdatedActor {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ActorKind,
}

#[async_trait::async_trait]
impl Activity for UpdateActor {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        // A person updates themselves; a group's moderator, their group:
        // either way, an actor of the sender's own node.
        require_same_origin(
            &self.object.id,
            self.actor.inner(),
            "updated actor and sender",
        )
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        tracing::debug!(kind = ?self.object.kind, actor = %self.object.id, "refreshing an updated actor");
        ObjectId::<ApActor>::from(self.object.id)
            .dereference_forced(data)
            .await?;
        Ok(())
    }
}
