//! Endpoints clients call when they start, for things Moot has none of
//! (announcements, trends, suggestions, custom emojis ...): an empty list,
//! so the app starts cleanly instead of showing errors. Anything else not
//! served answers 404 with a JSON error, on which clients fall back.

use actix_web::{web, HttpResponse};

/// Paths answered with `[]`.
const EMPTY_LISTS: &[&str] = &[
    "/api/v1/announcements",
    "/api/v1/custom_emojis",
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
    "/api/v1/suggestions",
    "/api/v2/suggestions",
    "/api/v1/featured_tags",
    "/api/v1/featured_tags/suggestions",
    "/api/v1/endorsements",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    for path in EMPTY_LISTS {
        cfg.route(path, web::get().to(empty_list));
    }
}

async fn empty_list() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!([]))
}
