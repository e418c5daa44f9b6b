//! Like and Dislike of posts, and Flag (reports).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::FlagType;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::reactions::Reaction;
use moot_app::Context;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::object_id;
use crate::error::FederationError;
use crate::objects::actor::ApActor;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum ReactionType {
    Like,
    Dislike,
}

#[derive(Debug, Deserialize)]
pub struct React {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ReactionType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

#[async_trait::async_trait]
impl Activity for React {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        object_id(&self.object).map(|_| ()).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "a reaction needs an object")
        })
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        let object = super::required_object(&self.object)?;
        let reaction = match self.kind {
            ReactionType::Like => Reaction::Like,
            ReactionType::Dislike => Reaction::Dislike,
        };
        let raw = super::post::as_received(
            &self.id,
            reaction.as_str(),
            self.actor.inner(),
            &self.object,
            &self.rest,
        );
        moot_app::reactions::receive_reaction(
            data.app_data(),
            &raw,
            &self.id,
            actor.account()?,
            reaction,
            &object,
        )
        .await?;
        Ok(())
    }
}

/// `Flag`: a report about accounts or posts on this node.
#[derive(Debug, Deserialize)]
pub struct Flag {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: FlagType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[async_trait::async_trait]
impl Activity for Flag {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let reporter = self.actor.dereference(data).await?;
        let objects: Vec<Url> = moot_protocol::notes::ids(&self.object)
            .iter()
            .filter_map(|s| Url::parse(s).ok())
            .collect();
        let comment = self.content.or(self.summary).unwrap_or_default();
        moot_app::reactions::receive_report(
            data.app_data(),
            &self.id,
            reporter.account()?,
            &objects,
            &comment,
        )
        .await?;
        Ok(())
    }
}
