//! Create, Update and Delete of posts (Note, Article, Page).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::DeleteType;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use moot_protocol::library::RemoteItem;
use moot_protocol::notes::{RemoteNote, POST_TYPES};
use moot_protocol::wiki::RemoteArticle;
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
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    /// Everything else, kept so a group can announce the activity unchanged.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
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

/// What a `Create` or `Update` carries besides posts.
enum Carried {
    Post,
    /// A group's wiki page.
    WikiPage,
    /// An item of a group's library.
    LibraryItem,
    /// An event of a group or person.
    Event,
    /// An edit of one of our wiki pages (`Create{Patch}`).
    WikiEdit,
}

impl CreateOrUpdate {
    fn carries(&self) -> Carried {
        match self.object.get("type").and_then(Value::as_str) {
            _ if RemoteArticle::is_wiki_page(&self.object) => Carried::WikiPage,
            _ if RemoteItem::is_library_item(&self.object) => Carried::LibraryItem,
            Some("Event") => Carried::Event,
            Some("Patch") if self.kind == CreateOrUpdateType::Create => Carried::WikiEdit,
            _ => Carried::Post,
        }
    }

    /// The embedded post, if it is one we take.
    fn note(&self) -> Result<RemoteNote, FederationError> {
        let kind = self
            .object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !POST_TYPES.contains(&kind) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                format!("{:?} of `{kind}` is not handled", self.kind),
            ));
        }
        serde_json::from_value(self.object.clone()).map_err(|e| {
            FederationError::refused(StatusCode::BAD_REQUEST, format!("malformed {kind}: {e}"))
        })
    }
}

#[async_trait::async_trait]
impl Activity for CreateOrUpdate {
    super::activity_basics!();

    /// Origin is identity: the post must come from the actor's own origin
    /// and be attributed to the actor. (Posts of other origins are never
    /// trusted as sent.)
    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        let actor = self.actor.inner();
        match self.carries() {
            Carried::WikiPage => {
                wiki::parse_page(&self.object, self.rest.get("result"), actor)?;
                return Ok(());
            }
            Carried::WikiEdit => {
                wiki::parse_submitted_patch(&self.object, actor)?;
                return Ok(());
            }
            Carried::LibraryItem => {
                library::parse_item(&self.object, self.rest.get("result"), actor)?;
                return Ok(());
            }
            Carried::Event => {
                events::parse_event(&self.object, actor)?;
                return Ok(());
            }
            Carried::Post => {}
        }
        let note = self.note()?;
        require_same_origin(&note.id, self.actor.inner(), "post and actor")?;
        if note.author().as_ref() != Some(self.actor.inner()) {
            return Err(FederationError::refused(
                StatusCode::BAD_REQUEST,
                "the post is not attributed to the actor that sent it",
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        match self.carries() {
            Carried::WikiPage => {
                let (article, revision) =
                    wiki::parse_page(&self.object, self.rest.get("result"), self.actor.inner())?;
                return wiki::receive_page(data, &self.actor, &article, revision.as_ref()).await;
            }
            Carried::WikiEdit => {
                let patch = wiki::parse_submitted_patch(&self.object, self.actor.inner())?;
                return wiki::receive_edit(data, &self.id, &self.actor, &patch).await;
            }
            Carried::LibraryItem => {
                let (item, version) =
                    library::parse_item(&self.object, self.rest.get("result"), self.actor.inner())?;
                return library::receive_item(data, &self.actor, &item, version.as_ref()).await;
            }
            Carried::Event => {
                let event = events::parse_event(&self.object, self.actor.inner())?;
                return events::receive_event(data, &self.actor, &event).await;
            }
            Carried::Post => {}
        }
        let note = self.note()?;
        let actor = self.actor.dereference(data).await?;
        let ctx = data.app_data();
        if let (CreateOrUpdateType::Create, Some(parent)) = (self.kind, note.in_reply_to()) {
            fetch_parent(data, parent).await;
        }
        let raw = as_received(
            &self.id,
            &format!("{:?}", self.kind),
            self.actor.inner(),
            &self.object,
            &self.rest,
        );
        match self.kind {
            CreateOrUpdateType::Create => {
                moot_app::statuses::receive_create(ctx, &raw, &self.id, actor.account()?, &note)
                    .await?
            }
            CreateOrUpdateType::Update => {
                moot_app::statuses::receive_update(ctx, &raw, &self.id, actor.account()?, &note)
                    .await?
            }
        }
        Ok(())
    }
}

/// Most time the thread above a received reply may take to fetch.
const PARENT_FETCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Fetches the parent of a received reply if it is unknown, so the reply
/// threads; bounded by the per-request fetch count and a time budget.
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
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

#[async_trait::async_trait]
impl Activity for Delete {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        let object = object_id(&self.object).ok_or_else(|| {
            FederationError::refused(StatusCode::BAD_REQUEST, "Delete without an object id")
        })?;
        require_same_origin(&object, self.actor.inner(), "deleted object and actor")?;
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let object = object_id(&self.object).expect("checked in verify");
        if &object == self.actor.inner() {
            // An account deleting itself: not handled yet; accepted so the
            // peer does not retry.
            tracing::info!(actor = %object, "account deletion received; not handled yet");
            return Ok(());
        }
        let actor = self.actor.dereference(data).await?;
        let ctx = data.app_data();
        if moot_app::library::receive_delete(ctx, actor.account()?, &object).await?
            || moot_app::events::receive_delete(ctx, actor.account()?, &object).await?
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
