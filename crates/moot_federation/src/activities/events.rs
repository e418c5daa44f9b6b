//! Events of other nodes (`Create`/`Update` of an `Event` by its group or
//! organizer) and answers to this node's events (`Join`, `TentativeAccept`,
//! `Leave`; `Accept` and `Reject` of an event are handled with the other
//! answers).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use moot_protocol::events::RemoteEvent;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::group_content::{check_sent_by_group, parse};
use super::object_id;
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

/// Checks an event sent by `actor`: it is the actor's own (as its group or
/// its organizer), on the actor's node.
pub(crate) fn parse_event(object: &Value, actor: &Url) -> Result<RemoteEvent, FederationError> {
    let event: RemoteEvent = parse(object, "Event")?;
    check_sent_by_group(
        &event.id,
        event.audience.as_ref(),
        event.attributed_to.as_ref(),
        None,
        actor,
        "event",
    )?;
    Ok(event)
}

/// An event published by a group or a person, or (`proposed` with the
/// activity's id) a member's event sent to one of our groups.
pub(crate) async fn receive_event(
    data: &Data<Context>,
    actor: &ObjectId<ApActor>,
    event: &RemoteEvent,
    proposed: Option<&Url>,
) -> Result<(), FederationError> {
    let owner = actor.dereference(data).await?;
    let to_a_group = event.audience.as_ref().is_some_and(|a| a != actor.inner());
    if let (Some(activity_id), true) = (proposed, to_a_group) {
        let ctx = data.app_data();
        if moot_app::events::receive_proposal(ctx, activity_id, owner.account()?, event).await? {
            return Ok(());
        }
    }
    // A group names the person organizing; only one of its own node's.
    let organizer = match &event.actor {
        Some(uri)
            if uri != actor.inner() && require_same_origin(uri, actor.inner(), "").is_ok() =>
        {
            Some(
                ObjectId::<ApActor>::from(uri.clone())
                    .dereference(data)
                    .await?,
            )
        }
        _ => None,
    };
    let owner_account = owner.account()?;
    let organizer_account = match &organizer {
        Some(o) => o.account()?,
        None => owner_account,
    };
    moot_app::events::receive_event(data.app_data(), owner_account, organizer_account, event)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum RsvpType {
    Join,
    TentativeAccept,
    Leave,
}

/// An answer to one of this node's events.
#[derive(Debug, Deserialize)]
pub struct Rsvp {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: RsvpType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

#[async_trait::async_trait]
impl Activity for Rsvp {
    super::activity_basics!();

    async fn verify(&self, data: &Data<Context>) -> Result<(), FederationError> {
        let event = object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "an answer without an object id")
        })?;
        if crate::objects::actor::authority(&event).as_deref() != Some(data.domain()) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "this node takes answers to its own events only",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let who = self.actor.dereference(data).await?;
        let event = super::required_object(&self.object)?;
        let kind = format!("{:?}", self.kind);
        let handled = moot_app::events::receive_rsvp(
            data.app_data(),
            &self.id,
            &kind,
            who.account()?,
            &event,
        )
        .await?;
        if !handled {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                format!("{kind} of anything but one of this node's events is not handled"),
            ));
        }
        Ok(())
    }
}
