//! The sector directory on the wire: this node's instance actor publishes
//! its groups anyone may find as an `OrderedCollection` (`directory` on the
//! instance actor), and a reader keeps each active peer's copy fresh.
//! Entries carry Moot's terms `topics`, `members` and `lastActive`; each
//! listed group's actor is read from its own origin, never from the list.

use std::time::Duration;

use activitypub_federation::config::{Data, FederationConfig};
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::sector_directory::{self as directory, Listing, Read, MOST_LISTED};
use moot_app::Context;
use moot_protocol::collection::OrderedCollection;
use serde_json::{json, Value};
use url::Url;

use crate::error::FederationError;
use crate::negotiation::activity_json;
use crate::objects::actor::ApActor;
use crate::origin::same_origin;

/// How often due directories are looked for.
const CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(published);
}

fn entry(ctx: &Context, listing: &Listing) -> Value {
    let account = &listing.account;
    json!({
        "id": ctx.urls.person(&account.username),
        "type": account.actor_type,
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": account.summary,
        "url": ctx.urls.person_page(&account.username),
        "topics": listing.topics,
        "members": listing.members,
        "lastActive": listing.last_active.map(|t| t.to_rfc3339()),
    })
}

#[get("/actor/directory")]
async fn published(
    _req: HttpRequest,
    ctx: web::Data<Context>,
) -> Result<HttpResponse, FederationError> {
    let listed = directory::local(&ctx).await?;
    let items: Vec<Value> = listed.iter().map(|l| entry(&ctx, l)).collect();
    let mut collection = serde_json::to_value(OrderedCollection::new(
        ctx.urls.sector_directory(),
        items.len() as i64,
        items,
    ))
    .unwrap_or_default();
    collection["@context"] = json!([
        moot_protocol::context::ACTIVITYSTREAMS,
        {
            "topics": format!("{}ns#topics", ctx.urls.base()),
            "members": format!("{}ns#members", ctx.urls.base()),
            "lastActive": format!("{}ns#lastActive", ctx.urls.base()),
        }
    ]);
    Ok(activity_json(&collection))
}

/// Reads every due peer's directory, again and again.
pub fn spawn(config: FederationConfig<Context>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let ctx = config.to_request_data();
            match directory::due(ctx.app_data()).await {
                Ok(due) => {
                    for peering in due {
                        refresh(&config, &peering.domain, peering.actor_uri.as_deref()).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "reading due peer directories failed"),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    })
}

async fn refresh(config: &FederationConfig<Context>, peer: &str, actor: Option<&str>) {
    let data = config.to_request_data();
    let outcome = match read(config, actor).await {
        Ok(read) => directory::store_read(data.app_data(), peer, read)
            .await
            .map(|kept| tracing::info!(peer, kept, "peer directory read")),
        Err(e) => directory::read_failed(data.app_data(), peer, &e.to_string()).await,
    };
    if let Err(e) = outcome {
        tracing::warn!(peer, error = %e, "peer directory not stored");
    }
}

/// The groups a peer's directory lists, each read from its own actor.
async fn read(
    config: &FederationConfig<Context>,
    actor: Option<&str>,
) -> Result<Vec<Read>, FederationError> {
    let bad = |why: &str| FederationError::bad_request(why.to_owned());
    let actor = actor
        .and_then(|a| Url::parse(a).ok())
        .ok_or_else(|| bad("no instance actor is known for the peer"))?;
    let data = config.to_request_data();
    let doc = fetch_object_http::<Context, Value>(&actor, &data)
        .await?
        .object;
    let url = doc["directory"]
        .as_str()
        .and_then(|u| Url::parse(u).ok())
        .filter(|u| same_origin(u, &actor))
        .ok_or_else(|| bad("the peer publishes no directory"))?;
    let listed = fetch_object_http::<Context, Value>(&url, &data)
        .await?
        .object;
    let items = listed["orderedItems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut read = Vec::new();
    for item in items.iter().take(MOST_LISTED) {
        let Some(id) = item["id"].as_str().and_then(|u| Url::parse(u).ok()) else {
            continue;
        };
        if !same_origin(&id, &actor) {
            continue;
        }
        // Each group is read from its own actor (a fetch of its own).
        let data: Data<Context> = config.to_request_data();
        match ObjectId::<ApActor>::from(id.clone())
            .dereference(&data)
            .await
        {
            Ok(found) => {
                let Ok(account) = found.account() else {
                    continue;
                };
                read.push(Read {
                    account: account.clone(),
                    topics: item["topics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str())
                        .map(|t| t.chars().take(100).collect())
                        .collect(),
                    members: item["members"].as_i64().unwrap_or(0),
                    last_active: item["lastActive"]
                        .as_str()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.with_timezone(&chrono::Utc)),
                });
            }
            Err(e) => tracing::info!(group = %id, error = %e, "a listed group could not be read"),
        }
    }
    Ok(read)
}
