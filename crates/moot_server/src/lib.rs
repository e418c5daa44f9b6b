//! Building the actix-web server: shared state, limits, and the route
//! table of the client API, the web app and the federation endpoints,
//! which are siblings: none knows the others.

use std::net::TcpListener;

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use moot_app::Context;

use moot_api::errors::{payload_error, ApiError};

/// Registers every route; shared by the real server and in-process tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Routes are tried in order, each a pattern match: the inboxes, which
    // take most of a busy node's requests, come first.
    moot_federation::inbox::configure(cfg);
    cfg.service(moot_api::health::healthz)
        .service(moot_api::health::health);
    // Calendar feeds before the actors' paths, which would take them.
    moot_api::events::configure_calendars(cfg);
    moot_web::configure_object_pages(cfg);
    moot_federation::configure(cfg);
    moot_api::configure(cfg);
    moot_web::configure(cfg);
}

/// Browser clients (Elk, Phanpy) call the API from their own origin. Any
/// origin may: the API authenticates by bearer token, never by cookie, so
/// a foreign page gains nothing it could not do without a browser.
fn cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allow_any_header()
        .expose_headers([
            "Link",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Idempotency-Key",
        ])
        .max_age(3600)
}

/// A client error that actix answered itself in plain text (a body over
/// the limit, say), in the `{"error": "..."}` shape every other client
/// error has, or as a page for a browser. HTML pages and JSON answers
/// pass unchanged.
fn json_error<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<middleware::ErrorHandlerResponse<B>> {
    use actix_web::http::header::CONTENT_TYPE;
    let plain = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain {
        return Ok(middleware::ErrorHandlerResponse::Response(
            res.map_into_left_body(),
        ));
    }
    if moot_web::wants_html(res.request()) {
        let page = moot_web::error_page(res.status());
        let (req, _) = res.into_parts();
        return Ok(middleware::ErrorHandlerResponse::Response(
            actix_web::dev::ServiceResponse::new(req, page).map_into_right_body(),
        ));
    }
    let message = match res.response().error() {
        Some(error) => error.to_string(),
        None => res
            .status()
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned(),
    };
    let (req, answered) = res.into_parts();
    let mut response = HttpResponse::build(answered.status());
    for (name, value) in answered.headers() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            response.append_header((name.clone(), value.clone()));
        }
    }
    let response = response.json(serde_json::json!({ "error": message }));
    Ok(middleware::ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// A share of `total` for each of `workers` (0: one per core).
fn per_worker(total: usize, workers: usize) -> usize {
    let workers = match workers {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    (total / workers).max(1)
}

/// A server on `listener` that handles shutdown only when told to through its
/// handle (the caller owns signal handling, so that Ctrl-C is graceful).
pub fn build_server(
    listener: TcpListener,
    ctx: Context,
    federation: FederationConfig<Context>,
) -> std::io::Result<Server> {
    let settings = ctx.settings.clone();
    let body_limit = settings.server.max_body_bytes;
    let state = web::Data::new(ctx);
    let limits = web::Data::new(moot_api::rate_limits::RateLimits::new(
        &settings.rate_limits,
    ));
    let inbox = web::Data::new(moot_federation::inbox::InboxState::new(&settings));
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(FederationMiddleware::new(federation.clone()))
            .app_data(state.clone())
            .app_data(limits.clone())
            .app_data(inbox.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(
                web::JsonConfig::default()
                    .limit(body_limit)
                    .error_handler(|e, _| payload_error(e.into())),
            )
            .app_data(web::QueryConfig::default().error_handler(|e, _| payload_error(e.into())))
            .app_data(web::PathConfig::default().error_handler(|e, _| payload_error(e.into())))
            .app_data(
                web::FormConfig::default()
                    .limit(body_limit)
                    .error_handler(|e, _| payload_error(e.into())),
            )
            .wrap(middleware::ErrorHandlers::new().default_handler_client(json_error))
            .wrap(middleware::from_fn(moot_api::auth::forget_after_writes))
            .wrap(middleware::from_fn(moot_api::rate_limits::enforce))
            // `/api/v1/instance/` is `/api/v1/instance` (Mastodon.py asks so).
            .wrap(middleware::NormalizePath::trim())
            .wrap(cors())
            .wrap(middleware::Logger::new("%r %s %b %Dms").log_target("moot::http"))
            // Outermost: a forged inbox POST is refused before the rest.
            .wrap(middleware::from_fn(
                moot_federation::inbox_screen::refuse_early,
            ))
            .configure(configure)
            .default_service(web::to(|req: actix_web::HttpRequest| async move {
                if moot_web::wants_html(&req) {
                    moot_web::not_found_page()
                } else {
                    HttpResponse::from_error(ApiError::no_such_endpoint(
                        req.method().as_str(),
                        req.path(),
                    ))
                }
            }))
    })
    .max_connections(per_worker(
        settings.server.max_connections,
        settings.server.workers,
    ))
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(settings.server.shutdown_timeout_secs);
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    Ok(server.run())
}
