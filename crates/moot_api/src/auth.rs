//! Bearer-token authentication for the client API.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use moot_app::tokens::{authenticate, Session};
use moot_app::Context;

use crate::errors::ApiError;

/// The signed-in person behind a request's bearer token. Extracting it
/// fails with 401 when the token is missing, unknown or revoked.
pub struct Auth(pub Session);

impl Auth {
    /// Refuses with 403 unless the token carries `scope` (or a broader one).
    pub fn require(&self, scope: &str) -> Result<&Session, ApiError> {
        if self.0.scopes.allows(scope) {
            Ok(&self.0)
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "This action is outside the authorized scopes",
            ))
        }
    }
}

pub(crate) fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Auth, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let ctx = req.app_data::<web::Data<Context>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let invalid = || ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid");
            let (Some(ctx), Some(token)) = (ctx, token) else {
                return Err(invalid());
            };
            let session = authenticate(&ctx.db, &token).await?.ok_or_else(invalid)?;
            if !session.user.approved {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "Your login is currently pending approval",
                ));
            }
            Ok(Auth(session))
        })
    }
}
