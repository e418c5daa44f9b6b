//! `OrderedCollection` documents.

use serde::Serialize;
use serde_json::Value;
use url::Url;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "@context")]
    pub context: &'static str,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub total_items: i64,
    pub ordered_items: Vec<Value>,
}

impl OrderedCollection {
    pub fn new(id: Url, total_items: i64, ordered_items: Vec<Value>) -> Self {
        OrderedCollection {
            context: crate::context::ACTIVITYSTREAMS,
            id,
            kind: "OrderedCollection",
            total_items,
            ordered_items,
        }
    }
}
