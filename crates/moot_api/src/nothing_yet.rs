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
    "/api/v1/featured_tags/suggestions",
];

/// Paths answered with `[]` that name an account or post Moot keeps no
/// such list for (identity proofs were retired by Mastodon itself).
const EMPTY_LISTS_OF: &[&str] = &["/api/v1/accounts/{id}/identity_proofs"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    for path in EMPTY_LISTS.iter().chain(EMPTY_LISTS_OF) {
        cfg.route(path, web::get().to(empty_list));
    }
    // Nothing to dismiss: Moot suggests no one.
    cfg.route(
        "/api/v1/suggestions/{account_id}",
        web::delete().to(empty_object),
    );
    // Annual reports ("wrapstodon") are not made: none is listed, every
    // year is ineligible, and marking one read changes nothing.
    cfg.route("/api/v1/annual_reports", web::get().to(no_annual_reports))
        .route(
            "/api/v1/annual_reports/{year}",
            web::get().to(no_annual_reports),
        )
        .route(
            "/api/v1/annual_reports/{year}/state",
            web::get().to(ineligible),
        )
        .route(
            "/api/v1/annual_reports/{year}/generate",
            web::post().to(not_made),
        )
        .route(
            "/api/v1/annual_reports/{year}/read",
            web::post().to(empty_object),
        );
    // The instance says `translation.enabled: false`; an app asking anyway
    // is told so.
    cfg.route(
        "/api/v1/statuses/{id}/translate",
        web::post().to(no_translation),
    );
    // Addresses are not confirmed by email on Moot: nothing to resend.
    cfg.route(
        "/api/v1/emails/confirmations",
        web::post().to(nothing_to_confirm),
    );
}

async fn empty_object() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({}))
}

async fn no_annual_reports() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "annual_reports": [], "accounts": [], "statuses": [],
    }))
}

async fn ineligible() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "state": "ineligible" }))
}

async fn not_made() -> HttpResponse {
    HttpResponse::UnprocessableEntity().json(serde_json::json!({
        "error": "Annual reports are not made on this server",
    }))
}

async fn no_translation() -> HttpResponse {
    HttpResponse::Forbidden().json(serde_json::json!({
        "error": "Translation is not available on this server",
    }))
}

async fn nothing_to_confirm() -> HttpResponse {
    HttpResponse::Forbidden().json(serde_json::json!({
        "error": "This server sends no confirmation emails: the address needs none",
    }))
}

async fn empty_list() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!([]))
}
