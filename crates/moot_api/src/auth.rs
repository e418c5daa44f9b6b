//! Bearer-token authentication for the client API.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
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

    /// The session, if its token has `scope` and its person is one of the
    /// node's administrators.
    pub fn require_admin(&self, scope: &str) -> Result<&Session, ApiError> {
        let session = self.require(scope)?;
        if !session.user.is_admin {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "This action is for the node's administrators",
            ));
        }
        Ok(session)
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
        let req = req.clone();
        Box::pin(async move {
            let invalid = || ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid");
            let (Some(ctx), Some(token)) = (ctx, token) else {
                return Err(invalid());
            };
            let session = authenticate(&ctx, &token).await?.ok_or_else(invalid)?;
            if !session.user.approved {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "Your login is currently pending approval",
                ));
            }
            req.extensions_mut().insert(SignedIn(session.account.id));
            Ok(Auth(session))
        })
    }
}

/// The account a request was made as, once its token was checked.
#[derive(Clone, Copy)]
struct SignedIn(i64);

/// After a request that may have written (anything but GET, HEAD and
/// OPTIONS) on someone's behalf, drops what the read cache holds for
/// them, so their next read shows what they did without waiting for the
/// database's announcement of it.
pub async fn forget_after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.call(req).await?;
    if !reads {
        let signed_in = response.request().extensions().get::<SignedIn>().copied();
        let ctx = response.request().app_data::<web::Data<Context>>();
        if let (Some(SignedIn(account)), Some(ctx)) = (signed_in, ctx) {
            ctx.read_cache.forget_account(account);
        }
    }
    Ok(response)
}
