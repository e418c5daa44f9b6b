//! Relays this node subscribes to.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Relay {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub inbox: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor_uri: Option<String>,
    #[diesel(sql_type = Text)]
    pub follow_id: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

/// Subscribes (again) to the relay at `inbox` with a new follow: pending.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    inbox: &str,
    follow_id: &str,
) -> diesel::QueryResult<Relay> {
    diesel::sql_query(
        "INSERT INTO relays (inbox, follow_id, status) VALUES ($1, $2, 'pending')
         ON CONFLICT (inbox) DO UPDATE SET follow_id = EXCLUDED.follow_id,
             status = 'pending', updated_at = now()
         RETURNING *",
    )
    .bind::<Text, _>(inbox)
    .bind::<Text, _>(follow_id)
    .get_result(conn)
    .await
}

pub async fn by_inbox(
    conn: &mut AsyncPgConnection,
    inbox: &str,
) -> diesel::QueryResult<Option<Relay>> {
    diesel::sql_query("SELECT * FROM relays WHERE inbox = $1")
        .bind::<Text, _>(inbox)
        .get_result(conn)
        .await
        .optional()
}

pub async fn by_follow(
    conn: &mut AsyncPgConnection,
    follow_id: &str,
) -> diesel::QueryResult<Option<Relay>> {
    diesel::sql_query("SELECT * FROM relays WHERE follow_id = $1")
        .bind::<Text, _>(follow_id)
        .get_result(conn)
        .await
        .optional()
}

/// Records the relay's answer (and its actor).
pub async fn answer(
    conn: &mut AsyncPgConnection,
    id: i64,
    actor_uri: &str,
    status: &str,
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "UPDATE relays SET actor_uri = $2, status = $3, updated_at = now() WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .bind::<Text, _>(actor_uri)
    .bind::<Text, _>(status)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<()> {
    diesel::sql_query("DELETE FROM relays WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn list(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<Relay>> {
    diesel::sql_query("SELECT * FROM relays ORDER BY created_at, id")
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct InboxRow {
    #[diesel(sql_type = Text)]
    inbox: String,
}

/// The inboxes of the relays that accepted this node: where its public
/// posts go.
pub async fn accepted_inboxes(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<String>> {
    let rows: Vec<InboxRow> =
        diesel::sql_query("SELECT inbox FROM relays WHERE status = 'accepted' ORDER BY inbox")
            .load(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.inbox).collect())
}

/// Whether `actor` is a relay this node subscribes to (and was accepted by).
pub async fn is_relay_actor(
    conn: &mut AsyncPgConnection,
    actor: &str,
) -> diesel::QueryResult<bool> {
    let found: Option<InboxRow> = diesel::sql_query(
        "SELECT inbox FROM relays WHERE actor_uri = $1 AND status = 'accepted' LIMIT 1",
    )
    .bind::<Text, _>(actor)
    .get_result(conn)
    .await
    .optional()?;
    Ok(found.is_some())
}
