//! Create, Update and Delete of posts (Note, Article, Page).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::DeleteType;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use moot_protocol::events::RemoteEvent;
use moot_protocol::library::{RemoteItem, RemoteUpload, RemoteVersion};
use moot_protocol::notes::{RemoteNote, POST_TYPES};
use moot_protocol::wiki::{RemoteArticle, RemotePatch};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::{events, library, object_id, wiki};
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum CreateOrUpdateType {
    Create,
    Update,
}

/// `Create` or `Update` of a post embedded in the activity.
#[derive(Debug, Deserialize)]
pub struct CreateOrUpdate {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: CreateOrUpdateType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    #[serde(deserialize_with = "one_type")]
    pub object: Value,
    /// Everything else, kept so a group can announce the activity unchanged.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
    /// The object, parsed and checked by `verify`.
    #[serde(skip)]
    parsed: std::sync::OnceLock<Carried>,
}

/// The embedded object with a single `type` (see `with_one_type`).
fn one_type<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer).map(moot_protocol::notes::with_one_type)
}

/// An activity as it was received, rebuilt from its parsed parts.
pub(crate) fn as_received(
    id: &Url,
    kind: &str,
    actor: &Url,
    object: &Value,
    rest: &serde_json::Map<String, Value>,
) -> Value {
    let mut all = rest.clone();
    all.insert("id".into(), Value::String(id.to_string()));
    all.insert("type".into(), Value::String(kind.to_owned()));
    all.insert("actor".into(), Value::String(actor.to_string()));
    all.insert("object".into(), object.clone());
    Value::Object(all)
}

/// What a `Create` or `Update` carries, parsed and checked.
#[derive(Debug)]
enum Carried {
    Post(Box<RemoteNote>),
    /// A group's wiki page, and the revision it is at.
    WikiPage(Box<(RemoteArticle, Option<RemotePatch>)>),
    /// An item of a group's library, and its new version.
    LibraryItem(Box<(RemoteItem, Option<RemoteVersion>)>),
    /// An event of a group or person.
    Event(Box<RemoteEvent>),
    /// An edit of one of our wiki pages (`Create{Patch}`).
    WikiEdit(Box<RemotePatch>),
    /// A file proposed to one of our groups' libraries.
    Upload(Box<RemoteUpload>),
}

impl CreateOrUpdate {
    /// The object, parsed and checked: origin is identity, so it must come
    /// from the actor's own origin and be attributed to the actor (objects
    /// of other origins are never trusted as sent).
    fn parse(&self) -> Result<Carried, FederationError> {
        let actor = self.actor.inner();
        let result = self.rest.get("result");
        Ok(match self.object.get("type").and_then(Value::as_str) {
            _ if RemoteArticle::is_wiki_page(&self.object) => {
                Carried::WikiPage(Box::new(wiki::parse_page(&self.object, result, actor)?))
            }
            _ if self.kind == CreateOrUpdateType::Create
                && RemoteUpload::is_upload(&self.object) =>
            {
                Carried::Upload(Box::new(library::parse_upload(&self.object, actor)?))
            }
            _ if RemoteItem::is_library_item(&self.object) => {
                Carried::LibraryItem(Box::new(library::parse_item(&self.object, result, actor)?))
            }
            // An event with no time cannot be answered: it is shown as a
            // post with its title, as Mastodon shows what it has no type for.
            Some("Event") if self.object.get("startTime").is_some() => {
                Carried::Event(Box::new(events::parse_event(&self.object, actor)?))
            }
            Some("Patch") if self.kind == CreateOrUpdateType::Create => {
                Carried::WikiEdit(Box::new(wiki::parse_submitted_patch(&self.object, actor)?))
            }
            _ => {
                let note = self.note()?;
                require_same_origin(&note.id, actor, "post and actor")?;
                if note.author().as_ref() != Some(actor) {
                    return Err(FederationError::refused(
                        StatusCode::BAD_REQUEST,
                        "the post is not attributed to the actor that sent it",
                    ));
                }
                Carried::Post(Box::new(note))
            }
        })
    }

    /// The embedded post, if it is one we take.
    fn note(&self) -> Result<RemoteNote, FederationError> {
        let kind = self
            .object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let refused = |why: String| FederationError::refused(StatusCode::BAD_REQUEST, why);
        let taken = format!("{}, Event, Patch or Document", POST_TYPES.join(", "));
        if !self.object.is_object() {
            return Err(refused(format!(
                "`object` must be the object itself (one of {taken}), not only its id"
            )));
        }
        if kind.is_empty() {
            return Err(refused(format!(
                "`object.type` is missing: expected one of {taken}"
            )));
        }
        if !POST_TYPES.contains(&kind) && kind != "Event" {
            return Err(refused(format!(
                "{:?} of `{kind}` is not taken here (`object.type`: expected one of {taken})",
                self.kind
            )));
        }
        serde_path_to_error::deserialize(&self.object).map_err(|e| {
            let path = e.path().to_string();
            refused(format!(
                "this {kind} is not understood: `object.{path}`: {}",
                e.into_inner()
            ))
        })
    }
}

#[async_trait::async_trait]
impl Activity for CreateOrUpdate {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        let parsed = self.parse()?;
        let _ = self.parsed.set(parsed);
        Ok(())
    }

    async fn receive(mut self, data: &Data<Context>) -> Result<(), FederationError> {
        // Parsed by `verify`, which always runs first; parsed here if not.
        let carried = match self.parsed.take() {
            Some(carried) => carried,
            None => self.parse()?,
        };
        let note = match carried {
            Carried::WikiPage(page) => {
                let (article, revision) = *page;
                return wiki::receive_page(data, &self.actor, &article, revision.as_ref()).await;
            }
            Carried::WikiEdit(patch) => {
                return wiki::receive_edit(data, &self.id, &self.actor, &patch).await;
            }
            Carried::Upload(upload) => {
                return library::receive_upload(data, &self.id, &self.actor, &upload).await;
            }
            Carried::LibraryItem(item) => {
                let (item, version) = *item;
                return library::receive_item(data, &self.actor, &item, version.as_ref()).await;
            }
            Carried::Event(event) => {
                let proposed = (self.kind == CreateOrUpdateType::Create).then_some(&self.id);
                return events::receive_event(data, &self.actor, &event, proposed).await;
            }
            Carried::Post(note) => note,
        };
        let actor = self.actor.dereference(data).await?;
        let ctx = data.app_data();
        if let (CreateOrUpdateType::Create, Some(parent)) = (self.kind, note.in_reply_to()) {
            fetch_parent(data, parent).await;
        }
        // The quoted post too, so apps can show it inside the quote.
        if let (CreateOrUpdateType::Create, Some(quoted)) = (self.kind, note.quoted()) {
            fetch_parent(data, quoted).await;
        }
        // Rebuilt only where it is needed: a group announces it unchanged.
        let raw = || {
            as_received(
                &self.id,
                &format!("{:?}", self.kind),
                self.actor.inner(),
                &self.object,
                &self.rest,
            )
        };
        match self.kind {
            CreateOrUpdateType::Create => {
                moot_app::statuses::receive_create(ctx, raw, &self.id, actor.account()?, &note)
                    .await?
            }
            CreateOrUpdateType::Update => {
                moot_app::statuses::receive_update(ctx, &raw(), &self.id, actor.account()?, &note)
                    .await?
            }
        }
        Ok(())
    }
}

/// Most time the thread above a received reply may take to fetch.
const PARENT_FETCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Fetches a post a received one refers to if it is unknown (its parent,
/// so the reply threads, or the post it quotes); bounded by the
/// per-request fetch count and a time budget; failing is not an error.
async fn fetch_parent(data: &Data<Context>, parent: Url) {
    let id = ObjectId::<crate::objects::post::ApPost>::from(parent.clone());
    match tokio::time::timeout(PARENT_FETCH_BUDGET, id.dereference(data)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::debug!(%parent, error = %e, "could not fetch the parent of a reply"),
        Err(_) => tracing::info!(%parent, "gave up fetching the thread above a reply"),
    }
}

/// `Delete` of a post, a group's library item or an event (by id or as a
/// `Tombstone`).
#[derive(Debug, Deserialize)]
pub struct Delete {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: DeleteType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

#[async_trait::async_trait]
impl Activity for Delete {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        // Another origin's object: only a group removing a post made in
        // it, which `receive` checks against the stored post.
        object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "Delete without an object id")
        })?;
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let object = super::required_object(&self.object)?;
        if &object == self.actor.inner() {
            // An account deleting itself: not handled yet; accepted so the
            // peer does not retry.
            tracing::info!(actor = %object, "account deletion received; not handled yet");
            return Ok(());
        }
        let actor = self.actor.dereference(data).await?;
        let ctx = data.app_data();
        let same_origin =
            require_same_origin(&object, self.actor.inner(), "deleted object and actor").is_ok();
        if same_origin
            && (moot_app::library::receive_delete(ctx, actor.account()?, &object).await?
                || moot_app::events::receive_delete(ctx, actor.account()?, &object).await?)
        {
            return Ok(());
        }
        let raw = as_received(
            &self.id,
            "Delete",
            self.actor.inner(),
            &self.object,
            &self.rest,
        );
        moot_app::statuses::receive_delete(
            data.app_data(),
            &raw,
            &self.id,
            actor.account()?,
            &object,
        )
        .await?;
        Ok(())
    }
}
