//! `Announce`: a group re-distributing what was posted in it (FEP-1b12), or
//! a boost. The embedded activity is never trusted as sent: the post it is
//! about is fetched from its own origin.

use activitypub_federation::config::Data;
use activitypub_federation::error::Error as ProtocolError;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::AnnounceType;
use activitypub_federation::traits::Activity;
use moot_app::Context;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::object_id;
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::objects::post::ApPost;

#[derive(Debug, Deserialize)]
pub struct Announce {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: AnnounceType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

/// What an announced thing is about.
enum Announced {
    /// A post was made or edited (or is simply shared): fetch it.
    Post { id: Url, changed: bool },
    /// A post was deleted: check with its origin.
    Deleted(Url),
    /// A moderator's (or the author's) choice of a question's answer, or its
    /// withdrawal: the announcing group vouches for it.
    Answer { activity: Value },
    /// A member's vote on a post in the group, relayed (as Lemmy does).
    Vote { activity: Value },
    /// A moderator's lock of a thread in the group (or its undoing), as
    /// Lemmy announces it: the group vouches for it.
    Lock { post: Url, locked: bool },
    /// Something we do not act on (likes, moderation ...).
    Other(String),
}

fn classify(object: &Value) -> Option<Announced> {
    let kind = object.get("type").and_then(Value::as_str);
    Some(match kind {
        None => Announced::Post {
            id: object_id(object)?,
            changed: false,
        },
        Some("Create") => Announced::Post {
            id: object_id(&object["object"])?,
            changed: false,
        },
        Some("Update") => Announced::Post {
            id: object_id(&object["object"])?,
            changed: true,
        },
        Some("Delete") => Announced::Deleted(object_id(&object["object"])?),
        Some("ChooseAnswer") => Announced::Answer {
            activity: object.clone(),
        },
        Some("Undo") if object["object"]["type"] == "ChooseAnswer" => Announced::Answer {
            activity: object.clone(),
        },
        Some("Lock") => Announced::Lock {
            post: object_id(&object["object"])?,
            locked: true,
        },
        Some("Undo") if object["object"]["type"] == "Lock" => Announced::Lock {
            post: object_id(&object["object"]["object"])?,
            locked: false,
        },
        Some("Like" | "Dislike") => Announced::Vote {
            activity: object.clone(),
        },
        Some("Undo") if matches!(object["object"]["type"].as_str(), Some("Like" | "Dislike")) => {
            Announced::Vote {
                activity: object.clone(),
            }
        }
        Some(k) if moot_protocol::notes::POST_TYPES.contains(&k) => Announced::Post {
            id: object_id(object)?,
            changed: false,
        },
        Some(other) => Announced::Other(other.to_owned()),
    })
}

#[async_trait::async_trait]
impl Activity for Announce {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        classify(&self.object).map(|_| ()).ok_or_else(|| {
            FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "Announce without an object id",
            )
        })
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let ctx = data.app_data();
        let announcer = self.actor.dereference(data).await?;
        let announcer = announcer.account()?;
        let announced = classify(&self.object).ok_or_else(|| {
            FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "Announce without an object id",
            )
        })?;
        match announced {
            // Our own post: a boost is counted; a group's announce of it is
            // news to no one here.
            Announced::Post { id, .. }
                if moot_app::statuses::local_status_id(ctx, &id).is_some() =>
            {
                if announcer.actor_type != "Group" {
                    if let Some((status, _)) = moot_app::statuses::find_by_uri(ctx, &id).await? {
                        moot_app::reactions::receive_boost(ctx, &self.id, announcer, &status)
                            .await?;
                    }
                }
            }
            // A relay's announce: the post is stored (and found by search),
            // no one's boost.
            Announced::Post { id, .. } if is_relay(ctx, announcer).await? => {
                ObjectId::<ApPost>::from(id).dereference(data).await?;
            }
            Announced::Post { id, changed } => {
                let post = ObjectId::<ApPost>::from(id);
                let post = if changed {
                    post.dereference_forced(data).await?
                } else {
                    post.dereference(data).await?
                };
                if announcer.actor_type == "Group" {
                    moot_app::statuses::file_under_group(ctx, post.status.id, announcer).await?;
                } else {
                    moot_app::reactions::receive_boost(ctx, &self.id, announcer, &post.status)
                        .await?;
                }
            }
            // A post made in the announcing group: the group's word (a
            // moderator's removal) is enough.
            Announced::Deleted(id) if in_group(ctx, &id, announcer).await? => {
                moot_app::statuses::confirm_gone(ctx, &id).await?
            }
            Announced::Deleted(id) => {
                // Otherwise, believe a deletion only from the post's origin.
                match ObjectId::<ApPost>::from(id.clone())
                    .dereference_forced(data)
                    .await
                {
                    Err(FederationError::Protocol(
                        ProtocolError::ObjectDeleted(_) | ProtocolError::NotFound,
                    )) => moot_app::statuses::confirm_gone(ctx, &id).await?,
                    Err(FederationError::App(moot_app::AppError::NotFound)) => {
                        moot_app::statuses::confirm_gone(ctx, &id).await?
                    }
                    _ => {
                        tracing::info!(%id, "announced deletion not confirmed by the post's origin")
                    }
                }
            }
            Announced::Answer { activity } => {
                receive_announced_answer(data, announcer, &activity).await?
            }
            Announced::Vote { activity } => {
                receive_relayed_vote(data, announcer, &activity).await?
            }
            Announced::Lock { post, locked } => {
                moot_app::group_moderation::receive_lock(ctx, announcer, &post, locked).await?
            }
            Announced::Other(kind) => tracing::debug!(%kind, "announced activity not acted on"),
        }
        Ok(())
    }
}

/// Whether `announcer` is a relay this node subscribes to.
async fn is_relay(
    ctx: &Context,
    announcer: &moot_app::model::Account,
) -> Result<bool, FederationError> {
    if !matches!(announcer.actor_type.as_str(), "Application" | "Service") {
        return Ok(false);
    }
    let Some(actor) = announcer.ap_id.as_deref() else {
        return Ok(false);
    };
    Ok(moot_app::relays::is_relay(ctx, actor).await?)
}

/// Whether the post `id` is stored here as made in `group`.
async fn in_group(
    ctx: &Context,
    id: &Url,
    group: &moot_app::model::Account,
) -> Result<bool, FederationError> {
    Ok(moot_app::statuses::find_by_uri(ctx, id)
        .await?
        .is_some_and(|(status, _)| status.group_id == Some(group.id)))
}

/// A vote (or its `Undo`) relayed by a group: taken when the post is in
/// that group, from the voter it names.
async fn receive_relayed_vote(
    data: &Data<Context>,
    group: &moot_app::model::Account,
    activity: &Value,
) -> Result<(), FederationError> {
    let refused = |what: &str| {
        FederationError::refused(actix_web::http::StatusCode::BAD_REQUEST, what.to_owned())
    };
    let undo = activity["type"] == "Undo";
    let vote = if undo { &activity["object"] } else { activity };
    let id = object_id(activity).ok_or_else(|| refused("the relayed vote has no id"))?;
    let voter = activity["actor"]
        .as_str()
        .and_then(|a| Url::parse(a).ok())
        .ok_or_else(|| refused("the relayed vote has no actor"))?;
    let post =
        object_id(&vote["object"]).ok_or_else(|| refused("the relayed vote has no object"))?;
    let ctx = data.app_data();
    moot_app::reactions::check_relayed_vote(ctx, group, &post).await?;
    let voter = ObjectId::<ApActor>::from(voter).dereference(data).await?;
    let kind = vote["type"].as_str().unwrap_or("Like");
    if undo {
        let undone = object_id(vote).ok_or_else(|| refused("the undone vote has no id"))?;
        moot_app::reactions::receive_undo(ctx, &id, voter.account()?, kind, &undone, Some(&post))
            .await?;
        return Ok(());
    }
    let reaction = match kind {
        "Dislike" => moot_app::reactions::Reaction::Dislike,
        _ => moot_app::reactions::Reaction::Like,
    };
    moot_app::reactions::receive_reaction(ctx, activity, &id, voter.account()?, reaction, &post)
        .await?;
    Ok(())
}

/// A choice of answer (or its `Undo`) announced by a group: taken as the
/// group's word for a question in it.
async fn receive_announced_answer(
    data: &Data<Context>,
    group: &moot_app::model::Account,
    activity: &Value,
) -> Result<(), FederationError> {
    let refused = |what: &str| {
        FederationError::refused(actix_web::http::StatusCode::BAD_REQUEST, what.to_owned())
    };
    if group.actor_type != "Group" {
        return Err(refused("only a group vouches for a choice of answer"));
    }
    let id = object_id(activity).ok_or_else(|| refused("announced activity without an id"))?;
    let actor = activity["actor"]
        .as_str()
        .and_then(|a| Url::parse(a).ok())
        .ok_or_else(|| refused("announced activity without an actor"))?;
    let chooser = ObjectId::<ApActor>::from(actor);
    if activity["type"] == "Undo" {
        let undone =
            object_id(&activity["object"]).ok_or_else(|| refused("Undo without an object"))?;
        let chooser = chooser.dereference(data).await?;
        moot_app::answers::receive_undo(data.app_data(), chooser.account()?, Some(group), &undone)
            .await?;
        return Ok(());
    }
    let answer =
        object_id(&activity["object"]).ok_or_else(|| refused("ChooseAnswer without an object"))?;
    super::answers::receive_choice(data, &id, &chooser, Some(group), answer).await
}
