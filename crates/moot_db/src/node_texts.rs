//! What the node tells people about itself: its rules, in order, and its
//! terms of service and privacy policy.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{node_documents, node_rules};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = node_rules)]
pub struct Rule {
    pub id: i64,
    pub text: String,
    pub hint: String,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The rules in their order.
pub async fn rules(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Rule>> {
    node_rules::table
        .order((node_rules::position, node_rules::id))
        .select(Rule::as_select())
        .load(conn)
        .await
}

/// Adds a rule after the others.
pub async fn add_rule(conn: &mut AsyncPgConnection, text: &str, hint: &str) -> QueryResult<Rule> {
    let last: Option<i32> = node_rules::table
        .select(diesel::dsl::max(node_rules::position))
        .get_result(conn)
        .await?;
    diesel::insert_into(node_rules::table)
        .values((
            node_rules::text.eq(text),
            node_rules::hint.eq(hint),
            node_rules::position.eq(last.map_or(0, |p| p + 1)),
        ))
        .returning(Rule::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_rule(
    conn: &mut AsyncPgConnection,
    id: i64,
    text: &str,
    hint: &str,
) -> QueryResult<Option<Rule>> {
    diesel::update(node_rules::table.find(id))
        .set((
            node_rules::text.eq(text),
            node_rules::hint.eq(hint),
            node_rules::updated_at.eq(Utc::now()),
        ))
        .returning(Rule::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn remove_rule(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(node_rules::table.find(id))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = node_documents)]
pub struct Document {
    pub kind: String,
    /// As the administrator wrote it (Markdown).
    pub source: String,
    pub html: String,
    pub updated_at: DateTime<Utc>,
}

/// `terms_of_service` or `privacy_policy`, if written.
pub async fn document(conn: &mut AsyncPgConnection, kind: &str) -> QueryResult<Option<Document>> {
    node_documents::table
        .find(kind)
        .select(Document::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn set_document(
    conn: &mut AsyncPgConnection,
    kind: &str,
    source: &str,
    html: &str,
) -> QueryResult<Document> {
    let values = (
        node_documents::kind.eq(kind),
        node_documents::source.eq(source),
        node_documents::html.eq(html),
        node_documents::updated_at.eq(Utc::now()),
    );
    diesel::insert_into(node_documents::table)
        .values(values)
        .on_conflict(node_documents::kind)
        .do_update()
        .set(values)
        .returning(Document::as_returning())
        .get_result(conn)
        .await
}
