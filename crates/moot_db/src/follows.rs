//! Follow relationships between accounts.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::follows;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follows)]
pub struct Follow {
    pub id: i64,
    pub follower_id: i64,
    pub target_id: i64,
    pub ap_id: String,
    pub accepted: bool,
    /// The follower asked to be told of each new post.
    pub notify: bool,
}

/// Records a follow request unless one exists between the two; returns the
/// row now stored and whether it is new.
pub async fn insert_or_get(
    conn: &mut AsyncPgConnection,
    follower_id: i64,
    target_id: i64,
    ap_id: &str,
    accepted: bool,
) -> QueryResult<(Follow, bool)> {
    let inserted = diesel::insert_into(follows::table)
        .values((
            follows::follower_id.eq(follower_id),
            follows::target_id.eq(target_id),
            follows::ap_id.eq(ap_id),
            follows::accepted.eq(accepted),
        ))
        .on_conflict((follows::follower_id, follows::target_id))
        .do_nothing()
        .returning(Follow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match inserted {
        Some(follow) => Ok((follow, true)),
        None => find(conn, follower_id, target_id)
            .await?
            .map(|f| (f, false))
            .ok_or(diesel::result::Error::NotFound),
    }
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    follower_id: i64,
    target_id: i64,
) -> QueryResult<Option<Follow>> {
    follows::table
        .filter(follows::follower_id.eq(follower_id))
        .filter(follows::target_id.eq(target_id))
        .select(Follow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<Follow>> {
    follows::table
        .filter(follows::ap_id.eq(ap_id))
        .select(Follow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn accept(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(follows::table.find(id))
        .set(follows::accepted.eq(true))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(follows::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether `target` has an accepted follower on the node `domain`: lets
/// that node's instance actor fetch what the target's followers may see.
pub async fn has_follower_on(
    conn: &mut AsyncPgConnection,
    target_id: i64,
    domain: &str,
) -> QueryResult<bool> {
    use crate::schema::accounts;
    diesel::select(diesel::dsl::exists(
        follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
            .filter(follows::target_id.eq(target_id))
            .filter(follows::accepted)
            .filter(accounts::domain.eq(domain)),
    ))
    .get_result(conn)
    .await
}

/// A page of an account's accepted followers (or followings), newest
/// first, each with the follow's id (the page cursor).
pub async fn accounts_page(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    followers: bool,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, crate::accounts::Account)>> {
    use crate::accounts::Account;
    use crate::schema::accounts;
    let base = follows::table
        .filter(follows::accepted)
        .filter(follows::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(follows::id.desc())
        .limit(limit);
    if followers {
        base.filter(follows::target_id.eq(account_id))
            .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
            .select((follows::id, Account::as_select()))
            .load(conn)
            .await
    } else {
        base.filter(follows::follower_id.eq(account_id))
            .inner_join(accounts::table.on(accounts::id.eq(follows::target_id)))
            .select((follows::id, Account::as_select()))
            .load(conn)
            .await
    }
}

/// Requests to follow `target_id` (a person who approves followers, or a
/// group's join requests) waiting for an answer, oldest first.
pub async fn pending(
    conn: &mut AsyncPgConnection,
    target_id: i64,
) -> QueryResult<Vec<(Follow, crate::accounts::Account)>> {
    use crate::accounts::Account;
    use crate::schema::accounts;
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(target_id))
        .filter(follows::accepted.eq(false))
        .order(follows::id.asc())
        .select((Follow::as_select(), Account::as_select()))
        .load(conn)
        .await
}

/// Whether `follower_id` is told of each of `target_id`'s new posts.
pub async fn set_notify(
    conn: &mut AsyncPgConnection,
    follower_id: i64,
    target_id: i64,
    notify: bool,
) -> QueryResult<()> {
    diesel::update(
        follows::table
            .filter(follows::follower_id.eq(follower_id))
            .filter(follows::target_id.eq(target_id)),
    )
    .set(follows::notify.eq(notify))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Local followers of `target_id` who asked to be told of its new posts.
pub async fn subscribers(conn: &mut AsyncPgConnection, target_id: i64) -> QueryResult<Vec<i64>> {
    use crate::schema::accounts;
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(target_id))
        .filter(follows::accepted)
        .filter(follows::notify)
        .filter(accounts::domain.is_null())
        .select(follows::follower_id)
        .load(conn)
        .await
}

/// [`subscribers`] of each of `target_ids`, as `(target, subscriber)`.
/// Run it under [`crate::plan_for_these_values`]: a prepared `= ANY` may
/// keep a plan made for an empty table (the one-target form above, an
/// equality, plans well either way, so it stays separate).
pub async fn subscribers_of_many(
    conn: &mut AsyncPgConnection,
    target_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    use crate::schema::accounts;
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq_any(target_ids))
        .filter(follows::accepted)
        .filter(follows::notify)
        .filter(accounts::domain.is_null())
        .select((follows::target_id, follows::follower_id))
        .load(conn)
        .await
}

/// Those of `targets` that `follower_id` follows.
pub async fn following_among(
    conn: &mut AsyncPgConnection,
    follower_id: i64,
    targets: &[i64],
) -> QueryResult<Vec<i64>> {
    follows::table
        .filter(follows::follower_id.eq(follower_id))
        .filter(follows::accepted)
        .filter(follows::target_id.eq_any(targets))
        .select(follows::target_id)
        .load(conn)
        .await
}

/// Those of `targets` that someone on this node follows or asked to
/// follow: whose posts people here want.
pub async fn followed_here(conn: &mut AsyncPgConnection, targets: &[i64]) -> QueryResult<Vec<i64>> {
    use crate::schema::accounts;
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq_any(targets))
        .filter(accounts::domain.is_null())
        .select(follows::target_id)
        .distinct()
        .load(conn)
        .await
}

/// Those of the groups with ActivityPub ids `uris` that someone on this
/// node follows or asked to join, by id.
pub async fn groups_followed_here(
    conn: &mut AsyncPgConnection,
    uris: &[&str],
) -> QueryResult<Vec<String>> {
    use crate::schema::accounts;
    let (groups, followers) = diesel::alias!(accounts as groups, accounts as followers);
    follows::table
        .inner_join(groups.on(groups.field(accounts::id).eq(follows::target_id)))
        .inner_join(followers.on(followers.field(accounts::id).eq(follows::follower_id)))
        .filter(groups.field(accounts::ap_id).eq_any(uris))
        .filter(groups.field(accounts::actor_type).eq("Group"))
        .filter(followers.field(accounts::domain).is_null())
        .select(groups.field(accounts::ap_id).assume_not_null())
        .distinct()
        .load(conn)
        .await
}

/// Follows from people here to actors elsewhere still waiting for an
/// answer, whose next resend is due: the first after `first_after_secs`,
/// each later one after twice the wait before, at most `most` resends.
pub async fn waiting_to_resend(
    conn: &mut AsyncPgConnection,
    first_after_secs: i64,
    most: i32,
    limit: i64,
) -> QueryResult<Vec<Follow>> {
    use diesel::sql_types::{BigInt, Integer};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Row> = diesel::sql_query(
        "SELECT f.id FROM follows f
           JOIN accounts follower ON follower.id = f.follower_id AND follower.domain IS NULL
           JOIN accounts target ON target.id = f.target_id AND target.domain IS NOT NULL
          WHERE NOT f.accepted AND f.resends < $2
            AND coalesce(f.resent_at, f.created_at)
                < now() - make_interval(secs => $1 * power(2, f.resends))
          ORDER BY f.created_at LIMIT $3",
    )
    .bind::<BigInt, _>(first_after_secs)
    .bind::<Integer, _>(most)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    let ids: Vec<i64> = ids.into_iter().map(|r| r.id).collect();
    follows::table
        .filter(follows::id.eq_any(ids))
        .select(Follow::as_select())
        .load(conn)
        .await
}

/// Records a resend of a waiting follow under its new activity id; false
/// when another process resent it (or it was answered) first.
pub async fn resent(
    conn: &mut AsyncPgConnection,
    follow: &Follow,
    new_ap_id: &str,
) -> QueryResult<bool> {
    diesel::update(
        follows::table
            .find(follow.id)
            .filter(follows::ap_id.eq(&follow.ap_id))
            .filter(follows::accepted.eq(false)),
    )
    .set((
        follows::ap_id.eq(new_ap_id),
        follows::resent_at.eq(diesel::dsl::now),
        follows::resends.eq(follows::resends + 1),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// For each of `targets`, the accounts `viewer_id` follows that follow it
/// too (at most `per_target` each): Mastodon's familiar followers.
pub async fn familiar_followers(
    conn: &mut AsyncPgConnection,
    viewer_id: i64,
    targets: &[i64],
    per_target: i64,
) -> QueryResult<Vec<(i64, i64)>> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        target: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        follower: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT t.target, f.follower FROM unnest($2::bigint[]) AS t(target)
         CROSS JOIN LATERAL (
             SELECT mine.target_id AS follower FROM follows mine
             JOIN follows theirs ON theirs.follower_id = mine.target_id
             WHERE mine.follower_id = $1 AND mine.accepted
               AND theirs.target_id = t.target AND theirs.accepted
             ORDER BY mine.id DESC LIMIT $3) f",
    )
    .bind::<diesel::sql_types::BigInt, _>(viewer_id)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(targets)
    .bind::<diesel::sql_types::BigInt, _>(per_target)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.target, r.follower)).collect())
}
