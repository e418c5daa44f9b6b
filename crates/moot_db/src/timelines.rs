//! Timelines as lists of entries: a post, or a boost of one. A boost takes
//! its id from the posts' sequence, so one id orders both kinds and pages
//! them with one cursor.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;

use crate::accounts::Account;
use crate::schema::{accounts, reblogs, statuses};
use crate::statuses::Status;
use crate::window::Window;

/// One line of a timeline.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The post's id, or the boost's.
    pub id: i64,
    pub status: Status,
    pub author: Account,
    pub boost: Option<Boost>,
}

/// Who shared a post into a timeline, and when.
#[derive(Debug, Clone)]
pub struct Boost {
    pub id: i64,
    pub ap_id: String,
    pub created_at: DateTime<Utc>,
    pub by: Account,
}

/// A timeline line as a query finds it: the entry, its post, its boost.
#[derive(QueryableByName)]
pub(crate) struct Line {
    #[diesel(sql_type = BigInt)]
    entry_id: i64,
    #[diesel(sql_type = BigInt)]
    status_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    boost_id: Option<i64>,
}

/// A page of `viewer`'s home timeline, newest first, ids below `max_id`:
/// their own posts, those of the people they follow (not direct ones; not
/// one kept for a group's members), posts that mention them, public posts
/// with a hashtag they follow, and boosts by
/// the accounts they follow, groups included: a group boosts what is
/// posted in it, so its members see its posts. A boost shows a post once,
/// the first time someone followed shared it, and never a post the
/// timeline shows already. Accounts the viewer blocks or mutes are left
/// out, as posters and as boosters.
pub async fn home(
    conn: &mut AsyncPgConnection,
    viewer: i64,
    window: Window,
) -> QueryResult<Vec<Entry>> {
    // Planning this query takes as long as running it; its generic plan,
    // made once per connection (`KeptSql`), serves every viewer and page.
    let lines = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            crate::plan_generically(conn).await?;
            home_lines(conn, viewer, window).await
        })
        .await?;
    complete(conn, window.newest_first(lines)).await
}

async fn home_lines(
    conn: &mut AsyncPgConnection,
    viewer: i64,
    window: Window,
) -> QueryResult<Vec<Line>> {
    crate::kept_sql::kept_sql(format!(
        "WITH followed AS (
             SELECT target_id FROM follows WHERE follower_id = $1 AND accepted
         ), mentioned AS (
             SELECT status_id FROM status_mentions WHERE account_id = $1
         ), hidden AS (
             SELECT target_id FROM hidden_accounts WHERE account_id = $1
         )
         (SELECT s.id AS entry_id, s.id AS status_id, NULL::bigint AS boost_id
            FROM statuses s
           WHERE s.deleted_at IS NULL AND s.id < $2 AND s.id > $4
             AND (s.account_id = $1
                  OR (s.account_id IN (SELECT target_id FROM followed)
                      AND (s.visibility IN ('public', 'unlisted')
                           OR (s.visibility = 'private' AND s.group_id IS NULL)))
                  OR s.id IN (SELECT status_id FROM mentioned)
                  -- Public posts with a hashtag the viewer follows.
                  OR (s.visibility = 'public' AND s.id IN
                        (SELECT t.status_id FROM status_tags t
                           JOIN tag_follows f ON f.tag = t.tag AND f.account_id = $1)))
             AND s.account_id NOT IN (SELECT target_id FROM hidden)
             -- Members of exclusive lists show in those lists only.
             AND s.account_id NOT IN (SELECT la.account_id FROM list_accounts la
                                        JOIN lists l ON l.id = la.list_id
                                       WHERE l.account_id = $1 AND l.exclusive)
           ORDER BY s.id {order} LIMIT $3)
         UNION ALL
         (SELECT b.id, b.status_id, b.id
            FROM reblogs b JOIN statuses s ON s.id = b.status_id
           WHERE b.id < $2 AND b.id > $4 AND b.account_id IN (SELECT target_id FROM followed)
             AND s.deleted_at IS NULL AND s.account_id <> $1
             AND (s.visibility IN ('public', 'unlisted') OR s.group_id = b.account_id)
             AND NOT (s.account_id IN (SELECT target_id FROM followed)
                      AND (s.visibility IN ('public', 'unlisted')
                           OR (s.visibility = 'private' AND s.group_id IS NULL)))
             AND s.id NOT IN (SELECT status_id FROM mentioned)
             AND b.account_id NOT IN (SELECT target_id FROM hidden)
             AND s.account_id NOT IN (SELECT target_id FROM hidden)
             AND NOT EXISTS (SELECT 1 FROM reblogs e
                              WHERE e.status_id = b.status_id AND e.id < b.id
                                AND e.account_id IN (SELECT target_id FROM followed))
           ORDER BY b.id {order} LIMIT $3)
         ORDER BY entry_id {order} LIMIT $3",
        order = window.order()
    ))
    .bind::<BigInt, _>(viewer)
    .bind::<BigInt, _>(window.upper())
    .bind::<BigInt, _>(window.limit)
    .bind::<BigInt, _>(window.lower())
    .load(conn)
    .await
}

/// A page of what an account shared itself: its posts in `visibilities`
/// and its boosts of posts anyone may see, newest first.
pub async fn of_account(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    visibilities: &[&str],
    window: Window,
) -> QueryResult<Vec<Entry>> {
    let lines: Vec<Line> = diesel::sql_query(format!(
        "(SELECT s.id AS entry_id, s.id AS status_id, NULL::bigint AS boost_id
            FROM statuses s
           WHERE s.account_id = $1 AND s.deleted_at IS NULL AND s.id < $2 AND s.id > $5
             AND s.visibility = ANY($4)
           ORDER BY s.id {order} LIMIT $3)
         UNION ALL
         (SELECT b.id, b.status_id, b.id
            FROM reblogs b JOIN statuses s ON s.id = b.status_id
           WHERE b.account_id = $1 AND b.id < $2 AND b.id > $5 AND s.deleted_at IS NULL
             AND (s.visibility IN ('public', 'unlisted')
                  OR (s.group_id = b.account_id AND s.visibility = ANY($4)))
           ORDER BY b.id {order} LIMIT $3)
         ORDER BY entry_id {order} LIMIT $3",
        order = window.order()
    ))
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(window.upper())
    .bind::<BigInt, _>(window.limit)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(visibilities)
    .bind::<BigInt, _>(window.lower())
    .load(conn)
    .await?;
    complete(conn, window.newest_first(lines)).await
}

/// Entries for `lines`, in their order, with posts, authors and boosts
/// read in (at most) two queries.
pub(crate) async fn complete(
    conn: &mut AsyncPgConnection,
    lines: Vec<Line>,
) -> QueryResult<Vec<Entry>> {
    let ids: Vec<i64> = lines.iter().map(|l| l.status_id).collect();
    let posts: HashMap<i64, (Status, Account)> = statuses::table
        .inner_join(accounts::table)
        .filter(statuses::id.eq_any(&ids))
        .select((Status::as_select(), Account::as_select()))
        .load::<(Status, Account)>(conn)
        .await?
        .into_iter()
        .map(|(s, a)| (s.id, (s, a)))
        .collect();
    let boost_ids: Vec<i64> = lines.iter().filter_map(|l| l.boost_id).collect();
    let mut boosts: HashMap<i64, Boost> = HashMap::new();
    if !boost_ids.is_empty() {
        let rows: Vec<(i64, String, DateTime<Utc>, Account)> = reblogs::table
            .inner_join(accounts::table.on(accounts::id.eq(reblogs::account_id)))
            .filter(reblogs::id.eq_any(&boost_ids))
            .select((
                reblogs::id,
                reblogs::ap_id,
                reblogs::created_at,
                Account::as_select(),
            ))
            .load(conn)
            .await?;
        boosts = rows
            .into_iter()
            .map(|(id, ap_id, created_at, by)| {
                let boost = Boost {
                    id,
                    ap_id,
                    created_at,
                    by,
                };
                (id, boost)
            })
            .collect();
    }
    Ok(lines
        .into_iter()
        .filter_map(|line| {
            let (status, author) = posts.get(&line.status_id).cloned()?;
            let boost = match line.boost_id {
                Some(id) => Some(boosts.remove(&id)?),
                None => None,
            };
            Some(Entry {
                id: line.entry_id,
                status,
                author,
                boost,
            })
        })
        .collect())
}

/// The boost `boost_id` as a timeline entry.
pub async fn boost(conn: &mut AsyncPgConnection, boost_id: i64) -> QueryResult<Option<Entry>> {
    let line = Line {
        entry_id: boost_id,
        status_id: match reblogs::table
            .find(boost_id)
            .select(reblogs::status_id)
            .first::<i64>(conn)
            .await
            .optional()?
        {
            Some(id) => id,
            None => return Ok(None),
        },
        boost_id: Some(boost_id),
    };
    Ok(complete(conn, vec![line]).await?.pop())
}

/// The discussions of groups: posts into them that start a thread.
pub async fn of_groups(
    conn: &mut AsyncPgConnection,
    group_ids: &[i64],
    window: Window,
) -> QueryResult<Vec<Entry>> {
    let lines: Vec<Line> = diesel::sql_query(format!(
        "SELECT s.id AS entry_id, s.id AS status_id, NULL::bigint AS boost_id
           FROM statuses s
          WHERE s.group_id = ANY($1) AND s.in_reply_to_id IS NULL AND s.in_reply_to_ap_id IS NULL
            AND s.deleted_at IS NULL AND s.id < $2 AND s.id > $4
          ORDER BY s.id {order} LIMIT $3",
        order = window.order()
    ))
    .bind::<diesel::sql_types::Array<BigInt>, _>(group_ids)
    .bind::<BigInt, _>(window.upper())
    .bind::<BigInt, _>(window.limit)
    .bind::<BigInt, _>(window.lower())
    .load(conn)
    .await?;
    complete(conn, window.newest_first(lines)).await
}
