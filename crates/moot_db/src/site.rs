//! The node's single `site` row: its instance actor's keys.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::site;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = site)]
pub struct Site {
    pub public_key_pem: String,
    pub private_key_pem: String,
}

pub async fn get(conn: &mut AsyncPgConnection) -> QueryResult<Option<Site>> {
    site::table
        .select(Site::as_select())
        .first(conn)
        .await
        .optional()
}

/// Stores the site row unless another process stored one first; returns the
/// row that won, so that every process of a node agrees on one key.
pub async fn insert_if_absent(conn: &mut AsyncPgConnection, new: &Site) -> QueryResult<Site> {
    diesel::insert_into(site::table)
        .values((
            site::public_key_pem.eq(&new.public_key_pem),
            site::private_key_pem.eq(&new.private_key_pem),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    site::table.select(Site::as_select()).first(conn).await
}
