//! Moot's web app for people: server-rendered pages that work without
//! JavaScript, reading and writing only through `moot_app`, the same
//! rules and views the client API uses. A sibling of `moot_api`.

mod assets;
mod errors;
mod forms;
mod layout;
mod pages;
mod posts;
mod session;
mod uploads;

use actix_web::http::header;
use actix_web::{guard, web, HttpRequest, HttpResponse};

pub use errors::WebError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::asset).service(assets::missing_picture);
    pages::home::configure(cfg);
    pages::sign_in::configure(cfg);
    pages::settings::configure(cfg);
    pages::groups::configure(cfg);
    pages::threads::configure(cfg);
    pages::notifications::configure(cfg);
    pages::wiki::configure(cfg);
    pages::library::configure(cfg);
    pages::events::configure(cfg);
    pages::search::configure(cfg);
    pages::policies::configure(cfg);
    pages::joining::configure(cfg);
    pages::reporting::configure(cfg);
    pages::profiles::configure(cfg);
    pages::manage::configure(cfg);
    pages::admin::configure(cfg);
}

/// Pages at the addresses of ActivityPub objects, for browsers only:
/// registered before the federation routes, which answer everyone else
/// at the same address with the object's JSON.
pub fn configure_object_pages(cfg: &mut web::ServiceConfig) {
    use pages::object_links as links;
    let browser = || guard::fn_guard(|ctx| wants_html_head(ctx.head()));
    cfg.service(
        web::resource("/events/{id}")
            .guard(browser())
            .route(web::get().to(pages::events::event_page_for_browser)),
    );
    for (path, route) in [
        (
            "/users/{group}/{collection:wiki|resources|events}",
            web::get().to(links::group_section),
        ),
        (
            "/users/{group}/wiki/{slug}",
            web::get().to(links::wiki_page),
        ),
        (
            "/users/{group}/wiki/{slug}/edits",
            web::get().to(links::wiki_history),
        ),
        (
            "/users/{group}/wiki/{slug}/edits/{n}",
            web::get().to(links::wiki_revision),
        ),
        (
            "/users/{group}/library/{id}",
            web::get().to(links::document),
        ),
        (
            "/users/{group}/library/{id}/versions",
            web::get().to(links::document),
        ),
        (
            "/users/{group}/library/{id}/versions/{n}",
            web::get().to(links::document_version),
        ),
    ] {
        cfg.service(web::resource(path).guard(browser()).route(route));
    }
}

/// Whether a request is a browser's asking for a page (it prefers HTML),
/// rather than a client's or a peer's asking for JSON.
pub fn wants_html(req: &HttpRequest) -> bool {
    wants_html_head(req.head())
}

fn wants_html_head(head: &actix_web::dev::RequestHead) -> bool {
    let accept = head
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = accept.find("text/html");
    let json = [
        "application/json",
        "application/activity+json",
        "application/ld+json",
    ]
    .iter()
    .filter_map(|j| accept.find(j))
    .min();
    match (html, json) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The page for a path nothing answers.
pub fn not_found_page() -> HttpResponse {
    use actix_web::ResponseError;
    WebError::not_found().error_response()
}

/// A page for an error actix answered itself (a wrong method, a body over
/// the limit), for a browser.
pub fn error_page(status: actix_web::http::StatusCode) -> HttpResponse {
    use actix_web::ResponseError;
    let message = match status.as_u16() {
        404 => return not_found_page(),
        405 => "This address does not take that kind of request. Go back and use the page's own links and buttons.",
        413 => "What you sent is too large for this node.",
        _ => "Go back and try again.",
    };
    let mut page = WebError::bad_request(message).error_response();
    *page.status_mut() = status;
    page
}
