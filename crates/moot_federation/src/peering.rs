//! Peering on the wire: proposals (a `Follow` of this node's instance
//! actor by another node's) reach `moot_app::peering`, also from nodes an
//! allow-list does not list yet, since a proposal is how an admin comes to
//! list them. From such a node nothing else is taken, and nothing of it is
//! stored until this node's admin accepts.

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use http_signature_normalization::verify::Unverified;
use moot_app::model::Account;
use moot_app::peering::Proposal;
use moot_app::Context;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::error::FederationError;
use crate::inbox_signatures as signatures;
use crate::origin::same_origin;

/// The `host[:port]` a peering with the node serving `url` is kept under.
pub fn domain_of(url: &Url) -> String {
    moot_db::outbox::peer_domain(url).unwrap_or_default()
}

fn refused(status: StatusCode, why: &str) -> FederationError {
    FederationError::refused(status, why.to_owned())
}

/// A proposal from `actor` (stored), which must be a node's instance actor.
pub fn proposal(follow: &Url, actor: &Account, message: &str) -> Result<Proposal, FederationError> {
    if !matches!(actor.actor_type.as_str(), "Application" | "Service") {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "only another node's instance actor can follow this node's",
        ));
    }
    let parse = |u: Option<&str>| u.and_then(|u| Url::parse(u).ok());
    let id = parse(actor.ap_id.as_deref());
    let inbox = parse(
        actor
            .shared_inbox_url
            .as_deref()
            .or(actor.inbox_url.as_deref()),
    );
    let (Some(id), Some(inbox)) = (id, inbox) else {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "the proposing actor has no inbox",
        ));
    };
    Ok(Proposal {
        domain: domain_of(&id),
        actor: id,
        inbox,
        follow: follow.clone(),
        message: message.to_owned(),
    })
}

/// Whether a request refused by the policy may still be heard as a
/// peering proposal: in allow-list mode, from a node that is not blocked.
pub fn may_propose(ctx: &Context, key_id: &Url) -> bool {
    ctx.policy.rules().mode == moot_core::domain_rules::Mode::Allowlist
        && !ctx.policy.blocks(key_id)
}

/// A request from a node the allow-list does not list: taken only if it is
/// a signed proposal of peering (or its withdrawal) by that node's
/// instance actor; anything else is refused as the policy refuses it.
pub async fn receive_unlisted(
    ctx: &Context,
    req: &HttpRequest,
    signed: &Unverified,
    key_id: &Url,
    body: &Bytes,
) -> Result<(), FederationError> {
    let not_listed = || {
        refused(
            StatusCode::FORBIDDEN,
            "this node does not federate with your domain",
        )
    };
    signatures::check_digest(req, body)?;
    let activity: Value = serde_json::from_slice(body).map_err(|_| not_listed())?;
    let ours = ctx.urls.instance_actor();
    let (follow, withdrawn) = match activity["type"].as_str() {
        Some("Follow") if activity["object"] == ours.as_str() => (&activity, false),
        Some("Undo")
            if activity["object"]["type"] == "Follow"
                && activity["object"]["object"] == ours.as_str() =>
        {
            (&activity["object"], true)
        }
        _ => return Err(not_listed()),
    };
    let url = |v: &Value| v.as_str().and_then(|s| Url::parse(s).ok());
    let (Some(id), Some(actor), Some(follow_id)) = (
        url(&activity["id"]),
        url(&activity["actor"]),
        url(&follow["id"]),
    ) else {
        return Err(refused(StatusCode::BAD_REQUEST, "malformed proposal"));
    };
    if !same_origin(&id, key_id)
        || !same_origin(&actor, key_id)
        || !same_origin(&follow_id, key_id)
        || follow["actor"] != actor.as_str()
    {
        return Err(refused(
            StatusCode::UNAUTHORIZED,
            "the proposal, its actor and its key are of different origins",
        ));
    }
    let doc = fetch_instance_actor(ctx, &actor).await?;
    if doc.public_key.id != *key_id || doc.public_key.owner != actor {
        return Err(refused(
            StatusCode::UNAUTHORIZED,
            "the key is not the proposing actor's",
        ));
    }
    let key = signatures::public_key(&doc.public_key.public_key_pem)?;
    if !signatures::verify(signed, &key) {
        return Err(refused(
            StatusCode::UNAUTHORIZED,
            "the signature does not verify",
        ));
    }
    let domain = domain_of(&actor);
    if withdrawn {
        moot_app::peering::receive_undo(ctx, &domain, &follow_id).await?;
        return Ok(());
    }
    let inbox = doc
        .endpoints
        .and_then(|e| e.shared_inbox)
        .unwrap_or(doc.inbox);
    if !same_origin(&inbox, &actor) {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "the inbox is on another node",
        ));
    }
    let proposal = Proposal {
        domain,
        actor,
        inbox,
        follow: follow_id,
        message: activity["content"].as_str().unwrap_or_default().to_owned(),
    };
    moot_app::peering::receive_proposal(ctx, proposal).await?;
    Ok(())
}

#[derive(Deserialize)]
struct InstanceActor {
    id: Url,
    #[serde(rename = "type")]
    kind: String,
    inbox: Url,
    #[serde(default)]
    endpoints: Option<Endpoints>,
    #[serde(rename = "publicKey")]
    public_key: PublicKey,
}

#[derive(Deserialize)]
struct Endpoints {
    #[serde(rename = "sharedInbox", default)]
    shared_inbox: Option<Url>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublicKey {
    id: Url,
    owner: Url,
    public_key_pem: String,
}

/// Most bytes read of an actor document.
const MAX_ACTOR_BYTES: usize = 256 * 1024;

/// Reads a node's instance actor with the guarded client, without storing
/// it (the node is not one this node federates with yet).
async fn fetch_instance_actor(
    ctx: &Context,
    actor: &Url,
) -> Result<InstanceActor, FederationError> {
    let unreadable = |why: String| {
        refused(
            StatusCode::UNAUTHORIZED,
            &format!("could not read the proposing node's instance actor: {why}"),
        )
    };
    // Its scheme and address as for any fetch; the policy is not asked (the
    // node is not listed yet: that is what the proposal is about).
    crate::config::check_address(ctx, actor).map_err(|e| unreadable(e.to_string()))?;
    let client = crate::client::build(&ctx.settings);
    let response = client
        .get(actor.clone())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unreadable(format!("it answered {}", response.status())));
    }
    let body = crate::client::read_capped(response, MAX_ACTOR_BYTES)
        .await
        .map_err(unreadable)?;
    let doc: InstanceActor =
        serde_json::from_slice(&body).map_err(|e| unreadable(e.to_string()))?;
    if doc.id != *actor || !matches!(doc.kind.as_str(), "Application" | "Service") {
        return Err(unreadable("it is not the node's instance actor".into()));
    }
    Ok(doc)
}
