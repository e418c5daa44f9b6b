//! Where a browser lands when a person follows the ActivityPub id of
//! something a group keeps (from an app, a message or another node): the
//! web page of that thing. Other clients get the object's JSON from the
//! federation routes at the same addresses.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

fn see(to: String) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, to))
        .insert_header((header::VARY, "Accept"))
        .finish()
}

fn encode(part: &str) -> String {
    crate::forms::encode_segment(part)
}

/// A group's knowledge collection: the part of its page that lists it.
pub async fn group_section(path: web::Path<(String, String)>) -> HttpResponse {
    let (group, collection) = path.into_inner();
    let section = match collection.as_str() {
        "resources" => "library",
        other => other,
    };
    see(format!("/groups/{}/{section}", encode(&group)))
}

pub async fn wiki_page(path: web::Path<(String, String)>) -> HttpResponse {
    let (group, slug) = path.into_inner();
    see(format!("/groups/{}/wiki/{}", encode(&group), encode(&slug)))
}

pub async fn wiki_history(path: web::Path<(String, String)>) -> HttpResponse {
    let (group, slug) = path.into_inner();
    see(format!(
        "/groups/{}/wiki/{}/history",
        encode(&group),
        encode(&slug)
    ))
}

/// A revision: what it changed, or the history for the first one.
pub async fn wiki_revision(path: web::Path<(String, String, String)>) -> HttpResponse {
    let (group, slug, number) = path.into_inner();
    let base = format!("/groups/{}/wiki/{}", encode(&group), encode(&slug));
    match number.parse::<i32>() {
        Ok(n) if n > 1 => see(format!("{base}/diff?from={}&to={n}", n - 1)),
        _ => see(format!("{base}/history")),
    }
}

pub async fn document(path: web::Path<(String, String)>) -> HttpResponse {
    let (group, id) = path.into_inner();
    see(format!(
        "/groups/{}/library/{}",
        encode(&group),
        encode(&id)
    ))
}

pub async fn document_version(path: web::Path<(String, String, String)>) -> HttpResponse {
    let (group, id, _) = path.into_inner();
    see(format!(
        "/groups/{}/library/{}",
        encode(&group),
        encode(&id)
    ))
}
