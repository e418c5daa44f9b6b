//! What a group kept before this node joined it: when a group on another
//! node accepts a member from here, its current wiki pages, library items
//! and events are read from its knowledge collections (on its own node
//! only) and stored as if the group had just published them. Runs in the
//! background: the Accept is answered at once.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use moot_app::Context;
use moot_protocol::actor::KNOWLEDGE_COLLECTIONS;
use serde_json::Value;
use url::Url;

use crate::activities::group_content::fetch_history;
use crate::activities::{events, library, wiki};
use crate::error::FederationError;
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

/// Most entries read from one collection.
const MAX_ENTRIES: usize = 200;

/// Starts reading what `group` keeps, in the background.
pub(crate) fn spawn(data: &Data<Context>, group: Url) {
    let data = data.reset_request_count();
    tokio::spawn(async move {
        if let Err(error) = backfill(&data, &group).await {
            tracing::info!(%group, %error, "could not read what the group keeps");
        }
    });
}

async fn backfill(data: &Data<Context>, group: &Url) -> Result<(), FederationError> {
    let actor = fetch_object_http::<Context, Value>(group, data)
        .await?
        .object;
    for name in KNOWLEDGE_COLLECTIONS {
        let Some(url) = actor.get(name).and_then(Value::as_str) else {
            continue;
        };
        let url = Url::parse(url).map_err(|e| FederationError::bad_request(e.to_string()))?;
        require_same_origin(&url, group, "collection and group")?;
        let entries = fetch_history(&data.reset_request_count(), &url, MAX_ENTRIES).await?;
        for entry in entries {
            // Each entry may fetch its own history: its own request budget.
            let data = data.reset_request_count();
            if let Err(error) = store(&data, group, name, &entry).await {
                let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
                tracing::info!(%group, id, %error, "skipped an entry of the group's {name}");
            }
        }
    }
    Ok(())
}

/// Stores one entry of collection `name` as the group publishing it.
async fn store(
    data: &Data<Context>,
    group: &Url,
    name: &str,
    entry: &Value,
) -> Result<(), FederationError> {
    let sender = ObjectId::<ApActor>::from(group.clone());
    match name {
        "wiki" => {
            let (article, _) = wiki::parse_page(entry, None, group)?;
            wiki::receive_page(data, &sender, &article, None).await
        }
        "resources" => {
            let (item, _) = library::parse_item(entry, None, group)?;
            library::receive_item(data, &sender, &item, None).await
        }
        _ => {
            let event = events::parse_event(entry, group)?;
            events::receive_event(data, &sender, &event, None).await
        }
    }
}
