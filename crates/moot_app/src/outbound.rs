//! The one way activities leave: queued in the outbox, inside the caller's
//! transaction, for the inboxes the federation policy lets us reach.

use diesel_async::AsyncPgConnection;
use moot_db::outbox;

use crate::Context;

/// Queues `body` (the activity `ap_id` by `actor_id`) for `inboxes`,
/// leaving out nodes this node does not federate with.
pub async fn queue(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    actor_id: i64,
    ap_id: &str,
    body: &str,
    inboxes: &[url::Url],
) -> diesel::QueryResult<()> {
    queue_from(ctx, conn, Some(actor_id), ap_id, body, inboxes).await
}

/// Queues an activity the node sends as itself (its instance actor).
pub async fn queue_as_node(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    body: &str,
    inboxes: &[url::Url],
) -> diesel::QueryResult<()> {
    queue_from(ctx, conn, None, ap_id, body, inboxes).await
}

async fn queue_from(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    actor_id: Option<i64>,
    ap_id: &str,
    body: &str,
    inboxes: &[url::Url],
) -> diesel::QueryResult<()> {
    let allowed = reachable(ctx, actor_id, inboxes);
    outbox::enqueue(conn, actor_id, ap_id, body, &allowed)
        .await
        .map(|_| ())
}

/// Queues several activities by local accounts at once, each as `queue`
/// would (a batch of received group posts, each announced by its group):
/// `(actor_id, ap_id, body, inboxes)`.
pub async fn queue_many(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    activities: &[(i64, String, String, Vec<url::Url>)],
) -> diesel::QueryResult<()> {
    let allowed: Vec<Vec<url::Url>> = activities
        .iter()
        .map(|(actor, _, _, inboxes)| reachable(ctx, Some(*actor), inboxes))
        .collect();
    let outgoing: Vec<outbox::Outgoing> = activities
        .iter()
        .zip(&allowed)
        .map(|((actor, ap_id, body, _), inboxes)| outbox::Outgoing {
            actor_id: Some(*actor),
            ap_id,
            body,
            inboxes,
        })
        .collect();
    outbox::enqueue_many(conn, &outgoing).await.map(|_| ())
}

/// Those of `inboxes` an activity by `actor_id` may go to. The node's own
/// voice (peering) reaches every node that is not blocked; what its people
/// and groups send, only nodes it federates with.
fn reachable(ctx: &Context, actor_id: Option<i64>, inboxes: &[url::Url]) -> Vec<url::Url> {
    inboxes
        .iter()
        .filter(|inbox| match actor_id {
            Some(_) => ctx.policy.allows(inbox),
            None => !ctx.policy.blocks(inbox),
        })
        .cloned()
        .collect()
}

/// The inboxes of `account_id`'s followers on other nodes (shared ones
/// once each).
pub async fn follower_inboxes(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> Result<Vec<url::Url>, crate::AppError> {
    Ok(moot_db::statuses::follower_inboxes(conn, account_id)
        .await?
        .iter()
        .filter_map(|i| url::Url::parse(i).ok())
        .collect())
}

/// Sends `activity` by local `account` (a person or group) to its
/// followers on other nodes, in the caller's transaction.
pub async fn to_followers(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    account: &moot_db::accounts::Account,
    activity: &serde_json::Value,
) -> Result<(), crate::AppError> {
    let inboxes = follower_inboxes(conn, account.id).await?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let id = activity["id"].as_str().unwrap_or_default();
    queue(ctx, conn, account.id, id, &activity.to_string(), &inboxes).await?;
    Ok(())
}

/// Sends a local actor's followers on other nodes its document as it now
/// is (`Update`), after a change to its profile.
pub async fn update_actor(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    account: &moot_db::accounts::Account,
    actor: &moot_protocol::actor::Actor,
) -> Result<(), crate::AppError> {
    let inboxes = follower_inboxes(conn, account.id).await?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let id = ctx.urls.new_activity();
    let document = serde_json::to_value(actor).map_err(|e| crate::AppError::Internal(e.into()))?;
    let followers = ctx.urls.person_collection(&account.username, "followers");
    let activity = moot_protocol::activities::update_actor(&id, &actor.id, document, &followers);
    queue(
        ctx,
        conn,
        account.id,
        id.as_str(),
        &activity.to_string(),
        &inboxes,
    )
    .await?;
    Ok(())
}
