//! `Block` of one of our people by an actor elsewhere: a person's block
//! (Mastodon), or, with a `target`, a moderator's ban from a community or
//! a whole node (Lemmy).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::BlockType;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use serde::Deserialize;
use url::Url;

use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::same_origin;

#[derive(Debug, Deserialize)]
pub struct Block {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: BlockType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: ObjectId<ApActor>,
    /// What the person is banned from, for a moderator's ban.
    #[serde(default)]
    pub target: Option<Url>,
}

#[async_trait::async_trait]
impl Activity for Block {
    super::activity_basics!();

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        if !self.object.is_local(data) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "this node only takes blocks of its own actors",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let ctx = data.app_data();
        let blocker = self.actor.dereference(data).await?;
        let blocked = self.object.dereference_local(data).await?;
        match &self.target {
            // A ban from a community on the moderator's own node: the
            // member is out of it. Bans from anything else change nothing.
            Some(target) if same_origin(target, self.actor.inner()) => {
                moot_app::blocks::receive_ban(ctx, &self.id, blocked.account()?, target).await?
            }
            Some(target) => tracing::info!(%target, "ban from elsewhere ignored"),
            None => {
                moot_app::blocks::receive_block(
                    ctx,
                    &self.id,
                    blocker.account()?,
                    blocked.account()?,
                )
                .await?
            }
        }
        Ok(())
    }
}
