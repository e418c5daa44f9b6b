//! Peerings between this node and others, one row per other node, and the
//! directories peers publish.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Int4, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Peering {
    #[diesel(sql_type = Text)]
    pub domain: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Bool)]
    pub proposed_by_us: bool,
    #[diesel(sql_type = Text)]
    pub message: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor_uri: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub inbox: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub our_follow: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub their_follow: Option<String>,
    #[diesel(sql_type = Bool)]
    pub allow_added: bool,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub active_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub directory_fetched_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub directory_error: Option<String>,
}

impl Peering {
    /// A row for `domain` that does not exist yet.
    pub fn new(domain: &str, proposed_by_us: bool) -> Peering {
        let now = Utc::now();
        Peering {
            domain: domain.to_owned(),
            status: String::new(),
            proposed_by_us,
            message: String::new(),
            actor_uri: None,
            inbox: None,
            our_follow: None,
            their_follow: None,
            allow_added: false,
            created_at: now,
            updated_at: now,
            active_since: None,
            directory_fetched_at: None,
            directory_error: None,
        }
    }
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    domain: &str,
) -> diesel::QueryResult<Option<Peering>> {
    diesel::sql_query("SELECT * FROM peerings WHERE domain = $1 FOR UPDATE")
        .bind::<Text, _>(domain)
        .get_result(conn)
        .await
        .optional()
}

/// Every peering, newest change first.
pub async fn list(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<Peering>> {
    diesel::sql_query("SELECT * FROM peerings ORDER BY updated_at DESC, domain")
        .load(conn)
        .await
}

/// The peering one of the two instance actor follows carries.
pub async fn by_follow(
    conn: &mut AsyncPgConnection,
    follow: &str,
) -> diesel::QueryResult<Option<Peering>> {
    diesel::sql_query(
        "SELECT * FROM peerings WHERE our_follow = $1 OR their_follow = $1 LIMIT 1 FOR UPDATE",
    )
    .bind::<Text, _>(follow)
    .get_result(conn)
    .await
    .optional()
}

/// Writes the row as it now is (`updated_at` becomes now).
pub async fn save(conn: &mut AsyncPgConnection, p: &Peering) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO peerings (domain, status, proposed_by_us, message, actor_uri, inbox,
                               our_follow, their_follow, allow_added, created_at, active_since,
                               directory_fetched_at, directory_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (domain) DO UPDATE SET
             status = EXCLUDED.status, proposed_by_us = EXCLUDED.proposed_by_us,
             message = EXCLUDED.message, actor_uri = EXCLUDED.actor_uri,
             inbox = EXCLUDED.inbox, our_follow = EXCLUDED.our_follow,
             their_follow = EXCLUDED.their_follow, allow_added = EXCLUDED.allow_added,
             active_since = EXCLUDED.active_since,
             directory_fetched_at = EXCLUDED.directory_fetched_at,
             directory_error = EXCLUDED.directory_error, updated_at = now()",
    )
    .bind::<Text, _>(&p.domain)
    .bind::<Text, _>(&p.status)
    .bind::<Bool, _>(p.proposed_by_us)
    .bind::<Text, _>(&p.message)
    .bind::<Nullable<Text>, _>(&p.actor_uri)
    .bind::<Nullable<Text>, _>(&p.inbox)
    .bind::<Nullable<Text>, _>(&p.our_follow)
    .bind::<Nullable<Text>, _>(&p.their_follow)
    .bind::<Bool, _>(p.allow_added)
    .bind::<Timestamptz, _>(p.created_at)
    .bind::<Nullable<Timestamptz>, _>(p.active_since)
    .bind::<Nullable<Timestamptz>, _>(p.directory_fetched_at)
    .bind::<Nullable<Text>, _>(&p.directory_error)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn delete(conn: &mut AsyncPgConnection, domain: &str) -> diesel::QueryResult<()> {
    diesel::sql_query("DELETE FROM peerings WHERE domain = $1")
        .bind::<Text, _>(domain)
        .execute(conn)
        .await
        .map(|_| ())
}

#[derive(QueryableByName)]
struct DomainRow {
    #[diesel(sql_type = Text)]
    domain: String,
}

/// Domains the federation policy lets through as peers: those peered,
/// those this node asked (so their answer can come in), and the relays it
/// subscribes to.
pub async fn policy_domains(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<String>> {
    let rows: Vec<DomainRow> = diesel::sql_query(
        "SELECT domain FROM peerings WHERE status IN ('proposed', 'active')
         UNION
         SELECT lower(substring(inbox FROM '^[a-z]+://([^/?#]+)')) FROM relays
          WHERE status IN ('pending', 'accepted')",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.domain).collect())
}

/// How many proposals wait for this node's admin.
pub async fn waiting_count(conn: &mut AsyncPgConnection) -> diesel::QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT count(*) AS n FROM peerings WHERE status = 'received'")
        .get_result(conn)
        .await?;
    Ok(n.n)
}

/// One entry of a peer's directory, as read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub account_id: i64,
    pub topics: Vec<String>,
    pub members: i32,
    pub last_active: Option<DateTime<Utc>>,
}

/// Puts `entries` in place of what `peer`'s directory listed before.
pub async fn replace_directory(
    conn: &mut AsyncPgConnection,
    peer: &str,
    entries: &[Listed],
) -> diesel::QueryResult<()> {
    diesel::sql_query("DELETE FROM peer_directory WHERE peer = $1")
        .bind::<Text, _>(peer)
        .execute(conn)
        .await?;
    for e in entries {
        diesel::sql_query(
            "INSERT INTO peer_directory (account_id, peer, topics, members, last_active)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account_id) DO UPDATE SET peer = EXCLUDED.peer,
                 topics = EXCLUDED.topics, members = EXCLUDED.members,
                 last_active = EXCLUDED.last_active, listed_at = now()",
        )
        .bind::<BigInt, _>(e.account_id)
        .bind::<Text, _>(peer)
        .bind::<Array<Text>, _>(&e.topics)
        .bind::<Int4, _>(e.members)
        .bind::<Nullable<Timestamptz>, _>(e.last_active)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Forgets what `peer`'s directory listed (the peering ended).
pub async fn clear_directory(conn: &mut AsyncPgConnection, peer: &str) -> diesel::QueryResult<()> {
    replace_directory(conn, peer, &[]).await
}

/// Active peerings whose directory was last read before `older_than` (or
/// never), for the reader to refresh.
pub async fn stale_directories(
    conn: &mut AsyncPgConnection,
    older_than: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Peering>> {
    diesel::sql_query(
        "SELECT * FROM peerings WHERE status = 'active' AND actor_uri IS NOT NULL
           AND (directory_fetched_at IS NULL OR directory_fetched_at < $1)
         ORDER BY directory_fetched_at NULLS FIRST",
    )
    .bind::<Timestamptz, _>(older_than)
    .load(conn)
    .await
}

/// Records a directory read: when, and what went wrong if anything.
pub async fn record_directory_read(
    conn: &mut AsyncPgConnection,
    peer: &str,
    error: Option<&str>,
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "UPDATE peerings SET directory_fetched_at = now(), directory_error = $2 WHERE domain = $1",
    )
    .bind::<Text, _>(peer)
    .bind::<Nullable<Text>, _>(error)
    .execute(conn)
    .await
    .map(|_| ())
}

/// How many entries each peer's directory lists, by peer.
pub async fn listed_counts(
    conn: &mut AsyncPgConnection,
) -> diesel::QueryResult<std::collections::HashMap<String, i64>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        peer: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Row> =
        diesel::sql_query("SELECT peer, count(*) AS n FROM peer_directory GROUP BY peer")
            .load(conn)
            .await?;
    Ok(rows.into_iter().map(|r| (r.peer, r.n)).collect())
}

/// A group in a directory: this node's, or one a peer lists.
#[derive(Debug, Clone, QueryableByName)]
pub struct DirectoryEntry {
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    /// The peer listing it; `None` for this node's own.
    #[diesel(sql_type = Nullable<Text>)]
    pub peer: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    pub topics: Vec<String>,
    #[diesel(sql_type = BigInt)]
    pub members: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_active: Option<DateTime<Utc>>,
}

/// This node's groups anyone may find (open and approval ones, not
/// private), then its people who chose to be listed: each with the
/// hashtags of its public posts (a group's: posted in it), its members (a
/// person's followers) and its last public post.
pub async fn local_directory(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> diesel::QueryResult<Vec<DirectoryEntry>> {
    diesel::sql_query(
        "SELECT a.id AS account_id, NULL::text AS peer,
                ARRAY(SELECT t.tag FROM status_tags t JOIN statuses s ON s.id = t.status_id
                       WHERE (s.group_id = a.id OR (g.account_id IS NULL AND s.account_id = a.id))
                         AND s.deleted_at IS NULL AND s.visibility IN ('public', 'unlisted')
                       GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 8) AS topics,
                (SELECT count(*) FROM follows f WHERE f.target_id = a.id AND f.accepted) AS members,
                (SELECT max(s.created_at) FROM statuses s
                  WHERE (s.group_id = a.id OR (g.account_id IS NULL AND s.account_id = a.id))
                    AND s.deleted_at IS NULL
                    AND s.visibility IN ('public', 'unlisted')) AS last_active
           FROM accounts a LEFT JOIN groups g ON g.account_id = a.id
          WHERE a.domain IS NULL AND a.suspended_at IS NULL
            AND (g.membership_mode IN ('open', 'approval')
                 OR (g.account_id IS NULL AND a.actor_type = 'Person' AND a.discoverable
                     AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.approved)))
          ORDER BY g.account_id IS NULL, last_active DESC NULLS LAST, a.id
          LIMIT $1",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// The groups active peers list, as last read from their directories.
pub async fn peered_directory(
    conn: &mut AsyncPgConnection,
) -> diesel::QueryResult<Vec<DirectoryEntry>> {
    diesel::sql_query(
        "SELECT d.account_id, d.peer, d.topics, d.members::bigint AS members, d.last_active
           FROM peer_directory d JOIN peerings p ON p.domain = d.peer AND p.status = 'active'
           JOIN accounts a ON a.id = d.account_id AND a.suspended_at IS NULL
          ORDER BY d.last_active DESC NULLS LAST, d.account_id",
    )
    .load(conn)
    .await
}

/// Removes what `peer`'s groups published here while no one on this node
/// is a member of them: everything older than `before`, then the oldest
/// until what is left holds at most `budget` bytes of text. Posts by this
/// node's people, and posts someone here bookmarked, stay. Returns how
/// many posts, pages, library entries and events went.
pub async fn prune_peered(
    conn: &mut AsyncPgConnection,
    peer: &str,
    before: Option<DateTime<Utc>>,
    budget: i64,
) -> diesel::QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query(
        "WITH idle AS (
             SELECT a.id FROM accounts a
              WHERE a.actor_type = 'Group' AND lower(a.domain) = lower($1)
                AND NOT EXISTS (SELECT 1 FROM follows f JOIN accounts m ON m.id = f.follower_id
                                 WHERE f.target_id = a.id AND m.domain IS NULL)),
         kept AS (
             SELECT 'post' AS kind, s.id, s.created_at AS at,
                    octet_length(s.content) + octet_length(s.spoiler_text) AS bytes
               FROM statuses s JOIN accounts author ON author.id = s.account_id
              WHERE s.group_id IN (SELECT id FROM idle) AND author.domain IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM bookmarks b WHERE b.status_id = s.id)
             UNION ALL
             SELECT 'wiki', w.id, w.updated_at, octet_length(w.body) + octet_length(w.content_html)
               FROM wiki_pages w WHERE w.group_id IN (SELECT id FROM idle)
             UNION ALL
             SELECT 'file', l.id, l.updated_at, octet_length(l.title) + octet_length(l.description)
               FROM library_items l WHERE l.group_id IN (SELECT id FROM idle)
             UNION ALL
             SELECT 'event', e.id, e.updated_at,
                    octet_length(e.description_source) + octet_length(e.description_html)
               FROM events e WHERE e.group_id IN (SELECT id FROM idle)),
         doomed AS (
             SELECT kind, id FROM (
                 SELECT kind, id, at, sum(bytes) OVER (ORDER BY at DESC, kind, id) AS newer
                   FROM kept) r
              WHERE r.newer > $3 OR ($2::timestamptz IS NOT NULL AND r.at < $2)),
         posts AS (DELETE FROM statuses WHERE id IN (SELECT id FROM doomed WHERE kind = 'post') RETURNING 1),
         pages AS (DELETE FROM wiki_pages WHERE id IN (SELECT id FROM doomed WHERE kind = 'wiki') RETURNING 1),
         files AS (DELETE FROM library_items WHERE id IN (SELECT id FROM doomed WHERE kind = 'file') RETURNING 1),
         events AS (DELETE FROM events WHERE id IN (SELECT id FROM doomed WHERE kind = 'event') RETURNING 1)
         SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM pages)
              + (SELECT count(*) FROM files) + (SELECT count(*) FROM events) AS n",
    )
    .bind::<Text, _>(peer)
    .bind::<Nullable<Timestamptz>, _>(before)
    .bind::<BigInt, _>(budget)
    .get_result(conn)
    .await?;
    Ok(n.n)
}

/// Every peer ever peered with (what their groups left here may need
/// pruning, also after the peering ended).
pub async fn all_domains(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<String>> {
    let rows: Vec<DomainRow> = diesel::sql_query("SELECT domain FROM peerings ORDER BY domain")
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.domain).collect())
}
