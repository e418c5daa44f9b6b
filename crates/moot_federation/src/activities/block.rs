//! `Block` of one of our people by an actor elsewhere.

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

#[derive(Debug, Deserialize)]
pub struct Block {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub actor: ObjectId<ApActor>,
    pub object: ObjectId<ApActor>,
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
        let blocker = self.actor.dereference(data).await?;
        let blocked = self.object.dereference_local(data).await?;
        moot_app::blocks::receive_block(
            data.app_data(),
            &self.id,
            blocker.account()?,
            blocked.account()?,
        )
        .await?;
        Ok(())
    }
}
