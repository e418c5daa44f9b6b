//! Follow, Accept / Reject of a Follow, and Undo of a Follow.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{FollowType, UndoType};
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use moot_protocol::activities::FollowAnswer;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::object_id;
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

#[derive(Debug, Deserialize)]
pub struct Follow {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: FollowType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: ObjectId<ApActor>,
    /// What a node proposing peering says to this node's admin.
    #[serde(default)]
    pub content: Option<String>,
}

#[async_trait::async_trait]
impl Activity for Follow {
    super::activity_basics!();

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        if !self.object.is_local(data) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "this node only takes follows of its own actors",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let follower = self.actor.dereference(data).await?;
        if self.object.inner() == &data.app_data().urls.instance_actor() {
            // Another node's instance actor proposing peering.
            let proposal = crate::peering::proposal(
                &self.id,
                follower.account()?,
                self.content.as_deref().unwrap_or_default(),
            )?;
            moot_app::peering::receive_proposal(data.app_data(), proposal).await?;
            return Ok(());
        }
        let target = self.object.dereference_local(data).await?;
        moot_app::follows::receive_follow(
            data.app_data(),
            &self.id,
            follower.account()?,
            target.account()?,
        )
        .await?;
        Ok(())
    }
}

/// `Accept` or `Reject` whose object is a `Follow` (embedded or by id), an
/// `Edit` of a wiki page or an answer to an event sent from here, or one of
/// this node's events (going or not).
#[derive(Debug, Deserialize)]
pub struct AnswerFollow {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: AnswerType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    /// Why, for a rejected wiki edit (read only when a string).
    #[serde(default)]
    pub summary: Value,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum AnswerType {
    Accept,
    Reject,
}

#[async_trait::async_trait]
impl Activity for AnswerFollow {
    super::activity_basics!();

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        // The follow being answered is one of ours.
        let follow = object_id(&self.object).ok_or_else(|| {
            FederationError::refused(
                StatusCode::BAD_REQUEST,
                "Accept/Reject without an object id",
            )
        })?;
        if crate::objects::actor::authority(&follow).as_deref() != Some(data.domain()) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "the answered follow was not sent by this node",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        let follow = super::required_object(&self.object)?;
        let accepted = self.kind == AnswerType::Accept;
        let ctx = data.app_data();
        // An answer to our instance actor's follow: a peering's or a relay's.
        let follower = self.object.get("actor").and_then(Value::as_str);
        if follower.is_none_or(|a| a == ctx.urls.instance_actor().as_str())
            && (moot_app::peering::receive_answer(
                ctx,
                &crate::peering::domain_of(self.actor.inner()),
                &follow,
                accepted,
            )
            .await?
                || moot_app::relays::receive_answer(ctx, self.actor.inner(), &follow, accepted)
                    .await?)
        {
            return Ok(());
        }
        // What the answer is about decides who handles it; an embedded
        // Follow (as most servers send it) needs no look-up to tell.
        let is_follow = self.object.get("type").and_then(Value::as_str) == Some("Follow");
        if !is_follow
            && self
                .answers_other(ctx, actor.account()?, &follow, accepted)
                .await?
        {
            return Ok(());
        }
        let answer = match self.kind {
            AnswerType::Accept => FollowAnswer::Accept,
            AnswerType::Reject => FollowAnswer::Reject,
        };
        let follower = self
            .object
            .get("actor")
            .and_then(Value::as_str)
            .and_then(|a| Url::parse(a).ok());
        let newly_accepted = match moot_app::follows::receive_follow_answer(
            ctx,
            &self.id,
            answer,
            actor.account()?,
            &follow,
            follower.as_ref(),
        )
        .await
        {
            // An answer to something sent from here that nothing keeps
            // (an event proposed to a group): nothing more to do.
            Err(moot_app::AppError::NotFound) => {
                tracing::debug!(answered = %follow, "an answer to an activity no longer tracked");
                return Ok(());
            }
            other => other?,
        };
        // A group that takes a member from here: what it kept before
        // arrives too (once: a repeated Accept reads nothing again).
        if newly_accepted && actor.account()?.actor_type == "Group" {
            crate::backfill::spawn(data, self.actor.inner().clone());
        }
        Ok(())
    }
}

impl AnswerFollow {
    /// Handles an answer about one of our events, an answer to an event
    /// sent from here, or a group's decision on a wiki edit or a file sent
    /// from here.
    /// False when it is none of those (then it answers a follow).
    async fn answers_other(
        &self,
        ctx: &moot_app::Context,
        actor: &moot_app::model::Account,
        answered: &Url,
        accepted: bool,
    ) -> Result<bool, FederationError> {
        let kind = format!("{:?}", self.kind);
        Ok(
            // Accept or Reject of one of our events is an answer to it.
            moot_app::events::receive_rsvp(ctx, &self.id, &kind, actor, answered).await?
                // The event's node confirming an answer sent from here.
                || moot_app::events::is_sent_rsvp(ctx, answered).await?
                // A group's decision on a wiki edit sent from here.
                || moot_app::wiki::receive_answer(ctx, actor, answered, accepted, self.summary.as_str())
                    .await?
                // A group's decision on a file proposed from here.
                || moot_app::library_proposals::receive_answer(
                    ctx,
                    actor,
                    answered,
                    accepted,
                    self.summary.as_str(),
                )
                .await?,
        )
    }
}

/// `Undo` of an earlier Follow, Like, Dislike, Announce, Block,
/// ChooseAnswer or Lock by the same actor.
#[derive(Debug, Deserialize)]
pub struct Undo {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UndoType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

#[async_trait::async_trait]
impl Activity for Undo {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        let kind = self.object.get("type").and_then(Value::as_str);
        if !matches!(
            kind,
            Some("Follow" | "Like" | "Dislike" | "Announce" | "Block" | "ChooseAnswer" | "Lock")
        ) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                format!(
                    "Undo of {} is not handled",
                    kind.unwrap_or("an unknown object")
                ),
            ));
        }
        // Only what the actor itself did can be undone by it.
        let undone = object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "Undo without an object id")
        })?;
        require_same_origin(&undone, self.actor.inner(), "undone activity and actor")?;
        let undone_actor = self.object.get("actor").and_then(Value::as_str);
        if undone_actor != Some(self.actor.inner().as_str()) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "an actor can only undo its own activities",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        let undone = super::required_object(&self.object)?;
        let kind = self
            .object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ctx = data.app_data();
        match kind {
            "Follow" if self.object["object"] == ctx.urls.instance_actor().as_str() => {
                let domain = crate::peering::domain_of(self.actor.inner());
                moot_app::peering::receive_undo(ctx, &domain, &undone).await?;
            }
            "Follow" => {
                moot_app::follows::receive_unfollow(ctx, &self.id, actor.account()?, &undone)
                    .await?
            }
            "Block" => {
                moot_app::blocks::receive_unblock(ctx, &self.id, actor.account()?, &undone).await?
            }
            "ChooseAnswer" => {
                moot_app::answers::receive_undo(ctx, actor.account()?, None, &undone).await?
            }
            "Lock" => {
                let post = super::required_object(&self.object["object"])?;
                moot_app::group_moderation::receive_lock(ctx, actor.account()?, &post, false)
                    .await?
            }
            other => {
                let about = object_id(&self.object["object"]);
                moot_app::reactions::receive_undo(
                    ctx,
                    &self.id,
                    actor.account()?,
                    other,
                    &undone,
                    about.as_ref(),
                )
                .await?
            }
        }
        Ok(())
    }
}
