//! `Add` and `Remove` of a post to or from an actor's `featured`
//! collection (pinned posts; a group's pinned and announcement posts), as
//! Mastodon, Lemmy and PieFed send them.

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
use crate::objects::post::ApPost;
use crate::origin::require_same_origin;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum FeaturedType {
    Add,
    Remove,
}

#[derive(Debug, Deserialize)]
pub struct Featured {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: FeaturedType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    pub target: Value,
}

#[async_trait::async_trait]
impl Activity for Featured {
    super::activity_basics!();

    /// Only the actor's own `featured` collection: on its node, named so.
    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        let refused = |why: &str| FederationError::refused(StatusCode::BAD_REQUEST, why.to_owned());
        object_id(&self.object).ok_or_else(|| refused("Add/Remove without an object id"))?;
        let target =
            object_id(&self.target).ok_or_else(|| refused("Add/Remove without a target"))?;
        require_same_origin(&target, self.actor.inner(), "collection and actor")?;
        if !target.path().trim_end_matches('/').ends_with("featured") {
            return Err(refused("only Add/Remove of pinned posts is handled"));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        let post = super::required_object(&self.object)?;
        let post = ObjectId::<ApPost>::from(post).dereference(data).await?;
        moot_app::pins::receive_featured(
            data.app_data(),
            actor.account()?,
            &post.status,
            self.kind == FeaturedType::Add,
        )
        .await?;
        Ok(())
    }
}
