//! Events and the answers (RSVPs) to them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{event_rsvps, events};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub ap_id: String,
    pub organizer_id: i64,
    pub group_id: Option<i64>,
    pub title: String,
    pub description_source: String,
    pub description_html: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: String,
    pub place_name: Option<String>,
    pub place_address: Option<String>,
    pub online_url: Option<String>,
    pub status: String,
    pub going_count: i32,
    pub maybe_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What an event says, as its organizer sets it (or its node publishes it).
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = events, treat_none_as_null = true)]
pub struct EventFields<'a> {
    pub title: &'a str,
    pub description_source: &'a str,
    pub description_html: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: &'a str,
    pub place_name: Option<&'a str>,
    pub place_address: Option<&'a str>,
    pub online_url: Option<&'a str>,
    pub status: &'a str,
}

/// The row id the next local event takes (its ActivityPub id names it).
pub async fn next_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    crate::next_id(conn, "events_id_seq").await
}

/// Stores an event (with row id `id` when given); None if its ActivityPub
/// id is taken.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    id: Option<i64>,
    ap_id: &str,
    organizer_id: i64,
    group_id: Option<i64>,
    fields: &EventFields<'_>,
) -> QueryResult<Option<Event>> {
    diesel::insert_into(events::table)
        .values((
            id.map(|id| events::id.eq(id)),
            events::ap_id.eq(ap_id),
            events::organizer_id.eq(organizer_id),
            events::group_id.eq(group_id),
            fields,
        ))
        .on_conflict_do_nothing()
        .returning(Event::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    fields: &EventFields<'_>,
) -> QueryResult<Event> {
    diesel::update(events::table.find(id))
        .set((fields, events::updated_at.eq(Utc::now())))
        .returning(Event::as_returning())
        .get_result(conn)
        .await
}

/// Records the counts a remote event's node published.
pub async fn set_counts(
    conn: &mut AsyncPgConnection,
    id: i64,
    going: i32,
    maybe: i32,
) -> QueryResult<()> {
    diesel::update(events::table.find(id))
        .set((events::going_count.eq(going), events::maybe_count.eq(maybe)))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Event>> {
    events::table
        .find(id)
        .filter(events::deleted_at.is_null())
        .select(Event::as_select())
        .first(conn)
        .await
        .optional()
}

/// The event with this id, deleted or not.
pub async fn find_by_uri(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<Option<Event>> {
    events::table
        .filter(events::ap_id.eq(ap_id))
        .select(Event::as_select())
        .first(conn)
        .await
        .optional()
}

/// A group's events, soonest first, from `from` on.
pub async fn of_group(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    from: DateTime<Utc>,
) -> QueryResult<Vec<Event>> {
    events::table
        .filter(events::group_id.eq(group_id))
        .filter(events::deleted_at.is_null())
        .filter(events::starts_at.ge(from))
        .order((events::starts_at.asc(), events::id.asc()))
        .select(Event::as_select())
        .load(conn)
        .await
}

pub async fn mark_deleted(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(events::table.find(id))
        .set(events::deleted_at.eq(Utc::now()))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records (or changes) `account_id`'s answer.
pub async fn answer(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    account_id: i64,
    answer: &str,
    ap_id: &str,
) -> QueryResult<()> {
    diesel::insert_into(event_rsvps::table)
        .values((
            event_rsvps::event_id.eq(event_id),
            event_rsvps::account_id.eq(account_id),
            event_rsvps::answer.eq(answer),
            event_rsvps::ap_id.eq(ap_id),
        ))
        .on_conflict((event_rsvps::event_id, event_rsvps::account_id))
        .do_update()
        .set((
            event_rsvps::answer.eq(answer),
            event_rsvps::ap_id.eq(ap_id),
            event_rsvps::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// `account_id`'s answer, if any.
pub async fn answer_of(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    account_id: i64,
) -> QueryResult<Option<String>> {
    event_rsvps::table
        .find((event_id, account_id))
        .select(event_rsvps::answer)
        .first(conn)
        .await
        .optional()
}

/// How many answered going, and maybe.
pub async fn counts(conn: &mut AsyncPgConnection, event_id: i64) -> QueryResult<(i64, i64)> {
    let rows: Vec<(String, i64)> = event_rsvps::table
        .filter(event_rsvps::event_id.eq(event_id))
        .group_by(event_rsvps::answer)
        .select((event_rsvps::answer, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let count = |which: &str| rows.iter().find(|(a, _)| a == which).map_or(0, |(_, n)| *n);
    Ok((count("going"), count("maybe")))
}

/// Whether `ap_id` is the activity that carried an answer kept here.
pub async fn is_rsvp_activity(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        event_rsvps::table.filter(event_rsvps::ap_id.eq(ap_id)),
    ))
    .get_result(conn)
    .await
}

/// The next events of these groups from `from` on, soonest first.
pub async fn upcoming_in(
    conn: &mut AsyncPgConnection,
    group_ids: &[i64],
    from: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Event>> {
    events::table
        .filter(events::group_id.eq_any(group_ids))
        .filter(events::deleted_at.is_null())
        .filter(events::starts_at.ge(from))
        .order((events::starts_at.asc(), events::id.asc()))
        .limit(limit)
        .select(Event::as_select())
        .load(conn)
        .await
}
