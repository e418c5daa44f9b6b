//! Form posts. Every form carries a CSRF token, and `Posted` refuses a
//! post without the right one before any handler sees it: signed in, the
//! token is the session's own; signed out (the sign-in form), it must
//! match a cookie the form's page set, which another site cannot read.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use base64::Engine;
use maud::{html, Markup};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::errors::WebError;
use crate::session::Viewer;

/// The form field, and for signed-out forms the cookie, holding the token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_COOKIE: &str = "moot_csrf";

/// A checked form post: who sent it and what it holds.
pub struct Posted<T> {
    pub viewer: Viewer,
    pub form: T,
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf_token: String,
}

/// Whether two tokens are equal, in time that does not depend on where
/// they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a.as_bytes(), b.as_bytes())
}

/// The token a form of this viewer must carry, if any can be had.
pub fn expected_token(viewer: &Viewer, req: &HttpRequest) -> Option<String> {
    match &viewer.session {
        Some(session) => Some(session.csrf_token.clone()),
        None => req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()),
    }
}

/// A new token for signed-out forms, to set as `CSRF_COOKIE`.
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
}

/// Sets a signed-out form's token as its cookie on the page showing the
/// form (a signed-in person's forms carry their session's token).
pub fn keep_token(
    ctx: &moot_app::Context,
    viewer: &Viewer,
    token: &str,
    page: &mut actix_web::HttpResponse,
) {
    if viewer.session.is_some() {
        return;
    }
    let cookie = crate::session::cookie(ctx, CSRF_COOKIE, token.to_owned()).to_string();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&cookie) {
        page.headers_mut()
            .append(actix_web::http::header::SET_COOKIE, value);
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Posted<T>, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let viewer = Viewer::from_request(&req, payload);
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let viewer = viewer.await?;
            let body = body
                .await
                .map_err(|e| WebError::bad_request(format!("the form could not be read: {e}")))?;
            let sent = serde_html_form::from_bytes::<TokenOnly>(&body)
                .map(|t| t.csrf_token)
                .unwrap_or_default();
            match expected_token(&viewer, &req) {
                Some(expected) if same(&expected, &sent) => {}
                _ => return Err(forged()),
            }
            let form = serde_html_form::from_bytes::<T>(&body)
                .map_err(|e| WebError::bad_request(format!("the form is not right: {e}")))?;
            Ok(Posted { viewer, form })
        })
    }
}

/// The refusal of a post without its form's token.
pub fn forged() -> WebError {
    WebError::forbidden(
        "This form has expired or did not come from this site. Go back, reload the page and try again.",
    )
}

/// The hidden field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// Characters a URL carries as they are (RFC 3986's unreserved ones).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// In a path segment, `@` (of `name@host`) may stay too.
const PATH_SEGMENT: &AsciiSet = &QUERY_VALUE.remove(b'@');

/// `text` made safe for a URL's query or a cookie.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// `text` made safe as one segment of a URL's path.
pub fn encode_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

pub fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// A form whose only field is its CSRF token (a button).
#[derive(Deserialize)]
pub struct NoFields {}
