//! Uploaded files' records; the files themselves are in `moot_app::storage`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{library_versions, media_attachments};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media_attachments)]
pub struct Media {
    pub id: i64,
    pub account_id: i64,
    pub status_id: Option<i64>,
    pub file_key: String,
    pub content_type: String,
    pub kind: String,
    pub file_size: i64,
    pub sha256: String,
    pub description: String,
    pub original_name: Option<String>,
    pub focus_x: Option<f32>,
    pub focus_y: Option<f32>,
    pub created_at: DateTime<Utc>,
    /// Where a file on a received post lives (none is stored here).
    pub remote_url: Option<String>,
    pub remote_preview_url: Option<String>,
    pub blurhash: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// An uploaded picture's small copy, and its size.
    pub preview_key: Option<String>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media_attachments)]
pub struct NewMedia<'a> {
    pub account_id: i64,
    pub file_key: &'a str,
    pub content_type: &'a str,
    pub kind: &'a str,
    pub file_size: i64,
    pub sha256: &'a str,
    pub description: &'a str,
    pub original_name: Option<&'a str>,
    pub focus_x: Option<f32>,
    pub focus_y: Option<f32>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub blurhash: Option<&'a str>,
    pub preview_key: Option<&'a str>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
}

/// A file on a received post, kept as its address on its own server.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media_attachments)]
pub struct NewRemoteMedia {
    pub account_id: i64,
    pub status_id: Option<i64>,
    /// Names the row only: `remote/<post id>#<n>`.
    pub file_key: String,
    pub content_type: String,
    pub kind: String,
    pub file_size: i64,
    pub sha256: String,
    pub description: String,
    pub focus_x: Option<f32>,
    pub focus_y: Option<f32>,
    pub remote_url: Option<String>,
    pub remote_preview_url: Option<String>,
    pub blurhash: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// Stores the files of received posts (a file already kept is left).
pub async fn insert_remote(
    conn: &mut AsyncPgConnection,
    files: &[NewRemoteMedia],
) -> QueryResult<usize> {
    if files.is_empty() {
        return Ok(0);
    }
    diesel::insert_into(media_attachments::table)
        .values(files)
        .on_conflict(media_attachments::file_key)
        .do_nothing()
        .execute(conn)
        .await
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewMedia<'_>) -> QueryResult<Media> {
    diesel::insert_into(media_attachments::table)
        .values(new)
        .returning(Media::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Media>> {
    media_attachments::table
        .find(id)
        .select(Media::as_select())
        .first(conn)
        .await
        .optional()
}

/// A file stored here, by its key or its small copy's (files of received
/// posts are not stored here).
pub async fn find_by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Media>> {
    media_attachments::table
        .filter(
            media_attachments::file_key
                .eq(key)
                .or(media_attachments::preview_key.eq(key)),
        )
        .filter(media_attachments::remote_url.is_null())
        .select(Media::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes the alt text and focal point.
pub async fn describe(
    conn: &mut AsyncPgConnection,
    id: i64,
    description: &str,
    focus: Option<(f32, f32)>,
) -> QueryResult<Media> {
    diesel::update(media_attachments::table.find(id))
        .set((
            media_attachments::description.eq(description),
            media_attachments::focus_x.eq(focus.map(|f| f.0)),
            media_attachments::focus_y.eq(focus.map(|f| f.1)),
        ))
        .returning(Media::as_returning())
        .get_result(conn)
        .await
}

/// Attaches `ids` to a post (they show in upload order); returns how many were
/// `owner`'s and free (not on another post).
pub async fn attach(
    conn: &mut AsyncPgConnection,
    owner: i64,
    status_id: i64,
    ids: &[i64],
) -> QueryResult<usize> {
    diesel::update(
        media_attachments::table
            .filter(media_attachments::id.eq_any(ids))
            .filter(media_attachments::account_id.eq(owner))
            .filter(
                media_attachments::status_id
                    .is_null()
                    .or(media_attachments::status_id.eq(status_id)),
            )
            // A library version is not a post's to take.
            .filter(diesel::dsl::not(diesel::dsl::exists(
                library_versions::table
                    .filter(library_versions::media_id.eq(media_attachments::id.nullable())),
            ))),
    )
    .set(media_attachments::status_id.eq(status_id))
    .execute(conn)
    .await
}

/// Detaches from a post the files no longer in `keep` (after an edit).
pub async fn detach_others(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    keep: &[i64],
) -> QueryResult<usize> {
    diesel::update(
        media_attachments::table
            .filter(media_attachments::status_id.eq(status_id))
            .filter(media_attachments::id.ne_all(keep)),
    )
    .set(media_attachments::status_id.eq(None::<i64>))
    .execute(conn)
    .await
}

/// The files of each of `status_ids`, in upload order.
pub async fn of_statuses(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> QueryResult<Vec<Media>> {
    media_attachments::table
        .filter(media_attachments::status_id.eq_any(status_ids))
        .order((media_attachments::status_id, media_attachments::id))
        .select(Media::as_select())
        .load(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(media_attachments::table.find(id))
        .execute(conn)
        .await
}
