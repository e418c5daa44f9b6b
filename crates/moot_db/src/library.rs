//! Group document libraries: items (a file with its title, description,
//! tags and folder) and their versions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{library_items, library_submissions, library_versions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = library_items)]
pub struct Item {
    pub id: i64,
    pub group_id: i64,
    pub ap_id: String,
    pub uploader_id: i64,
    pub title: String,
    pub description: String,
    pub folder: String,
    pub tags: Vec<String>,
    pub current_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = library_versions)]
pub struct Version {
    pub id: i64,
    pub item_id: i64,
    pub number: i32,
    pub ap_id: String,
    pub media_id: Option<i64>,
    pub url: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub file_name: Option<String>,
    pub uploader_id: i64,
    pub created_at: DateTime<Utc>,
}

/// What describes an item, as its uploader (or its group) sets it.
pub struct ItemText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub folder: &'a str,
    pub tags: &'a [String],
}

#[derive(Insertable)]
#[diesel(table_name = library_versions)]
pub struct NewVersion<'a> {
    pub item_id: i64,
    pub number: i32,
    pub ap_id: &'a str,
    pub media_id: Option<i64>,
    pub url: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub file_name: Option<&'a str>,
    pub uploader_id: i64,
    pub created_at: DateTime<Utc>,
}

/// The row id the next local item takes (its ActivityPub id names it).
pub async fn next_item_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    crate::next_id(conn, "library_items_id_seq").await
}

/// Creates an item with no version yet (with row id `id` when given), or
/// none when its ActivityPub id is taken.
pub async fn insert_item(
    conn: &mut AsyncPgConnection,
    id: Option<i64>,
    group_id: i64,
    ap_id: &str,
    uploader_id: i64,
    text: &ItemText<'_>,
    created_at: DateTime<Utc>,
) -> QueryResult<Option<Item>> {
    diesel::insert_into(library_items::table)
        .values((
            id.map(|id| library_items::id.eq(id)),
            library_items::group_id.eq(group_id),
            library_items::ap_id.eq(ap_id),
            library_items::uploader_id.eq(uploader_id),
            library_items::title.eq(text.title),
            library_items::description.eq(text.description),
            library_items::folder.eq(text.folder),
            library_items::tags.eq(text.tags),
            library_items::created_at.eq(created_at),
            library_items::updated_at.eq(created_at),
        ))
        .on_conflict_do_nothing()
        .returning(Item::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn update_text(
    conn: &mut AsyncPgConnection,
    id: i64,
    text: &ItemText<'_>,
) -> QueryResult<()> {
    diesel::update(library_items::table.find(id))
        .set((
            library_items::title.eq(text.title),
            library_items::description.eq(text.description),
            library_items::folder.eq(text.folder),
            library_items::tags.eq(text.tags),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Item>> {
    library_items::table
        .find(id)
        .filter(library_items::deleted_at.is_null())
        .select(Item::as_select())
        .first(conn)
        .await
        .optional()
}

/// The item, locked until the end of the transaction (versions are
/// numbered one at a time).
pub async fn lock(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Item>> {
    library_items::table
        .find(id)
        .filter(library_items::deleted_at.is_null())
        .for_update()
        .select(Item::as_select())
        .first(conn)
        .await
        .optional()
}

/// The item with this id, deleted or not.
pub async fn find_by_uri(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<Option<Item>> {
    library_items::table
        .filter(library_items::ap_id.eq(ap_id))
        .select(Item::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of a group's items, the newest first, ids below `max_id`; in one
/// folder and with one tag when asked.
pub async fn of_group(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    folder: Option<&str>,
    tag: Option<&str>,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Item>> {
    let mut query = library_items::table
        .filter(library_items::group_id.eq(group_id))
        .filter(library_items::deleted_at.is_null())
        .filter(library_items::current_version.gt(0))
        .filter(library_items::id.lt(max_id.unwrap_or(i64::MAX)))
        .into_boxed();
    if let Some(folder) = folder {
        query = query.filter(library_items::folder.eq(folder.to_owned()));
    }
    if let Some(tag) = tag {
        query = query.filter(library_items::tags.contains(vec![tag.to_owned()]));
    }
    query
        .order(library_items::id.desc())
        .limit(limit)
        .select(Item::as_select())
        .load(conn)
        .await
}

/// Stores a version and makes it the item's current one. None when the
/// item has that version (or the id is taken) already.
pub async fn add_version(
    conn: &mut AsyncPgConnection,
    new: &NewVersion<'_>,
) -> QueryResult<Option<Version>> {
    let stored = diesel::insert_into(library_versions::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(Version::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    if stored.is_some() {
        diesel::update(library_items::table.find(new.item_id))
            .filter(library_items::current_version.lt(new.number))
            .set((
                library_items::current_version.eq(new.number),
                library_items::updated_at.eq(new.created_at),
            ))
            .execute(conn)
            .await?;
    }
    Ok(stored)
}

/// An item's versions, oldest first.
pub async fn versions(conn: &mut AsyncPgConnection, item_id: i64) -> QueryResult<Vec<Version>> {
    library_versions::table
        .filter(library_versions::item_id.eq(item_id))
        .order(library_versions::number.asc())
        .select(Version::as_select())
        .load(conn)
        .await
}

/// The versions of many items, oldest first.
pub async fn versions_of(
    conn: &mut AsyncPgConnection,
    item_ids: &[i64],
) -> QueryResult<Vec<Version>> {
    library_versions::table
        .filter(library_versions::item_id.eq_any(item_ids))
        .order((library_versions::item_id, library_versions::number.asc()))
        .select(Version::as_select())
        .load(conn)
        .await
}

pub async fn mark_deleted(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(library_items::table.find(id))
        .set(library_items::deleted_at.eq(Utc::now()))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether an upload is a version of a library item (and so not a post's
/// to take or its owner's to delete on its own).
pub async fn uses_media(conn: &mut AsyncPgConnection, media_id: i64) -> QueryResult<bool> {
    diesel::select(
        diesel::dsl::exists(
            library_versions::table.filter(library_versions::media_id.eq(media_id)),
        )
        .or(diesel::dsl::exists(
            library_submissions::table.filter(library_submissions::media_id.eq(media_id)),
        )),
    )
    .get_result(conn)
    .await
}

/// A file proposed from here to a remote group's library.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = library_submissions)]
pub struct Submission {
    pub id: i64,
    pub group_id: i64,
    /// The item a new version is for; None for a new item.
    pub item_id: Option<i64>,
    pub uploader_id: i64,
    pub media_id: i64,
    pub activity_id: String,
    pub title: String,
    pub state: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = library_submissions)]
pub struct NewSubmission<'a> {
    pub group_id: i64,
    pub item_id: Option<i64>,
    pub uploader_id: i64,
    pub media_id: i64,
    pub activity_id: &'a str,
    pub title: &'a str,
}

pub async fn insert_submission(
    conn: &mut AsyncPgConnection,
    new: &NewSubmission<'_>,
) -> QueryResult<Submission> {
    diesel::insert_into(library_submissions::table)
        .values(new)
        .returning(Submission::as_returning())
        .get_result(conn)
        .await
}

/// The pending submission sent as activity `activity_id`, if any.
pub async fn pending_submission(
    conn: &mut AsyncPgConnection,
    activity_id: &str,
) -> QueryResult<Option<Submission>> {
    library_submissions::table
        .filter(library_submissions::activity_id.eq(activity_id))
        .filter(library_submissions::state.eq("pending"))
        .select(Submission::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records the group node's answer to a submission.
pub async fn decide_submission(
    conn: &mut AsyncPgConnection,
    id: i64,
    state: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(library_submissions::table.find(id))
        .set((
            library_submissions::state.eq(state),
            library_submissions::reason.eq(reason),
            library_submissions::decided_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// `uploader`'s recent submissions to `group_id`, the newest first.
pub async fn submissions_of(
    conn: &mut AsyncPgConnection,
    uploader_id: i64,
    group_id: i64,
    limit: i64,
) -> QueryResult<Vec<Submission>> {
    library_submissions::table
        .filter(library_submissions::uploader_id.eq(uploader_id))
        .filter(library_submissions::group_id.eq(group_id))
        .order(library_submissions::id.desc())
        .limit(limit)
        .select(Submission::as_select())
        .load(conn)
        .await
}
