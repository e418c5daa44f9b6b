//! Relays: for sectors that prefer one, the node subscribes to an
//! ActivityPub relay (the Mastodon/LitePub protocol). Subscribing sends the
//! relay's inbox a `Follow` of the public collection by the instance actor;
//! once the relay accepts, the node's public posts go to it, and the
//! posts it announces from other nodes are stored here (found by search)
//! without being anyone's boost. A relay passes the allow-list like a peer
//! while subscribed; a block still wins.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::relays as store;
pub use moot_db::relays::Relay;
use moot_protocol::activities;
use moot_protocol::context::PUBLIC;
use serde_json::json;
use url::Url;

use crate::audit::Who;
use crate::{AppError, Context};

/// The relay's inbox as an admin gives it: an http(s) URL, not blocked.
fn parse_inbox(ctx: &Context, raw: &str) -> Result<Url, AppError> {
    let url = Url::parse(raw.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .filter(|u| u.username().is_empty() && u.password().is_none())
        .ok_or_else(|| AppError::invalid("inbox", "must be the relay's inbox URL"))?;
    if ctx.policy.blocks(&url) {
        return Err(AppError::Forbidden("the relay's domain is blocked".into()));
    }
    Ok(url)
}

fn follow(ctx: &Context, id: &Url) -> serde_json::Value {
    let public = Url::parse(PUBLIC).expect("the public collection is a URL");
    activities::follow(id, &ctx.urls.instance_actor(), &public)
}

async fn record(
    conn: &mut AsyncPgConnection,
    who: &Who,
    action: &str,
    inbox: &Url,
) -> Result<(), AppError> {
    crate::audit::record(conn, who, action, inbox.as_str(), json!({}), "").await?;
    moot_db::domain_rules::notify_changed(conn).await?;
    Ok(())
}

/// Subscribes to the relay whose inbox is `inbox` (again, if it was).
pub async fn subscribe(ctx: &Context, who: &Who, inbox: &str) -> Result<Relay, AppError> {
    let inbox = parse_inbox(ctx, inbox)?;
    let mut conn = ctx.db.conn().await?;
    let relay = conn
        .transaction::<_, AppError, _>(async |conn| {
            let id = ctx.urls.new_activity();
            let relay = store::upsert(conn, inbox.as_str(), id.as_str()).await?;
            let follow = follow(ctx, &id);
            let body = follow.to_string();
            crate::outbound::queue_as_node(
                ctx,
                conn,
                id.as_str(),
                &body,
                std::slice::from_ref(&inbox),
            )
            .await?;
            record(conn, who, "relay_subscribe", &inbox).await?;
            Ok(relay)
        })
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(relay)
}

/// Ends the subscription: an `Undo` of the follow.
pub async fn unsubscribe(ctx: &Context, who: &Who, inbox: &str) -> Result<(), AppError> {
    let inbox = parse_inbox(ctx, inbox)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let relay = store::by_inbox(conn, inbox.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        let follow_id = Url::parse(&relay.follow_id).map_err(|e| AppError::Internal(e.into()))?;
        let undo = activities::undo(
            &ctx.urls.new_activity(),
            &ctx.urls.instance_actor(),
            follow(ctx, &follow_id),
            &[],
        );
        let id = undo["id"].as_str().unwrap_or_default().to_owned();
        crate::outbound::queue_as_node(
            ctx,
            conn,
            &id,
            &undo.to_string(),
            std::slice::from_ref(&inbox),
        )
        .await?;
        store::delete(conn, relay.id).await?;
        record(conn, who, "relay_unsubscribe", &inbox).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(())
}

/// A relay's `Accept` or `Reject` of our follow. False when `follow` is no
/// relay subscription's; refused when the answer is not from the relay's
/// own node.
pub async fn receive_answer(
    ctx: &Context,
    actor: &Url,
    follow: &Url,
    accepted: bool,
) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(relay) = store::by_follow(&mut conn, follow.as_str()).await? else {
        return Ok(false);
    };
    let inbox = Url::parse(&relay.inbox).map_err(|e| AppError::Internal(e.into()))?;
    if inbox.origin() != actor.origin() {
        return Err(AppError::Forbidden(
            "this subscription is with another relay".into(),
        ));
    }
    let status = if accepted { "accepted" } else { "rejected" };
    conn.transaction::<_, AppError, _>(async |conn| {
        store::answer(conn, relay.id, actor.as_str(), status).await?;
        let who = Who(format!("relay:{}", actor));
        record(conn, &who, &format!("relay_{status}"), &inbox).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(true)
}

/// Where a public post goes besides its audience: every relay that
/// accepted this node.
pub async fn inboxes(conn: &mut AsyncPgConnection) -> Result<Vec<Url>, AppError> {
    Ok(store::accepted_inboxes(conn)
        .await?
        .iter()
        .filter_map(|i| Url::parse(i).ok())
        .collect())
}

/// Whether `actor` is a relay this node subscribes to.
pub async fn is_relay(ctx: &Context, actor: &str) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::is_relay_actor(&mut conn, actor).await?)
}

pub async fn list(ctx: &Context) -> Result<Vec<Relay>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::list(&mut conn).await?)
}
