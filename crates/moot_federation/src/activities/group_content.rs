//! Rules shared by what groups keep and publish (wiki pages, library
//! items): the object is the group's own, on its node, and its history is
//! read from that node only.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use actix_web::http::StatusCode;
use moot_app::Context;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::error::FederationError;
use crate::origin::require_same_origin;

/// `value` read as a `what`, or 400.
pub(crate) fn parse<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, FederationError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        FederationError::refused(StatusCode::BAD_REQUEST, format!("malformed {what}: {e}"))
    })
}

/// An object published by group `actor`: its id and its history are on the
/// group's node, and it names the group as its audience or author.
pub(crate) fn check_sent_by_group(
    id: &Url,
    audience: Option<&Url>,
    attributed_to: Option<&Value>,
    history: Option<&Url>,
    actor: &Url,
    what: &str,
) -> Result<(), FederationError> {
    require_same_origin(id, actor, &format!("{what} and group"))?;
    let attributed = attributed_to.and_then(Value::as_str);
    if audience != Some(actor) && attributed != Some(actor.as_str()) {
        return Err(FederationError::refused(
            StatusCode::BAD_REQUEST,
            format!("a {what} is sent by the group or person it belongs to"),
        ));
    }
    if let Some(history) = history {
        require_same_origin(history, actor, &format!("{what} history and group"))?;
    }
    Ok(())
}

/// The first `most` entries of the ordered collection at `url` whose ids are
/// on the collection's own node (what a node says of others' objects is
/// not taken).
pub(crate) async fn fetch_history(
    data: &Data<Context>,
    url: &Url,
    most: usize,
) -> Result<Vec<Value>, FederationError> {
    let fetched = fetch_object_http::<Context, Value>(url, data).await?;
    let items = fetched
        .object
        .get("orderedItems")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(items
        .into_iter()
        .take(most)
        .filter(|item| {
            super::object_id(item)
                .is_some_and(|id| require_same_origin(&id, url, "entry and history").is_ok())
        })
        .collect())
}
