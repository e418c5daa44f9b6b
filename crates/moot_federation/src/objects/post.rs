//! Posts as the federation library sees them: found locally by id, fetched
//! (signed, by the instance actor) when unknown, verified and stored. The
//! parent of a fetched reply is fetched too, within the library's per-request
//! fetch limit, so a hostile chain of replies cannot run on forever.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Object;
use chrono::{DateTime, Utc};
use moot_app::model::Account;
use moot_app::model::Status;
use moot_app::Context;
use moot_protocol::notes::{RemoteNote, POST_TYPES};
use url::Url;

use super::actor::ApActor;
use crate::error::FederationError;
use crate::origin::require_same_origin;

#[derive(Debug, Clone)]
pub struct ApPost {
    pub id: Url,
    pub status: Status,
    pub author: Account,
}

fn refused(message: &str) -> FederationError {
    FederationError::refused(actix_web::http::StatusCode::BAD_REQUEST, message)
}

#[async_trait::async_trait]
impl Object for ApPost {
    type DataType = Context;
    type Kind = RemoteNote;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        // Stored posts are kept up to date by Update activities.
        Some(Utc::now())
    }

    async fn read_from_id(id: Url, data: &Data<Context>) -> Result<Option<Self>, FederationError> {
        let found = moot_app::statuses::find_by_uri(data.app_data(), &id).await?;
        Ok(found.map(|(status, author)| ApPost { id, status, author }))
    }

    async fn into_json(self, data: &Data<Context>) -> Result<RemoteNote, FederationError> {
        let json =
            moot_app::statuses::object_json(data.app_data(), &self.status, &self.author).await?;
        serde_json::from_value(json)
            .map_err(|e| FederationError::App(anyhow::anyhow!("{e}").into()))
    }

    /// Origin is identity: the post is served by its own origin and
    /// attributed to an actor of that origin.
    async fn verify(
        json: &RemoteNote,
        expected_domain: &Url,
        _: &Data<Context>,
    ) -> Result<(), FederationError> {
        if !POST_TYPES.contains(&json.kind.as_str()) {
            return Err(refused("the fetched object is not a post"));
        }
        require_same_origin(
            &json.id,
            expected_domain,
            "post id and the URL it was fetched from",
        )?;
        let author = json
            .author()
            .ok_or_else(|| refused("the post has no author"))?;
        require_same_origin(&author, &json.id, "post and author")?;
        Ok(())
    }

    async fn from_json(json: RemoteNote, data: &Data<Context>) -> Result<Self, FederationError> {
        let author_id = json
            .author()
            .ok_or_else(|| refused("the post has no author"))?;
        let author = ObjectId::<ApActor>::from(author_id)
            .dereference(data)
            .await?;
        if let Some(parent) = json.in_reply_to() {
            // Best effort: a thread whose top cannot be fetched is kept as is.
            // Fetching a parent recurses (up to the per-request fetch cap,
            // which the cloned data carries on counting): each parent is
            // fetched in a task of its own, so that a deep thread never
            // nests deeper on one thread's stack.
            let parent = ObjectId::<ApPost>::from(parent.clone());
            let parent_data = data.clone();
            let fetch = tokio::spawn(async move {
                match parent.dereference(&parent_data).await {
                    Ok(_) => None,
                    Err(e) => Some((parent, e.to_string())),
                }
            });
            match fetch.await {
                Ok(None) => {}
                Ok(Some((parent, e))) => {
                    tracing::debug!(%parent, error = %e, "could not fetch the parent of a post")
                }
                Err(e) => tracing::warn!(error = %e, "fetching the parent of a post failed"),
            }
        }
        let status = Box::pin(moot_app::statuses::store_remote(
            data.app_data(),
            author.account()?,
            &json,
        ))
        .await?;
        Ok(ApPost {
            id: json.id,
            status,
            author: author.account()?.clone(),
        })
    }
}
