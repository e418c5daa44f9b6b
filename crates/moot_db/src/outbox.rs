//! The transactional outbox and each peer's delivery progress.
//!
//! `enqueue` runs inside the transaction of the change that causes the
//! activity. Delivery workers take one peer at a time under a lease and send
//! its rows in id order, so every peer receives activities in the order they
//! were made, and one slow peer never holds up another.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use diesel::sql_types::{Array, BigInt, Bool, Double, Integer, Nullable, Text, Timestamptz};

use crate::schema::{accounts, peers};

/// The peer (`host[:port]`) an inbox URL belongs to.
pub fn peer_domain(inbox: &url::Url) -> Option<String> {
    let host = inbox.host_str()?.to_ascii_lowercase();
    Some(match inbox.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Stores an activity and the inboxes it goes to (one row per distinct
/// inbox), however many inboxes there are. The actor is a local account,
/// or `None` for the node's instance actor.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    actor_id: Option<i64>,
    ap_id: &str,
    body: &str,
    inboxes: &[url::Url],
) -> QueryResult<i64> {
    let activity = Outgoing {
        actor_id,
        ap_id,
        body,
        inboxes,
    };
    let ids = enqueue_many(conn, &[activity]).await?;
    ids.into_iter()
        .next()
        .ok_or(diesel::result::Error::NotFound)
}

/// One activity for [`enqueue_many`]: its actor (`None` for the node's
/// instance actor), id, body and the inboxes it goes to.
pub struct Outgoing<'a> {
    pub actor_id: Option<i64>,
    pub ap_id: &'a str,
    pub body: &'a str,
    pub inboxes: &'a [url::Url],
}

/// Stores several activities and their inboxes in four statements however
/// many there are (a batch of received group posts, each announced):
/// outbox ids follow the order given, so each peer receives them in it.
/// Their ids, in that order.
pub async fn enqueue_many(
    conn: &mut AsyncPgConnection,
    activities: &[Outgoing<'_>],
) -> QueryResult<Vec<i64>> {
    if activities.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    if activities.iter().any(|a| !a.inboxes.is_empty()) {
        take_turn_to_enqueue(conn).await?;
    }
    let actors: Vec<Option<i64>> = activities.iter().map(|a| a.actor_id).collect();
    let ap_ids: Vec<&str> = activities.iter().map(|a| a.ap_id).collect();
    let bodies: Vec<&str> = activities.iter().map(|a| a.body).collect();
    // Numbered in the order given; ids are drawn in that order.
    let mut stored: Vec<Stored> = diesel::sql_query(
        "WITH new AS (
             INSERT INTO outbox (actor_id, ap_id, body)
             SELECT t.actor, t.ap_id, t.body
             FROM unnest($1::int8[], $2::text[], $3::text[]) WITH ORDINALITY AS t(actor, ap_id, body, n)
             ORDER BY t.n
             RETURNING id, ap_id)
         SELECT new.id, t.n FROM new
         JOIN unnest($2::text[]) WITH ORDINALITY AS t(ap_id, n) ON t.ap_id = new.ap_id",
    )
    .bind::<Array<Nullable<BigInt>>, _>(&actors)
    .bind::<Array<Text>, _>(&ap_ids)
    .bind::<Array<Text>, _>(&bodies)
    .load(conn)
    .await?;
    stored.sort_by_key(|row| row.n);
    let mut targets: Vec<(String, String, i64)> = Vec::new();
    for row in &stored {
        let Some(activity) = activities.get(row.n as usize - 1) else {
            continue;
        };
        targets.extend(
            activity
                .inboxes
                .iter()
                .filter_map(|inbox| Some((peer_domain(inbox)?, inbox.to_string(), row.id))),
        );
    }
    if !targets.is_empty() {
        // Sorted, so concurrent transactions adding the same new peers take
        // their row locks in the same order and cannot deadlock.
        targets.sort();
        targets.dedup();
        let mut domains: Vec<String> = targets.iter().map(|t| t.0.clone()).collect();
        domains.dedup();
        add_peers(conn, &domains).await?;
        let (domains, rest): (Vec<String>, Vec<(String, i64)>) =
            targets.into_iter().map(|(d, i, o)| (d, (i, o))).unzip();
        let (inbox_urls, outbox_ids): (Vec<String>, Vec<i64>) = rest.into_iter().unzip();
        diesel::sql_query(
            "INSERT INTO outbox_deliveries (peer_id, outbox_id, inbox_url)
             SELECT p.id, t.outbox_id, t.inbox
             FROM unnest($1::text[], $2::text[], $3::int8[]) AS t(domain, inbox, outbox_id)
             JOIN peers p ON p.domain = t.domain
             ON CONFLICT DO NOTHING",
        )
        .bind::<Array<Text>, _>(&domains)
        .bind::<Array<Text>, _>(&inbox_urls)
        .bind::<Array<BigInt>, _>(&outbox_ids)
        .execute(conn)
        .await?;
    }
    // Wake the delivery workers of every process (they also poll).
    diesel::sql_query("NOTIFY moot_outbox")
        .execute(conn)
        .await?;
    Ok(stored.iter().map(|row| row.id).collect())
}

/// Waits until no other transaction that queued deliveries is still open,
/// and holds the turn until this one ends.
///
/// A peer's deliveries are read in outbox id order, after the last one it
/// received; ids are drawn when rows are inserted but seen only at commit.
/// Were two transactions to draw ids 1 and 2 and the second commit first,
/// a worker could deliver 2, and 1, seen afterwards, would never go. Taking
/// turns from drawing ids to commit makes commit order id order. The turn
/// is taken at the end of a change (queuing is its last step) and held
/// through its commit: a few milliseconds.
async fn take_turn_to_enqueue(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    /// The advisory lock's key: "moot_out".
    const TURN: i64 = 0x6d6f_6f74_5f6f_7574;
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(TURN)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Makes sure every domain (sorted) has a peer row.
async fn add_peers(conn: &mut AsyncPgConnection, domains: &[String]) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO peers (domain) SELECT DISTINCT d FROM unnest($1::text[]) AS d ORDER BY d
         ON CONFLICT (domain) DO NOTHING",
    )
    .bind::<Array<Text>, _>(domains)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Peer {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub domain: String,
    #[diesel(sql_type = BigInt)]
    pub last_delivered_id: i64,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
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
    .bind::<BigInt, _>(limit)
    .bind::<Double, _>(lease_secs as f64)
    .bind::<BigInt, _>(shard.0)
    .bind::<BigInt, _>(shard.1)
    .load(conn)
    .await
}

/// One activity to send to one inbox.
#[derive(Debug, Clone, QueryableByName)]
pub struct PendingDelivery {
    #[diesel(sql_type = BigInt)]
    pub peer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub outbox_id: i64,
    #[diesel(sql_type = Text)]
    pub inbox_url: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    /// The sending actor, whose key signs it: a local account, or none for
    /// the node's instance actor.
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    pub actor_id: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub actor_username: Option<String>,
}

/// For each `(peer id, last delivered id)`, the rows of the peer's next
/// `activities` activities after its progress, in order (by peer, then
/// activity, then inbox). Whole activities only, so progress recorded at the
/// end of a batch never skips an inbox of a half-sent activity. One query
/// serves a whole lease of peers.
pub async fn next_for_peers(
    conn: &mut AsyncPgConnection,
    peers: &[(i64, i64)],
    activities: i64,
) -> QueryResult<Vec<PendingDelivery>> {
    let (ids, after): (Vec<i64>, Vec<i64>) = peers.iter().copied().unzip();
    diesel::sql_query(
        "SELECT l.peer_id, d.outbox_id, d.inbox_url, o.body, o.actor_id, a.username AS actor_username
         FROM unnest($1::bigint[], $2::bigint[]) AS l(peer_id, after)
         CROSS JOIN LATERAL (
             SELECT d.outbox_id, d.inbox_url FROM outbox_deliveries d
             WHERE d.peer_id = l.peer_id AND d.outbox_id IN (
                 SELECT DISTINCT n.outbox_id FROM outbox_deliveries n
                 WHERE n.peer_id = l.peer_id AND n.outbox_id > l.after
                 ORDER BY n.outbox_id LIMIT $3)
         ) d
         JOIN outbox o ON o.id = d.outbox_id
         LEFT JOIN accounts a ON a.id = o.actor_id
         ORDER BY l.peer_id, d.outbox_id, d.inbox_url",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<BigInt>, _>(&after)
    .bind::<BigInt, _>(activities)
    .load(conn)
    .await
}

/// The PEM private key of a local actor, for signing its deliveries.
pub async fn signing_key(
    conn: &mut AsyncPgConnection,
    actor_id: i64,
) -> QueryResult<Option<String>> {
    accounts::table
        .find(actor_id)
        .select(accounts::private_key_pem)
        .first(conn)
        .await
}

/// What a worker learned about one peer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub peer_id: i64,
    /// Everything up to this outbox id reached the peer (or was refused
    /// for good).
    pub delivered_up_to: i64,
    /// Set when a send failed: the peer is skipped until then.
    pub retry_at: Option<DateTime<Utc>>,
    /// Whether the worker is done with the peer and gives its lease back.
    pub release: bool,
}

/// Saves the progress of many peers in one statement (at most one entry
/// per peer). Progress never goes backwards; a failure counts an attempt
/// (the first of a new run of failures, if this batch delivered something).
pub async fn record_progress(
    conn: &mut AsyncPgConnection,
    entries: &[Progress],
) -> QueryResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.peer_id).collect();
    let up_to: Vec<i64> = entries.iter().map(|e| e.delivered_up_to).collect();
    let retry_at: Vec<Option<DateTime<Utc>>> = entries.iter().map(|e| e.retry_at).collect();
    let release: Vec<bool> = entries.iter().map(|e| e.release).collect();
    diesel::sql_query(
        "UPDATE peers p SET
             last_delivered_id = GREATEST(p.last_delivered_id, v.up_to),
             last_success_at = CASE WHEN v.up_to > p.last_delivered_id THEN now()
                                    ELSE p.last_success_at END,
             attempts = CASE WHEN v.retry_at IS NULL THEN 0
                             WHEN v.up_to > p.last_delivered_id THEN 1
                             ELSE p.attempts + 1 END,
             failing_since = CASE WHEN v.retry_at IS NULL THEN NULL
                                  WHEN v.up_to > p.last_delivered_id THEN now()
                                  ELSE COALESCE(p.failing_since, now()) END,
             next_attempt_at = v.retry_at,
             lease_until = CASE WHEN v.release THEN NULL ELSE p.lease_until END
         FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bool[])
              AS v(id, up_to, retry_at, release)
         WHERE p.id = v.id",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<BigInt>, _>(&up_to)
    .bind::<Array<Nullable<Timestamptz>>, _>(&retry_at)
    .bind::<Array<Bool>, _>(&release)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Makes a peer due at once (an administrator's "retry now"); false when
/// no peer has that domain.
pub async fn retry_now(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<bool> {
    diesel::update(peers::table.filter(peers::domain.eq(domain)))
        .set(peers::next_attempt_at.eq(Some(Utc::now())))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Gives the peer back before the lease runs out, progress unchanged.
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
    .bind::<Integer, _>(days)
    .execute(conn)
    .await?;
    let ids = diesel::sql_query(
        "DELETE FROM received_activities WHERE received_at < now() - make_interval(days => $1)",
    )
    .bind::<Integer, _>(days)
    .execute(conn)
    .await?;
    Ok((activities, ids))
}

/// How far behind one peer is.
#[derive(Debug, Clone, QueryableByName)]
pub struct PeerStatus {
    #[diesel(sql_type = Text)]
    pub domain: String,
    #[diesel(sql_type = BigInt)]
    pub last_delivered_id: i64,
    /// Activities queued for it and not yet delivered.
    #[diesel(sql_type = BigInt)]
    pub backlog: i64,
    /// When the oldest of those was made.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub oldest_undelivered: Option<DateTime<Utc>>,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub failing_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it last took a delivery.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_success_at: Option<DateTime<Utc>>,
}

/// Every peer's delivery progress, by domain.
pub async fn peer_statuses(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PeerStatus>> {
    diesel::sql_query(
        "SELECT p.domain, p.last_delivered_id, p.attempts, p.failing_since, p.next_attempt_at,
                p.last_success_at,
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
