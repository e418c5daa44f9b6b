//! Request bodies as JSON or a form, as Mastodon accepts both.

use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;

use crate::errors::ApiError;

/// Parses `body` as JSON when the request says so, as a form otherwise.
pub fn parse<T: DeserializeOwned>(req: &HttpRequest, body: &web::Bytes) -> Result<T, ApiError> {
    let is_json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")))
    } else {
        serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::bad_request(format!("Malformed form: {e}")))
    }
}

/// A path id (ids are decimal strings); anything else is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}
