//! The shared inbox and the per-actor inboxes.
//!
//! Cheapest checks first, so that what is refused costs little: the
//! request's headers are screened before anything else ([`screen`], in the
//! outermost middleware: signed, fresh, covering a digest, from a domain we
//! federate with, and verified if the key is one we know). Then the request
//! waits for a turn ([`InboxGate`]), the digest is checked against the
//! body, the activity is parsed and its ids checked against the signer, an
//! unknown key is looked up through its actor (fetched if need be), and the
//! activity's own rules run. Handlers record each activity id so a repeat
//! has no effect.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Activity as _, Actor as _};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use http_signature_normalization::verify::Unverified;
use moot_app::Context;
use moot_core::Settings;
use url::Url;

use crate::activities::InboxActivity;
use crate::error::FederationError;
use crate::inbox_gate::InboxGate;
use crate::inbox_screen::{screen, Screened, Standing, KEY_REFRESH_AFTER};
use crate::inbox_signatures::{self as signatures, KeyCache};
use crate::objects::actor::ApActor;
use crate::origin::same_origin;

/// Activities processed at once per database connection, unless
/// configured. Most of an activity's handling holds no connection, and
/// plain posts share a few writers' transactions, which grow with what is
/// waiting for them: with four per connection (64 by default) the writers'
/// batches averaged 19 posts and the machine idled a quarter of the time
/// under a sustained load from 100 senders; with sixteen the node took a
/// sixth more posts a second (`inbox_load --sections none`, alternating,
/// medians 3,454 and 4,078/s). Requests are read whole before they wait
/// here, so this bounds work, not memory (the backlog bounds that).
const ACTIVITIES_PER_CONNECTION: usize = 16;

/// What the inbox keeps between requests: the keys it knows and its gate.
/// One per server, shared by its workers.
pub struct InboxState {
    pub(crate) gate: InboxGate,
    pub(crate) keys: KeyCache,
}

impl InboxState {
    pub fn new(settings: &Settings) -> InboxState {
        let concurrency = match settings.federation.inbox_concurrency {
            0 => settings.database.pool_size * ACTIVITIES_PER_CONNECTION,
            n => n as usize,
        };
        InboxState {
            gate: InboxGate::new(concurrency, settings.federation.inbox_backlog as usize),
            keys: KeyCache::default(),
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbox", web::post().to(inbox))
        .route("/users/{username}/inbox", web::post().to(inbox));
}

async fn inbox(
    req: HttpRequest,
    body: Bytes,
    data: Data<Context>,
    state: web::Data<InboxState>,
) -> Result<HttpResponse, FederationError> {
    let ctx = data.app_data();
    let screened = req.extensions_mut().remove::<Screened>();
    let Screened {
        signed,
        key_id,
        standing,
    } = match screened {
        Some(screened) => screened,
        None => screen(&req, ctx, &state)?,
    };
    let verified_for = match standing {
        Standing::VerifiedFor(actor) => Some(actor),
        Standing::KeyToLookUp => None,
        Standing::Proposal => {
            let _turn = state.gate.admit().await?;
            crate::peering::receive_unlisted(ctx, &req, &signed, &key_id, &body).await?;
            return Ok(HttpResponse::Accepted().finish());
        }
    };

    let _turn = state.gate.admit().await?;
    signatures::check_digest(&req, &body)?;
    let activity = crate::activities::reading::read(&body)?;
    check_ids(ctx, &activity, &key_id)?;
    let actor = activity.actor().clone();
    if verified_for.as_ref() != Some(&actor) {
        verify_with_actor(&signed, &key_id, &actor, &data, &state.keys).await?;
    }
    activity.verify(&data).await?;
    activity.receive(&data).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Origin is identity: the key, the actor and the activity's id share one
/// origin, which is not ours and is one we federate with.
fn check_ids(ctx: &Context, activity: &InboxActivity, key_id: &Url) -> Result<(), FederationError> {
    let (id, actor) = (activity.id(), activity.actor());
    if !same_origin(key_id, actor) {
        return Err(FederationError::unauthorized(
            "the activity was signed by a key of another origin than its actor",
        ));
    }
    if !same_origin(id, actor) {
        return Err(FederationError::refused(
            StatusCode::BAD_REQUEST,
            "the activity's id and its actor are of different origins",
        ));
    }
    if same_origin(id, ctx.urls.base()) {
        return Err(FederationError::refused(
            StatusCode::FORBIDDEN,
            "the activity claims to come from this node",
        ));
    }
    crate::config::check_url(ctx, id).map_err(FederationError::Protocol)
}

/// Verifies the signature with the actor's key, looking the actor up (and
/// fetching it if unknown); a key that verifies is kept for next time.
async fn verify_with_actor(
    signed: &Unverified,
    key_id: &Url,
    actor: &Url,
    data: &Data<Context>,
    keys: &KeyCache,
) -> Result<(), FederationError> {
    let found = ObjectId::<ApActor>::from(actor.clone())
        .dereference(data)
        .await?;
    let mut key = signatures::public_key(found.public_key_pem())?;
    if !signatures::verify(signed, &key) {
        // The actor may have rotated its key: try once more with a new one.
        match refresh_stale_key(&found, data).await {
            Some(fresh) if signatures::verify(signed, &fresh) => key = fresh,
            _ => {
                return Err(FederationError::unauthorized(
                    "the signature does not verify",
                ))
            }
        }
    }
    keys.insert(key_id.as_str(), actor.clone(), key);
    Ok(())
}

/// Re-fetches a remote actor whose stored key may be stale; its key if it
/// changed.
async fn refresh_stale_key(
    cached: &ApActor,
    data: &Data<Context>,
) -> Option<openssl::pkey::PKey<openssl::pkey::Public>> {
    let account = cached.account.as_ref()?;
    let fresh_enough = account.fetched_at.is_some_and(|t| {
        chrono::Utc::now() - t < chrono::Duration::from_std(KEY_REFRESH_AFTER).unwrap_or_default()
    });
    if fresh_enough || account.domain.is_none() {
        return None;
    }
    match ObjectId::<ApActor>::from(cached.id.clone())
        .dereference_forced(data)
        .await
    {
        Ok(fresh) if fresh.public_key_pem() != cached.public_key_pem() => {
            signatures::public_key(fresh.public_key_pem()).ok()
        }
        Ok(_) => None,
        Err(e) => {
            tracing::info!(actor = %cached.id, error = %e, "could not re-fetch an actor's key");
            None
        }
    }
}
