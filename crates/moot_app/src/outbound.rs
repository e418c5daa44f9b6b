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
) -> diesel::QueryResult<i64> {
    let allowed: Vec<url::Url> = inboxes
        .iter()
        .filter(|inbox| ctx.policy.allows(inbox))
        .cloned()
        .collect();
    outbox::enqueue(conn, actor_id, ap_id, body, &allowed).await
}
