//! Accepted answers: the reply chosen as a question's answer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::accepted_answers;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accepted_answers)]
pub struct Accepted {
    pub question_id: i64,
    pub answer_id: i64,
    pub chosen_by: i64,
    pub ap_id: String,
    pub created_at: DateTime<Utc>,
}

/// Records (or replaces) the question's answer.
pub async fn choose(
    conn: &mut AsyncPgConnection,
    question_id: i64,
    answer_id: i64,
    chosen_by: i64,
    ap_id: &str,
) -> QueryResult<()> {
    diesel::insert_into(accepted_answers::table)
        .values((
            accepted_answers::question_id.eq(question_id),
            accepted_answers::answer_id.eq(answer_id),
            accepted_answers::chosen_by.eq(chosen_by),
            accepted_answers::ap_id.eq(ap_id),
        ))
        .on_conflict(accepted_answers::question_id)
        .do_update()
        .set((
            accepted_answers::answer_id.eq(answer_id),
            accepted_answers::chosen_by.eq(chosen_by),
            accepted_answers::ap_id.eq(ap_id),
            accepted_answers::created_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Clears the answer chosen by the activity `ap_id`, or (None) any.
pub async fn clear(
    conn: &mut AsyncPgConnection,
    question_id: i64,
    ap_id: Option<&str>,
) -> QueryResult<usize> {
    let chosen = accepted_answers::table.filter(accepted_answers::question_id.eq(question_id));
    match ap_id {
        Some(ap_id) => {
            diesel::delete(chosen.filter(accepted_answers::ap_id.eq(ap_id)))
                .execute(conn)
                .await
        }
        None => diesel::delete(chosen).execute(conn).await,
    }
}

pub async fn of_question(
    conn: &mut AsyncPgConnection,
    question_id: i64,
) -> QueryResult<Option<Accepted>> {
    accepted_answers::table
        .find(question_id)
        .select(Accepted::as_select())
        .first(conn)
        .await
        .optional()
}

/// The choice made by activity `ap_id`, if it stands.
pub async fn by_activity(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<Accepted>> {
    accepted_answers::table
        .filter(accepted_answers::ap_id.eq(ap_id))
        .select(Accepted::as_select())
        .first(conn)
        .await
        .optional()
}
