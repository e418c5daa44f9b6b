//! The stylesheet and script, embedded in the binary (no CDN) and served
//! under names that carry a hash of their content, so browsers may keep
//! them for a year and still never use a stale copy; and the pictures of
//! people and groups who have not chosen one, at the addresses accounts
//! carry in the client API (as Mastodon serves them).

use std::sync::OnceLock;

use actix_web::{get, web, HttpResponse};

const STYLESHEET: &str = include_str!("../assets/moot.css");
const SCRIPT: &str = include_str!("../assets/moot.js");
const AVATAR_MISSING: &[u8] = include_bytes!("../assets/avatar-missing.png");
const HEADER_MISSING: &[u8] = include_bytes!("../assets/header-missing.png");

fn short_hash(content: &str) -> String {
    openssl::sha::sha256(content.as_bytes())[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn stylesheet_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| format!("/assets/moot-{}.css", short_hash(STYLESHEET)))
}

pub fn script_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| format!("/assets/moot-{}.js", short_hash(SCRIPT)))
}

#[get("/assets/{name}")]
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    let path = format!("/assets/{name}");
    let (body, kind) = if path == stylesheet_path() {
        (STYLESHEET, "text/css; charset=utf-8")
    } else if path == script_path() {
        (SCRIPT, "text/javascript; charset=utf-8")
    } else {
        return HttpResponse::NotFound().finish();
    };
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}

/// The picture of an account without one, or the header of one without a
/// header, at `Urls::missing_picture`.
#[get("/{kind:avatars|headers}/original/missing.png")]
pub async fn missing_picture(kind: web::Path<String>) -> HttpResponse {
    let body = if kind.as_str() == "avatars" {
        AVATAR_MISSING
    } else {
        HEADER_MISSING
    };
    HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}
