//! The stylesheet and script, embedded in the binary (no CDN) and served
//! under names that carry a hash of their content, so browsers may keep
//! them for a year and still never use a stale copy.

use std::sync::OnceLock;

use actix_web::{get, web, HttpResponse};

const STYLESHEET: &str = include_str!("../assets/moot.css");
const SCRIPT: &str = include_str!("../assets/moot.js");

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
