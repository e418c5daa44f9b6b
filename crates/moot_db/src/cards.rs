//! Preview cards of links in posts, kept by the link.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{preview_cards, status_cards};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = preview_cards)]
pub struct Card {
    pub url: String,
    /// False when the page gave nothing to show.
    pub found: bool,
    pub title: String,
    pub description: String,
    pub image_url: Option<String>,
    pub provider_name: String,
    pub fetched_at: DateTime<Utc>,
}

/// The card kept for `url`, if it was fetched since `since`.
pub async fn fresh(
    conn: &mut AsyncPgConnection,
    url: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<Card>> {
    preview_cards::table
        .find(url)
        .filter(preview_cards::fetched_at.gt(since))
        .select(Card::as_select())
        .first(conn)
        .await
        .optional()
}

/// Keeps (or replaces) the card of a link.
pub async fn keep(conn: &mut AsyncPgConnection, card: &Card) -> QueryResult<()> {
    diesel::insert_into(preview_cards::table)
        .values(card)
        .on_conflict(preview_cards::url)
        .do_update()
        .set((
            preview_cards::found.eq(card.found),
            preview_cards::title.eq(&card.title),
            preview_cards::description.eq(&card.description),
            preview_cards::image_url.eq(&card.image_url),
            preview_cards::provider_name.eq(&card.provider_name),
            preview_cards::fetched_at.eq(card.fetched_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Gives a post the card of `url`.
pub async fn attach(conn: &mut AsyncPgConnection, status_id: i64, url: &str) -> QueryResult<()> {
    diesel::insert_into(status_cards::table)
        .values((
            status_cards::status_id.eq(status_id),
            status_cards::url.eq(url),
        ))
        .on_conflict(status_cards::status_id)
        .do_update()
        .set(status_cards::url.eq(url))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The cards these posts show, by post.
pub async fn of_statuses(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> QueryResult<Vec<(i64, Card)>> {
    status_cards::table
        .inner_join(preview_cards::table)
        .filter(status_cards::status_id.eq_any(status_ids))
        .filter(preview_cards::found.eq(true))
        .select((status_cards::status_id, Card::as_select()))
        .load(conn)
        .await
}
