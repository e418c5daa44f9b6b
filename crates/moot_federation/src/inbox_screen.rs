//! The inbox's first line: what a POST to an inbox must show before the
//! node does any work for it, checked in the outermost middleware so that a
//! refusal skips the rest of the chain (logging, CORS, path normalising,
//! rate limits, error rewriting) and the body is never buffered or parsed.
//!
//! Cheapest first: the gate has room, a signature header is there and
//! parses (fresh, covering a digest), its key is of a domain we federate
//! with (or the request may be a peering proposal), and a signature by a
//! key we know verifies. What passes is handed to the inbox handler in the
//! request's extensions; the handler screens by itself a request that did
//! not come through here (a path the middleware does not recognise).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use http_signature_normalization::verify::Unverified;
use moot_app::Context;
use url::Url;

use crate::error::FederationError;
use crate::inbox::InboxState;
use crate::inbox_signatures as signatures;

/// How old a stored key must be before a failing signature makes us fetch
/// the actor again (so a flood of bad signatures cannot make us fetch much).
pub const KEY_REFRESH_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// A request that passed the screen.
pub struct Screened {
    pub signed: Unverified,
    pub key_id: Url,
    pub standing: Standing,
}

pub enum Standing {
    /// Signed by a key we know, for this actor.
    VerifiedFor(Url),
    /// A key we do not know yet (or one that may have been replaced): its
    /// actor is looked up once the activity is read.
    KeyToLookUp,
    /// From a domain the allow-list does not name: heard only as a
    /// proposal of peering.
    Proposal,
}

/// The checks, in order of cost. Reads headers only.
pub fn screen(
    req: &HttpRequest,
    ctx: &Context,
    state: &InboxState,
) -> Result<Screened, FederationError> {
    if state.gate.is_full() {
        return Err(FederationError::Busy);
    }
    let headers = req.headers();
    if !headers.contains_key("signature") && !headers.contains_key("authorization") {
        return Err(FederationError::unauthorized(
            "inbox requests must be signed",
        ));
    }
    let signed = signatures::parse(req, &ctx.settings.server.hostname)?;
    let key_id = Url::parse(signed.key_id())
        .map_err(|_| FederationError::unauthorized("the signature's keyId is not a URL"))?;
    // The policy decides on the domain alone, before any key is fetched.
    if !ctx.policy.allows(&key_id) {
        if !crate::peering::may_propose(ctx, &key_id) {
            return Err(FederationError::refused(
                StatusCode::FORBIDDEN,
                "this node does not federate with your domain",
            ));
        }
        return Ok(Screened {
            signed,
            key_id,
            standing: Standing::Proposal,
        });
    }
    let standing = match state.keys.get(key_id.as_str()) {
        Some(known) if known.may_be_stale(KEY_REFRESH_AFTER) => {
            if signatures::verify(&signed, &known.key) {
                Standing::VerifiedFor(known.actor)
            } else {
                // Worth one look at the actor (a new key?), not one per request.
                state.keys.touch(key_id.as_str());
                Standing::KeyToLookUp
            }
        }
        Some(known) => match state.keys.verify_kept(&signed, key_id.as_str(), &known) {
            true => Standing::VerifiedFor(known.actor),
            false => {
                return Err(FederationError::unauthorized(
                    "the signature does not verify",
                ))
            }
        },
        None => Standing::KeyToLookUp,
    };
    Ok(Screened {
        signed,
        key_id,
        standing,
    })
}

/// Whether `path` is one of the inboxes (`/inbox`, `/users/{name}/inbox`).
fn is_inbox(path: &str) -> bool {
    path == "/inbox"
        || path
            .strip_prefix("/users/")
            .and_then(|rest| rest.strip_suffix("/inbox"))
            .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// The middleware: screens inbox POSTs and answers a refusal at once.
pub async fn refuse_early(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.method() != Method::POST || !is_inbox(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let (Some(ctx), Some(state)) = (
        req.app_data::<web::Data<Context>>().cloned(),
        req.app_data::<web::Data<InboxState>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    match screen(req.request(), &ctx, &state) {
        Ok(screened) => {
            req.extensions_mut().insert(screened);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(refusal) => {
            // Read what was sent (without keeping it), so the connection
            // can serve the peer's next request; past the body limit it
            // is closed instead.
            let mut payload = req.take_payload();
            let mut left = ctx.settings.server.max_body_bytes;
            while let Some(Ok(chunk)) = payload.next().await {
                match left.checked_sub(chunk.len()) {
                    Some(rest) => left = rest,
                    None => break,
                }
            }
            // Counted rather than logged at `info`: a flood of forged
            // requests would write thousands of lines a second.
            let response = refusal.response();
            let status = response.status().as_u16();
            tracing::debug!(status, error = %refusal, "federation: request refused at the screen");
            crate::metrics::inbox_refusals()
                .get_or_create(&crate::metrics::StatusLabel { status })
                .inc();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_inbox;

    #[test]
    fn inbox_paths() {
        assert!(is_inbox("/inbox"));
        assert!(is_inbox("/users/jo/inbox"));
        assert!(!is_inbox("/users//inbox"));
        assert!(!is_inbox("/users/jo/outbox"));
        assert!(!is_inbox("/users/jo/x/inbox"));
        assert!(!is_inbox("/inbox/"));
    }
}
