//! `Link` headers for paged lists, as Mastodon clients follow them:
//! `rel="next"` for older items (`max_id`), `rel="prev"` for newer ones
//! (`min_id`), keeping the request's other parameters.

use actix_web::HttpRequest;
use moot_app::model::Window;
use moot_app::read_cache::Page as RenderedPage;
use moot_app::Context;
use serde::Deserialize;

/// `max_id`, `since_id`, `min_id` and `limit`, as paged lists take them.
#[derive(Deserialize)]
pub struct Page {
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<i64>,
}

impl Page {
    /// The part of a timeline asked for, `default` items long if no
    /// `limit` is given; ids that are not ids are ignored.
    pub fn window(&self, default: i64, most: i64) -> Window {
        let id = |value: &Option<String>| value.as_deref().and_then(|v| v.parse().ok());
        Window {
            max_id: id(&self.max_id),
            since_id: id(&self.since_id),
            min_id: id(&self.min_id),
            limit: self.limit(default, most),
        }
    }

    /// Items older than this id; an id that is not one is ignored.
    pub fn max_id(&self) -> Option<i64> {
        self.max_id.as_deref().and_then(|m| m.parse().ok())
    }

    /// The page size asked for, `default` if none, within 1..=`most`.
    pub fn limit(&self, default: i64, most: i64) -> i64 {
        self.limit.unwrap_or(default).clamp(1, most)
    }
}

/// The `Link` header for a page whose items run from `newest` to `oldest`
/// (ids), or `None` for an empty page.
pub fn link_header(ctx: &Context, req: &HttpRequest, ids: &[i64]) -> Option<String> {
    let (newest, oldest) = (ids.iter().max()?, ids.iter().min()?);
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "min_id" | "since_id"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut base = ctx.settings.public_url();
    base.set_path(req.path());
    let with = |key: &str, id: i64| {
        let mut url = base.clone();
        url.query_pairs_mut()
            .extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .append_pair(key, &id.to_string());
        url
    };
    Some(format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        with("max_id", *oldest),
        with("min_id", *newest)
    ))
}

/// A JSON list response with its `Link` header.
pub fn page_response<T: serde::Serialize>(
    ctx: &Context,
    req: &HttpRequest,
    ids: &[i64],
    items: &[T],
) -> actix_web::HttpResponse {
    send(&rendered(ctx, req, ids, items))
}

/// A page as it is sent: its body and `Link` header, to keep for later.
pub fn rendered<T: serde::Serialize>(
    ctx: &Context,
    req: &HttpRequest,
    ids: &[i64],
    items: &[T],
) -> RenderedPage {
    RenderedPage {
        // Entities are plain data: they always serialize.
        body: serde_json::to_vec(items).unwrap_or_default().into(),
        link: link_header(ctx, req, ids),
    }
}

/// The response carrying `page`.
pub fn send(page: &RenderedPage) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::Ok();
    if let Some(link) = &page.link {
        response.insert_header((actix_web::http::header::LINK, link.as_str()));
    }
    response
        .content_type("application/json")
        .body(page.body.clone())
}
