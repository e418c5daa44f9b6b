//! The document describing Moot's own API (`openapi.json`, served at
//! `/api/moot/v1/openapi.json`), and what the server learns from it: a path
//! it describes, asked for with a method it does not, answers 405 with the
//! methods it does (RFC 9110), not 404.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use serde_json::Value;

use crate::errors::ApiError;

/// The document describing Moot's own API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Where the document's paths are served.
const BASE: &str = "/api/moot/v1";

#[get("/api/moot/v1/openapi.json")]
async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

/// Each path of the document (as the router spells it) with its methods.
fn described_paths() -> Vec<(String, Vec<String>)> {
    // The document is part of the binary and checked by the tests.
    let document: Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    let Some(paths) = document["paths"].as_object() else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .filter(|k| matches!(k.as_str(), "get" | "post" | "put" | "patch" | "delete"))
                .map(|k| k.to_ascii_uppercase())
                .collect();
            (format!("{BASE}{path}"), methods)
        })
        .collect()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi);
}

/// Registers, after every real route, the answers for requests the routes
/// above did not take on the document's paths: 405 for a method the
/// document does not describe there, 404 for one it does (a path
/// parameter outside the route's pattern names nothing).
pub fn configure_method_fallbacks(cfg: &mut web::ServiceConfig) {
    for (path, methods) in described_paths() {
        let allow = methods.join(", ");
        cfg.service(web::resource(path).default_service(web::to(
            move |req: actix_web::HttpRequest| {
                let allow = allow.clone();
                let described = methods.iter().any(|m| m == req.method().as_str());
                async move {
                    if described {
                        return actix_web::HttpResponse::from_error(ApiError::not_found());
                    }
                    let mut response = actix_web::HttpResponse::from_error(ApiError::new(
                        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                        "Method not allowed",
                    ));
                    if let Ok(value) = header::HeaderValue::from_str(&allow) {
                        response.headers_mut().insert(header::ALLOW, value);
                    }
                    response
                }
            },
        )));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_describes_its_paths() {
        let paths = super::described_paths();
        assert!(paths.len() > 20);
        let (_, methods) = paths
            .iter()
            .find(|(p, _)| p == "/api/moot/v1/groups")
            .expect("groups");
        assert_eq!(methods, &["POST"]);
    }
}
