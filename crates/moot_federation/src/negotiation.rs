//! Content negotiation: ActivityPub JSON for servers, HTML for browsers.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";

/// Whether the request's `Accept` header asks for ActivityPub JSON
/// (`application/activity+json`, or `application/ld+json` with any profile).
pub fn wants_activitypub(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|range| {
            range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .any(|media| media == "application/activity+json" || media == "application/ld+json")
}

/// An ActivityPub document, marked as varying by `Accept` for caches.
pub fn activity_json<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, ACTIVITY_JSON))
        .insert_header((header::VARY, HeaderValue::from_static("Accept")))
        .json(body)
}

/// Sends a browser to the HTML page of what it asked for.
pub fn redirect_to_page(location: &url::Url) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location.as_str()))
        .insert_header((header::VARY, HeaderValue::from_static("Accept")))
        .finish()
}
