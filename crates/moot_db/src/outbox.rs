//! The transactional outbox and each peer's delivery progress.
//!
//! `enqueue` runs inside the transaction of the change that causes the
//! activity. Delivery workers take one peer at a time under a lease and send
//! its rows in id order, so every peer receives activities in the order they
//! were made, and one slow peer never holds up another.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{accounts, outbox, outbox_deliveries, peers};

/// The peer (`host[:port]`) an inbox URL belongs to.
pub fn peer_domain(inbox: &url::Url) -> Option<String> {
    let host = inbox.host_str()?.to_ascii_lowercase();
    Some(match inbox.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Stores an activity and the inboxes it goes to (one row per distinct inbox).
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    actor_id: i64,
    ap_id: &str,
    body: &str,
    inboxes: &[url::Url],
) -> QueryResult<i64> {
    let outbox_id: i64 = diesel::insert_into(outbox::table)
        .values((
            outbox::actor_id.eq(actor_id),
            outbox::ap_id.eq(ap_id),
            outbox::body.eq(body),
        ))
        .returning(outbox::id)
        .get_result(conn)
        .await?;
    for inbox in inboxes {
        let Some(domain) = peer_domain(inbox) else {
            continue;
        };
        let peer_id = peer_id(conn, &domain).await?;
        diesel::insert_into(outbox_deliveries::table)
            .values((
                outbox_deliveries::peer_id.eq(peer_id),
                outbox_deliveries::outbox_id.eq(outbox_id),
                outbox_deliveries::inbox_url.eq(inbox.as_str()),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    // Wake the delivery workers of every process (they also poll).
    diesel::sql_query("NOTIFY moot_outbox")
        .execute(conn)
        .await?;
    Ok(outbox_id)
}

async fn peer_id(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<i64> {
    diesel::insert_into(peers::table)
        .values(peers::domain.eq(domain))
        .on_conflict(peers::domain)
        .do_nothing()
        .execute(conn)
        .await?;
    peers::table
        .filter(peers::domain.eq(domain))
        .select(peers::id)
        .first(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = peers)]
pub struct Peer {
    pub id: i64,
    pub domain: String,
    pub last_delivered_id: i64,
    pub attempts: i32,
    pub failing_since: Option<DateTime<Utc>>,
}

/// Leases up to `limit` peers that have undelivered activities and are due,
/// for `lease_secs`. A peer leased by another worker is skipped.
/// With `shard = (i, n)`, only peers whose id is `i` modulo `n` are taken,
/// so `n` worker processes share the peers without overlap.
pub async fn lease_due_peers(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: i64,
    shard: (i64, i64),
) -> QueryResult<Vec<Peer>> {
    diesel::sql_query(
        "UPDATE peers SET lease_until = now() + make_interval(secs => $2)
         WHERE id IN (
             SELECT p.id FROM peers p
             WHERE (p.lease_until IS NULL OR p.lease_until < now())
               AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= now())
               AND p.id % $4 = $3
               AND EXISTS (SELECT 1 FROM outbox_deliveries d
                           WHERE d.peer_id = p.id AND d.outbox_id > p.last_delivered_id)
             ORDER BY p.id
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
         RETURNING id, domain, last_delivered_id, attempts, failing_since",
    )
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Double, _>(lease_secs as f64)
    .bind::<diesel::sql_types::BigInt, _>(shard.0)
    .bind::<diesel::sql_types::BigInt, _>(shard.1)
    .load::<PeerRow>(conn)
    .await
    .map(|rows| rows.into_iter().map(Into::into).collect())
}

#[derive(QueryableByName)]
struct PeerRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    domain: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_delivered_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    failing_since: Option<DateTime<Utc>>,
}

impl From<PeerRow> for Peer {
    fn from(r: PeerRow) -> Self {
        Peer {
            id: r.id,
            domain: r.domain,
            last_delivered_id: r.last_delivered_id,
            attempts: r.attempts,
            failing_since: r.failing_since,
        }
    }
}

/// One activity to send to one inbox, with what is needed to sign it.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    pub outbox_id: i64,
    pub inbox_url: String,
    pub body: String,
    pub actor_id: i64,
    pub actor_username: String,
    pub actor_private_key_pem: Option<String>,
}

/// The peer's next activities after its progress, oldest first.
pub async fn next_for_peer(
    conn: &mut AsyncPgConnection,
    peer: &Peer,
    limit: i64,
) -> QueryResult<Vec<PendingDelivery>> {
    let rows: Vec<(i64, String, String, i64, String, Option<String>)> = outbox_deliveries::table
        .inner_join(outbox::table.inner_join(accounts::table))
        .filter(outbox_deliveries::peer_id.eq(peer.id))
        .filter(outbox_deliveries::outbox_id.gt(peer.last_delivered_id))
        .order((outbox_deliveries::outbox_id, outbox_deliveries::inbox_url))
        .limit(limit)
        .select((
            outbox_deliveries::outbox_id,
            outbox_deliveries::inbox_url,
            outbox::body,
            outbox::actor_id,
            accounts::username,
            accounts::private_key_pem,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(outbox_id, inbox_url, body, actor_id, actor_username, actor_private_key_pem)| {
                PendingDelivery {
                    outbox_id,
                    inbox_url,
                    body,
                    actor_id,
                    actor_username,
                    actor_private_key_pem,
                }
            },
        )
        .collect())
}

/// Records that everything up to `outbox_id` reached the peer.
pub async fn mark_delivered(
    conn: &mut AsyncPgConnection,
    peer_id: i64,
    outbox_id: i64,
) -> QueryResult<()> {
    set_delivered(conn, peer_id, outbox_id, false).await
}

/// The same, and gives the peer's lease back, in one statement.
pub async fn mark_delivered_and_release(
    conn: &mut AsyncPgConnection,
    peer_id: i64,
    outbox_id: i64,
) -> QueryResult<()> {
    set_delivered(conn, peer_id, outbox_id, true).await
}

async fn set_delivered(
    conn: &mut AsyncPgConnection,
    peer_id: i64,
    outbox_id: i64,
    release: bool,
) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE peers SET last_delivered_id = GREATEST(last_delivered_id, $2), attempts = 0,
                failing_since = NULL, next_attempt_at = NULL,
                lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
         WHERE id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(peer_id)
    .bind::<diesel::sql_types::BigInt, _>(outbox_id)
    .bind::<diesel::sql_types::Bool, _>(release)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records a failed attempt and releases the peer, which is skipped until
/// `retry_at`.
pub async fn mark_failed(
    conn: &mut AsyncPgConnection,
    peer_id: i64,
    retry_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(peers::table.find(peer_id))
        .set((
            peers::attempts.eq(peers::attempts + 1),
            peers::failing_since.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(failing_since, now())")),
            peers::next_attempt_at.eq(Some(retry_at)),
            // The peer waits for `retry_at`; its lease goes back at once.
            peers::lease_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Gives the peer back before the lease runs out.
pub async fn release(conn: &mut AsyncPgConnection, peer_id: i64) -> QueryResult<()> {
    diesel::update(peers::table.find(peer_id))
        .set(peers::lease_until.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Deletes activities older than `days` that every peer has received, and
/// received-activity ids older than that. Returns (activities, ids) removed.
pub async fn prune(conn: &mut AsyncPgConnection, days: i32) -> QueryResult<(usize, usize)> {
    let activities = diesel::sql_query(
        "DELETE FROM outbox o
         WHERE o.created_at < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d JOIN peers p ON p.id = d.peer_id
                           WHERE d.outbox_id = o.id AND p.last_delivered_id < o.id)",
    )
    .bind::<diesel::sql_types::Integer, _>(days)
    .execute(conn)
    .await?;
    let ids = diesel::sql_query(
        "DELETE FROM received_activities WHERE received_at < now() - make_interval(days => $1)",
    )
    .bind::<diesel::sql_types::Integer, _>(days)
    .execute(conn)
    .await?;
    Ok((activities, ids))
}

/// How far behind one peer is.
#[derive(Debug, Clone, QueryableByName)]
pub struct PeerStatus {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub domain: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub last_delivered_id: i64,
    /// Activities queued for it and not yet delivered.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub backlog: i64,
    /// When the oldest of those was made.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub oldest_undelivered: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub failing_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Every peer's delivery progress, by domain.
pub async fn peer_statuses(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PeerStatus>> {
    diesel::sql_query(
        "SELECT p.domain, p.last_delivered_id, p.attempts, p.failing_since, p.next_attempt_at,
                COUNT(d.outbox_id) FILTER (WHERE d.outbox_id > p.last_delivered_id) AS backlog,
                MIN(o.created_at) FILTER (WHERE d.outbox_id > p.last_delivered_id) AS oldest_undelivered
         FROM peers p
         LEFT JOIN outbox_deliveries d ON d.peer_id = p.id
         LEFT JOIN outbox o ON o.id = d.outbox_id
         GROUP BY p.id
         ORDER BY p.domain",
    )
    .load(conn)
    .await
}
