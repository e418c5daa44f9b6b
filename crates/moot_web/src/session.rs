//! Who is using the browser: the session cookie, opened once per request
//! through `moot_app::browser_sessions`.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use moot_app::browser_sessions::BrowserSession;
use moot_app::Context;

use crate::errors::WebError;

pub const SESSION_COOKIE: &str = "moot_session";
/// A one-line message for the next page ("You joined the group").
pub const NOTICE_COOKIE: &str = "moot_notice";

/// The person using the browser, if signed in, and a notice left for them
/// by the page that sent them here.
pub struct Viewer {
    pub session: Option<BrowserSession>,
    pub notice: Option<String>,
    /// The session cookie as sent (ended on sign-in, see `sign_in`).
    pub cookie: Option<String>,
}

impl Viewer {
    /// The signed-in person, or a redirect to the sign-in page.
    pub fn require(&self, req: &HttpRequest) -> Result<&BrowserSession, WebError> {
        self.session.as_ref().ok_or_else(|| WebError::SignInFirst {
            next: req
                .uri()
                .path_and_query()
                .map_or("/".into(), |p| p.as_str().to_owned()),
        })
    }
}

impl FromRequest for Viewer {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Viewer, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ctx = req.app_data::<web::Data<Context>>().cloned();
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let notice = req.cookie(NOTICE_COOKIE).map(|c| c.value().to_owned());
        Box::pin(async move {
            let session = match (&ctx, &cookie) {
                (Some(ctx), Some(cookie)) => moot_app::browser_sessions::open(ctx, cookie).await?,
                _ => None,
            };
            Ok(Viewer {
                session,
                notice: notice.filter(|n| !n.is_empty()),
                cookie,
            })
        })
    }
}

/// Whether cookies must be `Secure`: the node is served over TLS.
fn secure(ctx: &Context) -> bool {
    ctx.urls.base().scheme() == "https"
}

/// A cookie only this node's pages read: never sent by other sites'
/// cross-site requests (`SameSite=Lax`), never visible to scripts.
pub fn cookie(ctx: &Context, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(ctx))
        .finish()
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(ctx: &Context, name: &'static str) -> Cookie<'static> {
    let mut gone = cookie(ctx, name, String::new());
    gone.set_max_age(Duration::ZERO);
    gone
}

/// A notice for the next page the browser shows.
pub fn notice(ctx: &Context, text: &str) -> Cookie<'static> {
    let mut notice = cookie(ctx, NOTICE_COOKIE, crate::forms::encode(text));
    notice.set_max_age(Duration::minutes(5));
    notice
}

/// Sends the browser on to `to`.
pub fn see_other(to: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}

/// Sends the browser on to `to` (after a form's post), with a notice for
/// the page it lands on.
pub fn redirect_with_notice(ctx: &Context, to: &str, text: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .cookie(notice(ctx, text))
        .finish()
}

/// The address a request comes from, through the node's trusted proxies.
pub fn client_ip(ctx: &Context, req: &HttpRequest) -> Option<std::net::IpAddr> {
    use moot_core::client_address::{client_address, trusted_proxies};
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    Some(client_address(
        peer,
        forwarded,
        &trusted_proxies(&ctx.settings.rate_limits),
    ))
}
