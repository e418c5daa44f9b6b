//! Lemmy's `Lock` of a post: its thread takes no new replies. Taken only
//! from the group the post was made in (`moot_app::group_moderation`);
//! its `Undo` opens the thread again.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::object_id;
use crate::error::FederationError;
use crate::objects::actor::ApActor;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum LockType {
    Lock,
}

#[derive(Debug, Deserialize)]
pub struct Lock {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: LockType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

#[async_trait::async_trait]
impl Activity for Lock {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "Lock without an object id")
        })?;
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        let post = super::required_object(&self.object)?;
        moot_app::group_moderation::receive_lock(data.app_data(), actor.account()?, &post, true)
            .await?;
        Ok(())
    }
}
