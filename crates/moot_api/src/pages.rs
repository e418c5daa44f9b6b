//! The frame of the OAuth sign-in and consent pages, which apps open in a
//! browser. Rendered with maud, which escapes every interpolated value.
//! (People's own pages are the web app's, in `moot_web`.)

use actix_web::HttpResponse;
use maud::{html, Markup, DOCTYPE};

/// An HTML page of the node, with `status`.
pub(crate) fn page(status: actix_web::http::StatusCode, title: &str, body: Markup) -> HttpResponse {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
            }
            body { main { (body) } }
        }
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // Sign-in and consent pages must not be framed by another site.
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "frame-ancestors 'none'; form-action 'self' *",
        ))
        .body(page.into_string())
}
