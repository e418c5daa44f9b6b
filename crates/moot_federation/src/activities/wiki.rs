//! Wiki pages from other nodes' groups (`Create`/`Update` of an `Article`
//! with a `Patch` as `result`) and edits of this node's pages sent by other
//! nodes' people (`Edit` of a `Patch`, Ibis's shape; `Create` of a `Patch`
//! too).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use actix_web::http::StatusCode;
use moot_app::Context;
use moot_protocol::wiki::{RemoteArticle, RemotePatch};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::group_content::{check_sent_by_group, fetch_history, parse};
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

/// Most revisions read from a page's history in one sync.
const MAX_HISTORY: usize = 1_000;

/// A revision sent by `actor`: it must be theirs, made on their node.
pub(crate) fn parse_submitted_patch(
    object: &Value,
    actor: &Url,
) -> Result<RemotePatch, FederationError> {
    let patch: RemotePatch = parse(object, "Patch")?;
    require_same_origin(&patch.id, actor, "revision and actor")?;
    if &patch.attributed_to != actor {
        return Err(FederationError::refused(
            StatusCode::BAD_REQUEST,
            "the revision is not attributed to the actor that sent it",
        ));
    }
    Ok(patch)
}

/// An edit of one of this node's pages.
pub(crate) async fn receive_edit(
    data: &Data<Context>,
    activity_id: &Url,
    actor: &ObjectId<ApActor>,
    patch: &RemotePatch,
) -> Result<(), FederationError> {
    let editor = actor.dereference(data).await?;
    moot_app::wiki::receive_edit(data.app_data(), activity_id, editor.account()?, patch).await?;
    Ok(())
}

/// Checks a page sent by `actor`: the page is the group's own, on its node.
pub(crate) fn parse_page(
    object: &Value,
    result: Option<&Value>,
    actor: &Url,
) -> Result<(RemoteArticle, Option<RemotePatch>), FederationError> {
    let article: RemoteArticle = parse(object, "Article")?;
    check_sent_by_group(
        &article.id,
        article.audience.as_ref(),
        article.attributed_to.as_ref(),
        article.edits.as_ref(),
        actor,
        "wiki page",
    )?;
    let patch = match result {
        Some(result) if result.is_object() => {
            let patch: RemotePatch = parse(result, "Patch")?;
            require_same_origin(&patch.id, actor, "revision and group")?;
            if patch.object != article.id {
                return Err(FederationError::refused(
                    StatusCode::BAD_REQUEST,
                    "the revision is of another page",
                ));
            }
            Some(patch)
        }
        _ => None,
    };
    Ok((article, patch))
}

/// Stores a page of another node's group, with the revision that made it,
/// and fetches the page's history from its origin if revisions are missing.
pub(crate) async fn receive_page(
    data: &Data<Context>,
    actor: &ObjectId<ApActor>,
    article: &RemoteArticle,
    revision: Option<&RemotePatch>,
) -> Result<(), FederationError> {
    let group = actor.dereference(data).await?;
    let ctx = data.app_data();
    let author = match revision {
        Some(patch) => Some(
            ObjectId::<ApActor>::from(patch.attributed_to.clone())
                .dereference(data)
                .await?,
        ),
        None => None,
    };
    let with_author = match (revision, &author) {
        (Some(patch), Some(author)) => Some((patch, author.account()?)),
        _ => None,
    };
    let sync = moot_app::wiki::receive_page(ctx, group.account()?, article, with_author).await?;
    if let (moot_app::wiki::Sync::NeedsHistory(page_id), Some(edits)) = (sync, &article.edits) {
        sync_history(data, page_id, edits).await?;
    }
    Ok(())
}

/// Reads a page's revisions from its origin and adds the missing ones.
async fn sync_history(
    data: &Data<Context>,
    page_id: i64,
    edits: &Url,
) -> Result<(), FederationError> {
    let mut revisions = Vec::new();
    for item in fetch_history(data, edits, MAX_HISTORY).await? {
        let Ok(patch) = serde_json::from_value::<RemotePatch>(item) else {
            continue;
        };
        let author = ObjectId::<ApActor>::from(patch.attributed_to.clone())
            .dereference(data)
            .await?;
        revisions.push((patch, author.account()?.clone()));
    }
    moot_app::wiki::receive_history(data.app_data(), page_id, &revisions).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum EditType {
    Edit,
}

/// Ibis's `Edit{Patch}`: someone on another node edits one of our pages.
#[derive(Debug, Deserialize)]
pub struct Edit {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: EditType,
    #[serde(deserialize_with = "super::actor_id")]
    pub actor: ObjectId<ApActor>,
    pub object: Value,
}

#[async_trait::async_trait]
impl Activity for Edit {
    super::activity_basics!();

    async fn verify(&self, _: &Data<Context>) -> Result<(), FederationError> {
        parse_submitted_patch(&self.object, self.actor.inner())?;
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), FederationError> {
        let patch = parse_submitted_patch(&self.object, self.actor.inner())?;
        receive_edit(data, &self.id, &self.actor, &patch).await
    }
}
