//! The audit log: who changed what, when and why, for every rule change
//! and moderation action.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One recorded change.
#[derive(Debug, Clone, QueryableByName)]
pub struct AuditEntry {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub actor: String,
    #[diesel(sql_type = Text)]
    pub action: String,
    #[diesel(sql_type = Text)]
    pub target: String,
    /// JSON text.
    #[diesel(sql_type = Text)]
    pub details: String,
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Records a change; `details` is JSON text.
pub async fn record(
    conn: &mut AsyncPgConnection,
    actor: &str,
    action: &str,
    target: &str,
    details: &str,
    reason: &str,
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO audit_log (actor, action, target, details, reason) VALUES ($1, $2, $3, $4::jsonb, $5)",
    )
    .bind::<Text, _>(actor)
    .bind::<Text, _>(action)
    .bind::<Text, _>(target)
    .bind::<Text, _>(details)
    .bind::<Text, _>(reason)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Which entries to read; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exactly this actor (`@name`, `cli:user` ...).
    pub actor: Option<String>,
    /// Any of these actions, each with every action under it (`report`
    /// finds `report.resolve` and `report.forward`); empty for any.
    pub actions: Vec<String>,
    /// Part of the target (`example.org`, `account:12` ...).
    pub target: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Older than this id.
    pub max_id: Option<i64>,
    pub limit: i64,
}

/// Entries as `filter` narrows them, newest first.
pub async fn entries(
    conn: &mut AsyncPgConnection,
    filter: &AuditFilter,
) -> diesel::QueryResult<Vec<AuditEntry>> {
    let prefixes: Vec<String> = filter
        .actions
        .iter()
        .map(|a| format!("{}.%", crate::escape_like(a)))
        .collect();
    let target = filter
        .target
        .as_deref()
        .map(|t| format!("%{}%", crate::escape_like(t)));
    diesel::sql_query(
        "SELECT id, actor, action, target, details::text AS details, reason, created_at
         FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1)
           AND (cardinality($2::text[]) = 0 OR action = ANY($2) OR action LIKE ANY($3))
           AND ($4::text IS NULL OR target ILIKE $4)
           AND ($5::timestamptz IS NULL OR created_at >= $5)
           AND ($6::timestamptz IS NULL OR created_at < $6)
           AND ($7::bigint IS NULL OR id < $7)
         ORDER BY id DESC LIMIT $8",
    )
    .bind::<Nullable<Text>, _>(filter.actor.as_deref())
    .bind::<diesel::sql_types::Array<Text>, _>(&filter.actions)
    .bind::<diesel::sql_types::Array<Text>, _>(&prefixes)
    .bind::<Nullable<Text>, _>(target)
    .bind::<Nullable<Timestamptz>, _>(filter.since)
    .bind::<Nullable<Timestamptz>, _>(filter.until)
    .bind::<Nullable<BigInt>, _>(filter.max_id)
    .bind::<BigInt, _>(filter.limit)
    .load(conn)
    .await
}

/// The people and commands that appear in the log, for a filter's choices.
pub async fn actors(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Actor {
        #[diesel(sql_type = Text)]
        actor: String,
    }
    let found: Vec<Actor> =
        diesel::sql_query("SELECT DISTINCT actor FROM audit_log ORDER BY actor LIMIT 500")
            .load(conn)
            .await?;
    Ok(found.into_iter().map(|a| a.actor).collect())
}
