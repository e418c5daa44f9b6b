//! Ids of activities the inbox has processed, so a redelivery is a no-op.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::received_activities;

/// Records `ap_id`; true if it had not been seen before. Run it in the same
/// transaction as the activity's effect, so a failure leaves it unrecorded.
pub async fn first_time(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    diesel::insert_into(received_activities::table)
        .values(received_activities::ap_id.eq(ap_id))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Whether `ap_id` was processed already (a look, recording nothing: for
/// work done before the transaction that records it).
pub async fn seen(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        received_activities::table.filter(received_activities::ap_id.eq(ap_id)),
    ))
    .get_result(conn)
    .await
}
