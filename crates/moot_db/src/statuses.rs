//! Posts, local and remote.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, follows, status_mentions, statuses};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statuses)]
pub struct Status {
    pub id: i64,
    pub ap_id: Option<String>,
    pub account_id: i64,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_ap_id: Option<String>,
    pub kind: String,
    pub content: String,
    pub source: Option<String>,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: String,
    pub language: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub group_id: Option<i64>,
    /// The post it quotes, by ActivityPub id.
    pub quote_ap_id: Option<String>,
}

impl Status {
    /// Whether following the author is enough to see it: public, unlisted
    /// and followers-only posts, but not direct ones nor those kept for a
    /// group's members. The timeline queries (`timelines`, `lists`,
    /// `home_audience`) spell the same rule in SQL.
    pub fn reaches_followers(&self) -> bool {
        matches!(self.visibility.as_str(), "public" | "unlisted")
            || (self.visibility == "private" && self.group_id.is_none())
    }
}

/// `None` is written as NULL (every optional column defaults to NULL), so
/// the statement is the same for every post and stays prepared.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = statuses, treat_none_as_default_value = false)]
pub struct NewStatus<'a> {
    pub ap_id: Option<&'a str>,
    pub account_id: i64,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_ap_id: Option<&'a str>,
    pub kind: &'a str,
    pub content: &'a str,
    pub source: Option<&'a str>,
    pub spoiler_text: &'a str,
    pub sensitive: bool,
    pub visibility: &'a str,
    pub language: Option<&'a str>,
    pub url: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub group_id: Option<i64>,
    pub quote_ap_id: Option<&'a str>,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewStatus<'_>) -> QueryResult<Status> {
    let status: Status = diesel::insert_into(statuses::table)
        .values(new)
        .returning(Status::as_returning())
        .get_result(conn)
        .await?;
    if let Some(group_id) = status.group_id {
        add_group_share(conn, group_id, status.id).await?;
    }
    Ok(status)
}

/// A group shares each post made in it: the boost through which its
/// members' home timelines show the post.
async fn add_group_share(conn: &mut AsyncPgConnection, group_id: i64, id: i64) -> QueryResult<()> {
    add_group_shares(conn, &[(group_id, id)]).await
}

/// Each group shares the post made in it, as `(group, post)` pairs: the
/// group's boost, which shows the post on the group's profile.
pub async fn add_group_shares(
    conn: &mut AsyncPgConnection,
    pairs: &[(i64, i64)],
) -> QueryResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let (groups, posts): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
    diesel::sql_query(
        "INSERT INTO reblogs (account_id, status_id, ap_id)
         SELECT t.g, t.s, 'urn:moot:group-share:' || t.s FROM unnest($1::int8[], $2::int8[]) AS t(g, s)
         ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(&groups)
    .bind::<diesel::sql_types::Array<BigInt>, _>(&posts)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Stores a remote post unless its id is known already; returns the row.
pub async fn insert_remote(
    conn: &mut AsyncPgConnection,
    new: &NewStatus<'_>,
) -> QueryResult<(Status, bool)> {
    let inserted = diesel::insert_into(statuses::table)
        .values(new)
        .on_conflict(statuses::ap_id)
        .do_nothing()
        .returning(Status::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match inserted {
        Some(status) => Ok((status, true)),
        None => find_by_ap_id(conn, new.ap_id.unwrap_or_default())
            .await?
            .map(|s| (s, false))
            .ok_or(diesel::result::Error::NotFound),
    }
}

/// Stores many remote posts in one statement; those that were new (a post
/// already stored is left as it is).
pub async fn insert_remote_many(
    conn: &mut AsyncPgConnection,
    new: &[NewStatus<'_>],
) -> QueryResult<Vec<Status>> {
    diesel::insert_into(statuses::table)
        .values(new)
        .on_conflict(statuses::ap_id)
        .do_nothing()
        .returning(Status::as_returning())
        .get_results(conn)
        .await
}

/// Ids of stored posts among `ap_ids`, by ActivityPub id. Run it under
/// [`crate::plan_for_these_values`] (a prepared `= ANY` may keep a plan
/// made while the table was empty).
pub async fn ids_by_ap_ids(
    conn: &mut AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<(i64, String)>> {
    statuses::table
        .filter(statuses::ap_id.eq_any(ap_ids))
        .select((statuses::id, statuses::ap_id.assume_not_null()))
        .load(conn)
        .await
}

/// Those of `parent_ap_ids` that stored replies wait for (see
/// [`link_orphans`]), in one look. Run it under
/// [`crate::plan_for_these_values`], as [`ids_by_ap_ids`].
pub async fn awaited_parents(
    conn: &mut AsyncPgConnection,
    parent_ap_ids: &[&str],
) -> QueryResult<Vec<String>> {
    statuses::table
        .filter(statuses::in_reply_to_ap_id.eq_any(parent_ap_ids))
        .select(statuses::in_reply_to_ap_id.assume_not_null())
        .distinct()
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<(Status, Account)>> {
    statuses::table
        .inner_join(accounts::table)
        .filter(statuses::id.eq(id))
        .select((Status::as_select(), Account::as_select()))
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<Status>> {
    statuses::table
        .filter(statuses::ap_id.eq(ap_id))
        .select(Status::as_select())
        .first(conn)
        .await
        .optional()
}

/// Links the replies waiting for `parent_ap_id` to its stored row.
pub async fn link_orphans(
    conn: &mut AsyncPgConnection,
    parent_id: i64,
    parent_ap_id: &str,
) -> QueryResult<()> {
    diesel::update(statuses::table.filter(statuses::in_reply_to_ap_id.eq(parent_ap_id)))
        .set(statuses::in_reply_to_id.eq(parent_id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces the content of a post after an edit.
pub async fn update_content(
    conn: &mut AsyncPgConnection,
    id: i64,
    content: &str,
    source: Option<&str>,
    spoiler_text: &str,
    sensitive: bool,
) -> QueryResult<Status> {
    // The version being replaced joins the post's history.
    diesel::sql_query(
        "INSERT INTO status_edits (status_id, content, spoiler_text, sensitive, created_at)
         SELECT id, content, spoiler_text, sensitive, coalesce(edited_at, created_at)
           FROM statuses WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    diesel::update(statuses::table.find(id))
        .set((
            statuses::content.eq(content),
            statuses::source.eq(source),
            statuses::spoiler_text.eq(spoiler_text),
            statuses::sensitive.eq(sensitive),
            statuses::edited_at.eq(Some(Utc::now())),
        ))
        .returning(Status::as_returning())
        .get_result(conn)
        .await
}

/// Records the group a post was made in.
pub async fn set_group(conn: &mut AsyncPgConnection, id: i64, group_id: i64) -> QueryResult<()> {
    diesel::update(statuses::table.find(id))
        .set(statuses::group_id.eq(Some(group_id)))
        .execute(conn)
        .await?;
    add_group_share(conn, group_id, id).await
}

/// A post made in a group and addressed to it alone is for its members.
pub async fn narrow_direct_to_members(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(
        statuses::table
            .find(id)
            .filter(statuses::visibility.eq("direct"))
            .filter(statuses::group_id.is_not_null()),
    )
    .set(statuses::visibility.eq("private"))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes a post, keeping a tombstone row so its id is never reused and
/// fetches of it answer "gone".
pub async fn mark_deleted(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(statuses::table.find(id))
        .set((
            statuses::deleted_at.eq(Some(Utc::now())),
            statuses::content.eq(""),
            statuses::source.eq(None::<String>),
            statuses::spoiler_text.eq(""),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The living replies to a post.
pub async fn replies(
    conn: &mut AsyncPgConnection,
    parent_id: i64,
) -> QueryResult<Vec<(Status, Account)>> {
    statuses::table
        .inner_join(accounts::table)
        .filter(statuses::in_reply_to_id.eq(parent_id))
        .filter(statuses::deleted_at.is_null())
        .order(statuses::id.asc())
        .select((Status::as_select(), Account::as_select()))
        .load(conn)
        .await
}

/// Public posts (with hashtag `tag`, if given), in `window`'s order: only
/// this node's (`local` `Some(true)`), only other nodes' (`Some(false)`),
/// or both; none by accounts `viewer` blocks or mutes.
pub async fn public_timeline(
    conn: &mut AsyncPgConnection,
    viewer: i64,
    local: Option<bool>,
    tag: Option<&str>,
    window: crate::window::Window,
) -> QueryResult<Vec<(Status, Account)>> {
    use crate::schema::status_tags;
    let mut query = statuses::table
        .inner_join(accounts::table)
        .filter(statuses::deleted_at.is_null())
        .filter(statuses::visibility.eq("public"))
        .filter(statuses::id.lt(window.upper()))
        .filter(statuses::id.gt(window.lower()))
        .limit(window.limit)
        .select((Status::as_select(), Account::as_select()))
        .into_boxed();
    query = match window.oldest_first() {
        true => query.order(statuses::id.asc()),
        false => query.order(statuses::id.desc()),
    };
    match local {
        Some(true) => query = query.filter(accounts::domain.is_null()),
        Some(false) => query = query.filter(accounts::domain.is_not_null()),
        None => {}
    }
    let hidden = crate::schema::hidden_accounts::table
        .filter(crate::schema::hidden_accounts::account_id.eq(viewer))
        .select(crate::schema::hidden_accounts::target_id);
    query = query.filter(diesel::dsl::not(statuses::account_id.eq_any(hidden)));
    if let Some(tag) = tag {
        let tagged = status_tags::table
            .filter(status_tags::tag.eq(tag.to_lowercase()))
            .select(status_tags::status_id);
        query = query.filter(statuses::id.eq_any(tagged));
    }
    query.load(conn).await
}

/// The local people whose home timeline shows `status` itself: the rule of
/// `timelines::home`, seen from the post (for streaming it as it arrives).
/// Group members see group posts through the group's boost.
pub async fn home_audience(conn: &mut AsyncPgConnection, status: &Status) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT id FROM (
             SELECT f.follower_id AS id FROM follows f
               JOIN accounts a ON a.id = f.follower_id AND a.domain IS NULL
              WHERE f.accepted AND f.target_id = $1
                AND ($2 IN ('public', 'unlisted') OR ($2 = 'private' AND $3::bigint IS NULL))
             UNION
             SELECT m.account_id FROM status_mentions m
               JOIN accounts a ON a.id = m.account_id AND a.domain IS NULL
              WHERE m.status_id = $4
             UNION
             SELECT a.id FROM accounts a WHERE a.id = $1 AND a.domain IS NULL
         ) audience
         WHERE NOT EXISTS (SELECT 1 FROM hidden_accounts h
                            WHERE h.account_id = audience.id AND h.target_id = $1)",
    )
    .bind::<BigInt, _>(status.account_id)
    .bind::<Text, _>(&status.visibility)
    .bind::<Nullable<BigInt>, _>(status.group_id)
    .bind::<BigInt, _>(status.id)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// The local people whose home timeline shows `booster`'s boost of
/// `status`: the booster's followers, when the boost may reach them.
pub async fn boost_audience(
    conn: &mut AsyncPgConnection,
    booster: i64,
    status: &Status,
) -> QueryResult<Vec<i64>> {
    let shareable = matches!(status.visibility.as_str(), "public" | "unlisted")
        || status.group_id == Some(booster);
    if !shareable {
        return Ok(Vec::new());
    }
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(booster))
        .filter(follows::accepted)
        .filter(accounts::domain.is_null())
        .filter(follows::follower_id.ne(status.account_id))
        .select(follows::follower_id)
        .load(conn)
        .await
}

/// An account's living posts, newest first.
pub async fn by_account(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    visibilities: &[&str],
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Status>> {
    statuses::table
        .filter(statuses::account_id.eq(account_id))
        .filter(statuses::deleted_at.is_null())
        .filter(statuses::visibility.eq_any(visibilities))
        .filter(statuses::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(statuses::id.desc())
        .limit(limit)
        .select(Status::as_select())
        .load(conn)
        .await
}

/// Inboxes of an account's accepted remote followers, one per peer where the
/// peer has a shared inbox. An open group also reaches every peered node
/// (its instance actor relays what the group publishes there); approval and
/// private groups never do.
pub async fn follower_inboxes(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        inbox: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT COALESCE(a.shared_inbox_url, a.inbox_url) AS inbox
           FROM follows f JOIN accounts a ON a.id = f.follower_id
          WHERE f.target_id = $1 AND f.accepted AND a.domain IS NOT NULL
            AND COALESCE(a.shared_inbox_url, a.inbox_url) IS NOT NULL
         UNION
         SELECT p.inbox FROM peerings p
          WHERE p.status = 'active' AND p.inbox IS NOT NULL
            AND EXISTS (SELECT 1 FROM groups g JOIN accounts ga ON ga.id = g.account_id
                         WHERE g.account_id = $1 AND g.membership_mode = 'open'
                           AND ga.domain IS NULL)
         ORDER BY 1",
    )
    .bind::<diesel::sql_types::BigInt, _>(account_id)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.inbox).collect())
}

/// Adds mentions as `(post, account)` pairs, in one statement.
pub async fn add_mentions_many(
    conn: &mut AsyncPgConnection,
    pairs: &[(i64, i64)],
) -> QueryResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = pairs
        .iter()
        .map(|(status_id, account_id)| {
            (
                status_mentions::status_id.eq(*status_id),
                status_mentions::account_id.eq(*account_id),
            )
        })
        .collect();
    diesel::insert_into(status_mentions::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records who a post mentions.
pub async fn add_mentions(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    account_ids: &[i64],
) -> QueryResult<()> {
    let pairs: Vec<(i64, i64)> = account_ids.iter().map(|id| (status_id, *id)).collect();
    add_mentions_many(conn, &pairs).await
}

/// Whether a post mentions `account_id`.
pub async fn mentions(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    account_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        status_mentions::table.find((status_id, account_id)),
    ))
    .get_result(conn)
    .await
}

/// Whether a post mentions someone on the node `domain`.
pub async fn mentions_someone_on(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    domain: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        status_mentions::table
            .inner_join(accounts::table.on(accounts::id.eq(status_mentions::account_id)))
            .filter(status_mentions::status_id.eq(status_id))
            .filter(accounts::domain.eq(domain)),
    ))
    .get_result(conn)
    .await
}

/// The accounts a post mentions.
pub async fn mentioned_accounts(
    conn: &mut AsyncPgConnection,
    status_id: i64,
) -> QueryResult<Vec<Account>> {
    status_mentions::table
        .inner_join(accounts::table.on(accounts::id.eq(status_mentions::account_id)))
        .filter(status_mentions::status_id.eq(status_id))
        .select(Account::as_select())
        .load(conn)
        .await
}

/// Living posts written on this node.
pub async fn count_local(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    statuses::table
        .filter(statuses::ap_id.is_null())
        .filter(statuses::deleted_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// What a rendering of a post shows beside the post itself.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct Stats {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub favourites: i64,
    #[diesel(sql_type = BigInt)]
    pub reblogs: i64,
    #[diesel(sql_type = BigInt)]
    pub replies: i64,
    /// Whether the viewer favourited it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub favourited: bool,
    /// Whether the viewer boosted it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub reblogged: bool,
    /// Whether the viewer bookmarked it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub bookmarked: bool,
    /// Whether files are attached to it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub has_media: bool,
    /// Whether the viewer muted its thread.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub muted: bool,
    /// Whether the viewer, its author, pinned it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub pinned: bool,
    /// Its hashtags.
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub tags: Vec<String>,
    /// The accounts it mentions.
    #[diesel(sql_type = diesel::sql_types::Array<BigInt>)]
    pub mentions: Vec<i64>,
    /// The author of the post it replies to.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub parent_author: Option<i64>,
}

/// `Stats` of each of `ids`, as `viewer` sees them, in one query.
pub async fn stats_of(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    viewer: Option<i64>,
) -> QueryResult<Vec<Stats>> {
    diesel::sql_query(
        "SELECT s.id,
            (SELECT count(*) FROM reactions r WHERE r.status_id = s.id AND r.kind = 'Like') AS favourites,
            (SELECT count(*) FROM reblogs b WHERE b.status_id = s.id) AS reblogs,
            (SELECT count(*) FROM statuses c
              WHERE c.in_reply_to_id = s.id AND c.deleted_at IS NULL) AS replies,
            EXISTS (SELECT 1 FROM reactions r WHERE r.status_id = s.id AND r.kind = 'Like'
                       AND r.account_id = $2) AS favourited,
            EXISTS (SELECT 1 FROM reblogs b WHERE b.status_id = s.id
                       AND b.account_id = $2) AS reblogged,
            EXISTS (SELECT 1 FROM bookmarks k WHERE k.status_id = s.id
                       AND k.account_id = $2) AS bookmarked,
            EXISTS (SELECT 1 FROM media_attachments f WHERE f.status_id = s.id) AS has_media,
            ($2 IS NOT NULL AND thread_muted($2, s.id)) AS muted,
            EXISTS (SELECT 1 FROM status_pins n WHERE n.status_id = s.id
                       AND n.account_id = $2 AND s.account_id = $2) AS pinned,
            ARRAY(SELECT t.tag FROM status_tags t WHERE t.status_id = s.id ORDER BY t.tag) AS tags,
            ARRAY(SELECT m.account_id FROM status_mentions m WHERE m.status_id = s.id) AS mentions,
            p.account_id AS parent_author
           FROM statuses s LEFT JOIN statuses p ON p.id = s.in_reply_to_id
          WHERE s.id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .bind::<Nullable<BigInt>, _>(viewer)
    .load(conn)
    .await
}

/// The post `account_id` made with Idempotency-Key `key` (within a day).
pub async fn by_idempotency_key(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    key: &str,
) -> QueryResult<Option<i64>> {
    use crate::schema::idempotency_keys as keys;
    keys::table
        .filter(keys::account_id.eq(account_id))
        .filter(keys::key.eq(key))
        .filter(keys::created_at.gt(Utc::now() - chrono::Duration::days(1)))
        .select(keys::status_id)
        .first(conn)
        .await
        .optional()
}

/// Records that `key` made `status_id`; false if another request with the
/// same key got there first (the caller's transaction then rolls back).
pub async fn remember_idempotency_key(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    key: &str,
    status_id: i64,
) -> QueryResult<bool> {
    use crate::schema::idempotency_keys as keys;
    // A key older than a day may be used again.
    diesel::delete(
        keys::table
            .filter(keys::account_id.eq(account_id))
            .filter(keys::key.eq(key))
            .filter(keys::created_at.le(Utc::now() - chrono::Duration::days(1))),
    )
    .execute(conn)
    .await?;
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::account_id.eq(account_id),
            keys::key.eq(key),
            keys::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// An earlier version of a post.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::status_edits)]
pub struct Edit {
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: DateTime<Utc>,
}

/// A post's earlier versions, oldest first.
pub async fn edits(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<Vec<Edit>> {
    use crate::schema::status_edits;
    status_edits::table
        .filter(status_edits::status_id.eq(status_id))
        .order(status_edits::id.asc())
        .select(Edit::as_select())
        .load(conn)
        .await
}

/// Local people who favourited or boosted a post (told when it changes).
pub async fn local_reactors(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT r.account_id AS id FROM reactions r
           JOIN accounts a ON a.id = r.account_id AND a.domain IS NULL
          WHERE r.status_id = $1 AND r.kind = 'Like'
         UNION
         SELECT b.account_id FROM reblogs b
           JOIN accounts a ON a.id = b.account_id AND a.domain IS NULL
          WHERE b.status_id = $1",
    )
    .bind::<BigInt, _>(status_id)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Sets a post's hashtags to `tags` (replacing those it had).
pub async fn set_tags(conn: &mut AsyncPgConnection, id: i64, tags: &[String]) -> QueryResult<()> {
    use crate::schema::status_tags;
    diesel::delete(status_tags::table.filter(status_tags::status_id.eq(id)))
        .execute(conn)
        .await?;
    add_tags(conn, id, tags).await
}

/// Records the tags of a post that has none yet.
pub async fn add_tags(conn: &mut AsyncPgConnection, id: i64, tags: &[String]) -> QueryResult<()> {
    let pairs: Vec<_> = tags.iter().map(|t| (id, t.as_str())).collect();
    add_tags_of_many(conn, &pairs).await
}

/// Records `(post, tag)` pairs of posts that have none yet, in one statement.
pub async fn add_tags_of_many(
    conn: &mut AsyncPgConnection,
    pairs: &[(i64, &str)],
) -> QueryResult<()> {
    use crate::schema::status_tags;
    if pairs.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = pairs
        .iter()
        .map(|(id, t)| (status_tags::status_id.eq(*id), status_tags::tag.eq(*t)))
        .collect();
    diesel::insert_into(status_tags::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// Tags in use that start with `prefix`, the most used first.
pub async fn tags_like(
    conn: &mut AsyncPgConnection,
    prefix: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    use crate::schema::status_tags;
    let pattern = format!("{}%", crate::escape_like(&prefix.to_lowercase()));
    status_tags::table
        .filter(status_tags::tag.like(pattern))
        .group_by(status_tags::tag)
        .order(diesel::dsl::count_star().desc())
        .limit(limit)
        .select(status_tags::tag)
        .load(conn)
        .await
}

/// Follows (or stops following) a hashtag for `account_id`.
pub async fn follow_tag(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    tag: &str,
    follow: bool,
) -> QueryResult<()> {
    use crate::schema::tag_follows;
    if follow {
        diesel::insert_into(tag_follows::table)
            .values((
                tag_follows::account_id.eq(account_id),
                tag_follows::tag.eq(tag),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    } else {
        diesel::delete(
            tag_follows::table
                .filter(tag_follows::account_id.eq(account_id))
                .filter(tag_follows::tag.eq(tag)),
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// A page of the hashtags `account_id` follows, newest first, each with
/// the follow's id (the page cursor).
pub async fn followed_tags(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    use crate::schema::tag_follows;
    tag_follows::table
        .filter(tag_follows::account_id.eq(account_id))
        .filter(tag_follows::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(tag_follows::id.desc())
        .limit(limit)
        .select((tag_follows::id, tag_follows::tag))
        .load(conn)
        .await
}

/// Whether `account_id` follows hashtag `tag`.
pub async fn follows_tag(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    tag: &str,
) -> QueryResult<bool> {
    use crate::schema::tag_follows;
    diesel::select(diesel::dsl::exists(
        tag_follows::table
            .filter(tag_follows::account_id.eq(account_id))
            .filter(tag_follows::tag.eq(tag)),
    ))
    .get_result(conn)
    .await
}

/// Custom emoji of received posts: (status, `shortcode`, picture).
pub async fn add_emojis(
    conn: &mut AsyncPgConnection,
    emojis: &[(i64, &str, &str)],
) -> QueryResult<()> {
    use crate::schema::status_emojis;
    if emojis.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = emojis
        .iter()
        .map(|(id, shortcode, url)| {
            (
                status_emojis::status_id.eq(*id),
                status_emojis::shortcode.eq(*shortcode),
                status_emojis::url.eq(*url),
            )
        })
        .collect();
    diesel::insert_into(status_emojis::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// The custom emoji of these posts: (status, `shortcode`, picture).
pub async fn emojis_of(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    use crate::schema::status_emojis;
    status_emojis::table
        .filter(status_emojis::status_id.eq_any(status_ids))
        .order((status_emojis::status_id, status_emojis::shortcode))
        .select((
            status_emojis::status_id,
            status_emojis::shortcode,
            status_emojis::url,
        ))
        .load(conn)
        .await
}

/// The direct posts `viewer_id` wrote or is named in, newest first, older
/// than `max_id`.
pub async fn direct_for(
    conn: &mut AsyncPgConnection,
    viewer_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Status, Account)>> {
    let named = status_mentions::table
        .filter(status_mentions::account_id.eq(viewer_id))
        .select(status_mentions::status_id);
    let mut query = statuses::table
        .inner_join(accounts::table)
        .filter(statuses::visibility.eq("direct"))
        .filter(statuses::deleted_at.is_null())
        .filter(
            statuses::account_id
                .eq(viewer_id)
                .or(statuses::id.eq_any(named)),
        )
        .order(statuses::id.desc())
        .limit(limit)
        .select((Status::as_select(), Account::as_select()))
        .into_boxed();
    if let Some(max_id) = max_id {
        query = query.filter(statuses::id.lt(max_id));
    }
    query.load(conn).await
}

/// The posts up a thread from `$1` (itself at depth 0, then what it
/// replies to ...), as far as this node has them and at most 200 levels:
/// a CTE named `up(id, parent, depth)` for queries about a thread.
pub(crate) const THREAD_UP: &str = "WITH RECURSIVE up(id, parent, depth) AS (
     SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = $1
     UNION ALL
     SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s
     JOIN up ON s.id = up.parent WHERE up.depth < 200)";

/// The posts quoting the post `uri`, newest first, before `max_id`.
pub async fn quoting(
    conn: &mut AsyncPgConnection,
    uri: &str,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut query = statuses::table
        .filter(statuses::quote_ap_id.eq(uri))
        .filter(statuses::deleted_at.is_null())
        .select(statuses::id)
        .order(statuses::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(max_id) = max_id {
        query = query.filter(statuses::id.lt(max_id));
    }
    query.load(conn).await
}

/// The public posts whose link preview is `url`, newest first, before
/// `max_id`.
pub async fn linking(
    conn: &mut AsyncPgConnection,
    url: &str,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use crate::schema::status_cards;
    let mut query = statuses::table
        .inner_join(status_cards::table.on(status_cards::status_id.eq(statuses::id)))
        .filter(status_cards::url.eq(url))
        .filter(statuses::visibility.eq("public"))
        .filter(statuses::deleted_at.is_null())
        .select(statuses::id)
        .order(statuses::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(max_id) = max_id {
        query = query.filter(statuses::id.lt(max_id));
    }
    query.load(conn).await
}

/// Mutes (or unmutes) for `account_id` the thread post `id` is in.
pub async fn mute_thread(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    id: i64,
    mute: bool,
) -> QueryResult<()> {
    let root = "(SELECT id FROM up ORDER BY depth DESC LIMIT 1)";
    let sql = if mute {
        format!(
            "{THREAD_UP} INSERT INTO thread_mutes (account_id, root_id)
             SELECT $2, {root} ON CONFLICT DO NOTHING"
        )
    } else {
        format!("{THREAD_UP} DELETE FROM thread_mutes WHERE account_id = $2 AND root_id = {root}")
    };
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .bind::<BigInt, _>(account_id)
        .execute(conn)
        .await
        .map(|_| ())
}
