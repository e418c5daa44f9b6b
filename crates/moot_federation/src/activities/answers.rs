//! PieFed's `ChooseAnswer`: a question's author (or its group) marks a
//! reply as the answer.

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

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum ChooseAnswerType {
    ChooseAnswer,
}

#[derive(Debug, Deserialize)]
pub struct ChooseAnswer {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ChooseAnswerType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

/// Records a choice made by `chooser` (vouched for by the question's group
/// when it came announced): the answer is read from its own origin.
pub(crate) async fn receive_choice(
    data: &Data<Context>,
    activity_id: &Url,
    chooser: &ObjectId<ApActor>,
    vouched_by: Option<&moot_app::model::Account>,
    answer: Url,
) -> Result<(), FederationError> {
    let chooser = chooser.dereference(data).await?;
    let answer = ObjectId::<ApPost>::from(answer).dereference(data).await?;
    moot_app::answers::receive_choose(
        data.app_data(),
        activity_id,
        chooser.account()?,
        vouched_by,
        &answer.status,
    )
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Activity for ChooseAnswer {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "ChooseAnswer without an object id")
        })?;
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let answer = super::required_object(&self.object)?;
        receive_choice(data, &self.id, &self.actor, None, answer).await
    }
}
