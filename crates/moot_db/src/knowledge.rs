//! What changed lately in the knowledge groups keep: wiki pages and
//! documents, newest change first, and events soon to come.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A wiki page or document that changed.
#[derive(Debug, Clone, QueryableByName)]
pub struct Change {
    /// `wiki` or `file`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub group_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// A wiki page's slug; empty for a document.
    #[diesel(sql_type = Text)]
    pub slug: String,
    /// How many revisions or versions it has: 1 for a new one.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub versions: i32,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
}

/// The latest changes in these groups.
pub async fn recent_changes(
    conn: &mut AsyncPgConnection,
    group_ids: &[i64],
    limit: i64,
) -> diesel::QueryResult<Vec<Change>> {
    diesel::sql_query(
        "(SELECT 'wiki' AS kind, p.id, p.group_id, p.title, p.slug,
                 (SELECT count(*)::int FROM wiki_revisions r WHERE r.page_id = p.id) AS versions,
                 p.updated_at AS at
            FROM wiki_pages p
           WHERE p.group_id = ANY($1) AND p.version <> ''
           ORDER BY p.updated_at DESC LIMIT $2)
         UNION ALL
         (SELECT 'file', i.id, i.group_id, i.title, '', i.current_version, i.updated_at
            FROM library_items i
           WHERE i.group_id = ANY($1) AND i.deleted_at IS NULL AND i.current_version > 0
           ORDER BY i.updated_at DESC LIMIT $2)
         ORDER BY at DESC LIMIT $2",
    )
    .bind::<Array<BigInt>, _>(group_ids)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
