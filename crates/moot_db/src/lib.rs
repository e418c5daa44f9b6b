//! Moot's storage: the PostgreSQL schema and queries, the connection pool,
//! the embedded migrations, and the manager of the node's own PostgreSQL.

pub mod accounts;
pub mod answers;
pub mod audit;
pub mod blocks;
pub mod bookmarks;
pub mod cards;
pub mod conversations;
pub mod domain_rules;
pub mod embedded;
pub mod events;
pub mod featured;
pub mod filters;
pub mod follows;
pub mod groups;
pub mod invites;
pub mod kept_sql;
pub mod knowledge;
pub mod library;
pub mod lists;
pub mod markers;
pub mod media;
pub mod moderation;
pub mod node_texts;
pub mod notifications;
pub mod outbox;
pub mod peerings;
pub mod pins;
pub mod polls;
pub mod pool;
pub mod push;
pub mod reactions;
pub mod received;
pub mod relays;
pub mod reports;
pub mod scheduled;
pub mod schema;
pub mod search;
pub mod site;
pub mod statuses;
pub mod timelines;
pub mod tokens;
pub mod web_sessions;
pub mod wiki;
pub mod window;

pub use diesel_async::AsyncPgConnection;
pub use pool::{Database, DbError, DbPool, OwnConnection, MIGRATIONS};

/// `text` with LIKE's wildcards escaped, to match literally in a pattern.
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The next value of a table's id sequence: the row id a new local object
/// takes, for ActivityPub ids that name their row and must be known before
/// the insert.
pub async fn next_id(conn: &mut AsyncPgConnection, sequence: &str) -> diesel::QueryResult<i64> {
    use diesel_async::RunQueryDsl;
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "nextval('{sequence}')"
    )))
    .get_result(conn)
    .await
}

/// Undoes [`plan_for_these_values`] for the rest of the current
/// transaction: statements plan as PostgreSQL usually does, keeping a
/// generic plan once it serves as well.
pub async fn plan_as_usual(conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
    set_plan_cache_mode(conn, "auto").await
}

/// Makes the rest of the current transaction plan each statement for its
/// own values. A prepared `= ANY($1)` look-up may otherwise keep a plan
/// made while its table was nearly empty (a sequential scan) long after
/// the table has grown; batch statements run rarely enough to plan anew.
pub async fn plan_for_these_values(conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
    set_plan_cache_mode(conn, "force_custom_plan").await
}

/// Makes the rest of the current transaction keep one generic plan per
/// statement, for a query whose planning costs as much as running it.
pub async fn plan_generically(conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
    set_plan_cache_mode(conn, "force_generic_plan").await
}

/// Sent as a simple query: one round trip, where `sql_query` (never a
/// cached statement) would take two, a prepare and an execute.
async fn set_plan_cache_mode(conn: &mut AsyncPgConnection, mode: &str) -> diesel::QueryResult<()> {
    use diesel_async::SimpleAsyncConnection;
    conn.batch_execute(&format!("SET LOCAL plan_cache_mode = {mode}"))
        .await
}
