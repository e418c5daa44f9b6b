//! Full-text search over what the node keeps, and the "ask who knows"
//! directory. The text expressions match the indexes of the search
//! migration exactly, so PostgreSQL uses them.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Float, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// What to look for, and where.
#[derive(Debug, Default, Clone)]
pub struct Query<'a> {
    /// Words, "phrases", -exclusions, OR (PostgreSQL's web search syntax).
    pub text: &'a str,
    /// Whose eyes: what they may see is searched, nothing else.
    pub viewer_id: i64,
    /// post, wiki, file or event.
    pub kind: Option<&'a str>,
    pub group_id: Option<i64>,
    pub author_id: Option<i64>,
    /// The node the thing comes from ("" for this one).
    pub node: Option<&'a str>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// One thing found.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub group_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// The matching passage, the words found between `<b>` and `</b>`.
    #[diesel(sql_type = Text)]
    pub excerpt: String,
    #[diesel(sql_type = Float)]
    pub rank: f32,
    #[diesel(sql_type = Nullable<Text>)]
    pub ap_id: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Ranked matches: pages and files before posts that match as well, as a
/// title weighs most and a page or file's text more than a post's.
///
/// Excerpts are HTML: posts' and events' text comes from sanitized HTML
/// (tags stripped, entities kept); pages' Markdown and files' descriptions
/// are escaped (`escaped`, from the search migration) before the matching
/// words are wrapped in `<b>`.
pub async fn search(conn: &mut AsyncPgConnection, q: &Query<'_>) -> diesel::QueryResult<Vec<Hit>> {
    diesel::sql_query(
        "WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query),
         -- The groups whose content the viewer may see though private.
         mine AS (SELECT target_id AS id FROM follows WHERE follower_id = $2 AND accepted
                  UNION SELECT group_id FROM group_roles WHERE account_id = $2),
         closed AS (SELECT account_id AS id FROM groups WHERE membership_mode = 'private'),
         found AS (
           SELECT 'post' AS kind, s.id, s.group_id, '' AS title,
                  regexp_replace(s.content, '<[^>]*>', ' ', 'g') AS body,
                  ts_rank_cd(to_tsvector('english', regexp_replace(s.content, '<[^>]*>', ' ', 'g')),
                             q.query) AS rank,
                  s.ap_id, s.created_at, s.account_id AS author_id, s.account_id AS owner_id
             FROM statuses s, q
            WHERE s.deleted_at IS NULL
              AND to_tsvector('english', regexp_replace(s.content, '<[^>]*>', ' ', 'g')) @@ q.query
              -- A group's own posts announce its new pages, files and
              -- events: those are found themselves instead.
              AND NOT EXISTS (SELECT 1 FROM accounts g
                               WHERE g.id = s.account_id AND g.actor_type = 'Group')
              AND (s.account_id = $2
                   OR (s.visibility = 'public'
                       AND (s.group_id IS NULL OR s.group_id NOT IN (SELECT id FROM closed)))
                   OR (s.group_id IN (SELECT id FROM mine) AND s.visibility <> 'direct'))
           UNION ALL
           SELECT 'wiki', p.id, p.group_id, p.title, escaped(p.body),
                  ts_rank_cd(setweight(to_tsvector('english', p.title), 'A')
                             || setweight(to_tsvector('english', p.body), 'B'), q.query),
                  p.ap_id, p.updated_at, NULL, p.group_id
             FROM wiki_pages p, q
            WHERE p.version <> ''
              AND (setweight(to_tsvector('english', p.title), 'A')
                   || setweight(to_tsvector('english', p.body), 'B')) @@ q.query
              AND (p.group_id NOT IN (SELECT id FROM closed) OR p.group_id IN (SELECT id FROM mine))
           UNION ALL
           SELECT 'file', i.id, i.group_id, i.title, escaped(i.description),
                  ts_rank_cd(setweight(to_tsvector('english', i.title), 'A')
                             || setweight(to_tsvector('english', i.description || ' ' || i.folder), 'B'),
                             q.query),
                  i.ap_id, i.updated_at, i.uploader_id, i.group_id
             FROM library_items i, q
            WHERE i.deleted_at IS NULL AND i.current_version > 0
              AND (setweight(to_tsvector('english', i.title), 'A')
                   || setweight(to_tsvector('english', i.description || ' ' || i.folder), 'B'))
                  @@ q.query
              AND (i.group_id NOT IN (SELECT id FROM closed) OR i.group_id IN (SELECT id FROM mine))
           UNION ALL
           SELECT 'event', e.id, e.group_id, e.title,
                  regexp_replace(e.description_html, '<[^>]*>', ' ', 'g'),
                  ts_rank_cd(setweight(to_tsvector('english', e.title), 'A')
                             || setweight(to_tsvector('english',
                                    regexp_replace(e.description_html, '<[^>]*>', ' ', 'g')), 'B'),
                             q.query),
                  e.ap_id, e.starts_at, e.organizer_id, coalesce(e.group_id, e.organizer_id)
             FROM events e, q
            WHERE e.deleted_at IS NULL
              AND (setweight(to_tsvector('english', e.title), 'A')
                   || setweight(to_tsvector('english',
                          regexp_replace(e.description_html, '<[^>]*>', ' ', 'g')), 'B')) @@ q.query
              AND (e.group_id IS NULL OR e.group_id NOT IN (SELECT id FROM closed)
                   OR e.group_id IN (SELECT id FROM mine))
         )
         SELECT f.kind, f.id, f.group_id, f.title,
                ts_headline('english', f.body, q.query,
                            'MaxFragments=2, MaxWords=20, MinWords=8') AS excerpt,
                f.rank, f.ap_id, f.created_at
           FROM found f JOIN accounts owner ON owner.id = f.owner_id, q
          WHERE ($3::text IS NULL OR f.kind = $3)
            AND ($4::bigint IS NULL OR f.group_id = $4)
            AND ($5::bigint IS NULL OR f.author_id = $5)
            AND ($6::text IS NULL OR coalesce(owner.domain, '') = $6)
            AND ($7::timestamptz IS NULL OR f.created_at >= $7)
            AND ($8::timestamptz IS NULL OR f.created_at < $8)
          ORDER BY f.rank DESC, f.created_at DESC, f.id DESC
          LIMIT $9",
    )
    .bind::<Text, _>(q.text)
    .bind::<BigInt, _>(q.viewer_id)
    .bind::<Nullable<Text>, _>(q.kind)
    .bind::<Nullable<BigInt>, _>(q.group_id)
    .bind::<Nullable<BigInt>, _>(q.author_id)
    .bind::<Nullable<Text>, _>(q.node)
    .bind::<Nullable<Timestamptz>, _>(q.since)
    .bind::<Nullable<Timestamptz>, _>(q.until)
    .bind::<BigInt, _>(q.limit)
    .load(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Expert {
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    /// Public posts with the topic as a hashtag, memberships of groups
    /// about it (each worth five posts), and a peer's directory listing the
    /// person with the topic (worth three).
    #[diesel(sql_type = BigInt)]
    pub score: i64,
}

/// "Ask who knows": people who write about `topic` (as a hashtag, in public),
/// belong to open groups about it, or are listed with it by a peered
/// node's directory, the most active first.
pub async fn who_knows(
    conn: &mut AsyncPgConnection,
    topic: &str,
    limit: i64,
) -> diesel::QueryResult<Vec<Expert>> {
    let pattern = format!("%{}%", crate::escape_like(topic));
    diesel::sql_query(
        "SELECT x.account_id, sum(x.score)::bigint AS score FROM (
           SELECT s.account_id, count(*) AS score
             FROM status_tags t JOIN statuses s ON s.id = t.status_id
            WHERE t.tag = lower($1) AND s.deleted_at IS NULL AND s.visibility = 'public'
            GROUP BY s.account_id
           UNION ALL
           SELECT f.follower_id, 5
             FROM follows f
             JOIN accounts g ON g.id = f.target_id AND g.actor_type = 'Group'
             JOIN groups m ON m.account_id = g.id AND m.membership_mode <> 'private'
            WHERE f.accepted
              AND (g.username ILIKE $2 OR g.display_name ILIKE $2 OR g.summary ILIKE $2)
           UNION ALL
           -- People a peered node lists in its directory with the topic.
           SELECT d.account_id, 3
             FROM peer_directory d JOIN peerings p ON p.domain = d.peer AND p.status = 'active'
            WHERE lower($1) = ANY(d.topics)
         ) x JOIN accounts a ON a.id = x.account_id
         WHERE a.actor_type = 'Person'
         GROUP BY x.account_id
         ORDER BY score DESC, x.account_id
         LIMIT $3",
    )
    .bind::<Text, _>(topic)
    .bind::<Text, _>(pattern)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Topic {
    #[diesel(sql_type = Text)]
    pub tag: String,
    /// Public posts of the person with the tag.
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
}

/// The hashtags `account_id` uses most in public posts, most used first:
/// what "who knows" finds them for.
pub async fn topics_of(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<Topic>> {
    diesel::sql_query(
        "SELECT t.tag, count(*)::bigint AS posts
           FROM status_tags t JOIN statuses s ON s.id = t.status_id
          WHERE s.account_id = $1 AND s.deleted_at IS NULL AND s.visibility = 'public'
          GROUP BY t.tag
          ORDER BY posts DESC, t.tag
          LIMIT $2",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
