//! Polls and their votes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{poll_votes, polls};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = polls)]
pub struct Poll {
    pub status_id: i64,
    pub options: Vec<String>,
    pub multiple: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub remote_counts: Option<Vec<i32>>,
    pub remote_voters: Option<i32>,
}

/// Stores a poll (or, for a remote one, its options and totals anew).
pub async fn upsert(conn: &mut AsyncPgConnection, poll: &Poll) -> QueryResult<()> {
    diesel::insert_into(polls::table)
        .values((
            polls::status_id.eq(poll.status_id),
            polls::options.eq(&poll.options),
            polls::multiple.eq(poll.multiple),
            polls::expires_at.eq(poll.expires_at),
            polls::remote_counts.eq(&poll.remote_counts),
            polls::remote_voters.eq(poll.remote_voters),
        ))
        .on_conflict(polls::status_id)
        .do_update()
        .set((
            polls::options.eq(&poll.options),
            polls::multiple.eq(poll.multiple),
            polls::expires_at.eq(poll.expires_at),
            polls::remote_counts.eq(&poll.remote_counts),
            polls::remote_voters.eq(poll.remote_voters),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<Option<Poll>> {
    polls::table
        .find(status_id)
        .select(Poll::as_select())
        .first(conn)
        .await
        .optional()
}

/// Locks a poll until the end of the transaction: votes are counted one at
/// a time, so that the totals published after each include every vote
/// before it.
pub async fn lock(conn: &mut AsyncPgConnection, status_id: i64) -> QueryResult<()> {
    polls::table
        .find(status_id)
        .for_update()
        .select(polls::status_id)
        .first::<i64>(conn)
        .await
        .map(|_| ())
}

/// The polls of many posts.
pub async fn of_statuses(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> QueryResult<Vec<Poll>> {
    polls::table
        .filter(polls::status_id.eq_any(status_ids))
        .select(Poll::as_select())
        .load(conn)
        .await
}

/// Records one vote for each of `choices`; false if `account_id` had voted
/// in this poll already.
pub async fn vote(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    account_id: i64,
    choices: &[i32],
    ap_ids: &[Option<String>],
) -> QueryResult<bool> {
    let voted: bool = diesel::select(diesel::dsl::exists(
        poll_votes::table
            .filter(poll_votes::status_id.eq(status_id))
            .filter(poll_votes::account_id.eq(account_id)),
    ))
    .get_result(conn)
    .await?;
    if voted {
        return Ok(false);
    }
    add_choice(conn, status_id, account_id, choices, ap_ids).await?;
    Ok(true)
}

/// Adds choices to a vote (a multiple-choice vote arrives one option at a
/// time); a choice made already is kept once.
pub async fn add_choice(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    account_id: i64,
    choices: &[i32],
    ap_ids: &[Option<String>],
) -> QueryResult<()> {
    let rows: Vec<_> = choices
        .iter()
        .zip(ap_ids)
        .map(|(choice, ap_id)| {
            (
                poll_votes::status_id.eq(status_id),
                poll_votes::account_id.eq(account_id),
                poll_votes::choice.eq(*choice),
                poll_votes::ap_id.eq(ap_id.clone()),
            )
        })
        .collect();
    diesel::insert_into(poll_votes::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// The choices `account_id` made in each of the polls.
pub async fn own_votes(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
    account_id: i64,
) -> QueryResult<Vec<(i64, i32)>> {
    poll_votes::table
        .filter(poll_votes::status_id.eq_any(status_ids))
        .filter(poll_votes::account_id.eq(account_id))
        .order((poll_votes::status_id, poll_votes::choice))
        .select((poll_votes::status_id, poll_votes::choice))
        .load(conn)
        .await
}

/// Votes per option (by index) and the number of voters, counted here.
pub async fn tally(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    options: usize,
) -> QueryResult<(Vec<i64>, i64)> {
    let per_choice: Vec<(i32, i64)> = poll_votes::table
        .filter(poll_votes::status_id.eq(status_id))
        .group_by(poll_votes::choice)
        .select((poll_votes::choice, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let voters: i64 = poll_votes::table
        .filter(poll_votes::status_id.eq(status_id))
        .select(diesel::dsl::count(poll_votes::account_id).aggregate_distinct())
        .first(conn)
        .await?;
    let mut counts = vec![0; options];
    for (choice, n) in per_choice {
        if let Some(slot) = counts.get_mut(choice as usize) {
            *slot = n;
        }
    }
    Ok((counts, voters))
}
