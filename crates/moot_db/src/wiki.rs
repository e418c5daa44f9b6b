//! Group wiki pages, their revisions, their editors, and edits sent to
//! another node's group waiting for its decision.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, groups, wiki_editors, wiki_pages, wiki_revisions, wiki_submissions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wiki_pages)]
pub struct Page {
    pub id: i64,
    pub group_id: i64,
    pub ap_id: String,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub content_html: String,
    pub version: String,
    pub edit_policy: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wiki_revisions)]
pub struct Revision {
    pub id: i64,
    pub page_id: i64,
    pub ap_id: String,
    pub number: i32,
    pub version: String,
    pub previous_version: String,
    pub author_id: i64,
    pub summary: String,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A revision about to be stored. The page row is brought up to date with
/// it in the same call.
pub struct NewRevision<'a> {
    pub ap_id: &'a str,
    pub version: &'a str,
    pub previous_version: &'a str,
    pub author_id: i64,
    pub summary: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub content_html: &'a str,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wiki_submissions)]
pub struct Submission {
    pub id: i64,
    /// None for a new page the group's node has not made yet.
    pub page_id: Option<i64>,
    pub group_id: i64,
    pub author_id: i64,
    pub activity_id: String,
    pub ap_id: String,
    pub base_version: String,
    pub summary: String,
    pub title: String,
    pub body: String,
    pub state: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Creates a page with no text yet (version ""), or finds the one with the
/// same `ap_id`. The first revision gives it its text.
pub async fn insert_page(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    ap_id: &str,
    slug: &str,
    title: &str,
    created_at: DateTime<Utc>,
) -> QueryResult<Option<Page>> {
    diesel::insert_into(wiki_pages::table)
        .values((
            wiki_pages::group_id.eq(group_id),
            wiki_pages::ap_id.eq(ap_id),
            wiki_pages::slug.eq(slug),
            wiki_pages::title.eq(title),
            wiki_pages::body.eq(""),
            wiki_pages::content_html.eq(""),
            wiki_pages::version.eq(""),
            wiki_pages::created_at.eq(created_at),
            wiki_pages::updated_at.eq(created_at),
        ))
        .on_conflict_do_nothing()
        .returning(Page::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Page>> {
    wiki_pages::table
        .find(id)
        .select(Page::as_select())
        .first(conn)
        .await
        .optional()
}

/// The page, locked until the end of the transaction: edits of one page are
/// decided one at a time.
pub async fn lock(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Page>> {
    wiki_pages::table
        .find(id)
        .for_update()
        .select(Page::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_slug(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    slug: &str,
) -> QueryResult<Option<Page>> {
    wiki_pages::table
        .filter(wiki_pages::group_id.eq(group_id))
        .filter(wiki_pages::slug.eq(slug))
        .select(Page::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_uri(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<Option<Page>> {
    wiki_pages::table
        .filter(wiki_pages::ap_id.eq(ap_id))
        .select(Page::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of a group's pages, the newest first, ids below `max_id`.
pub async fn of_group(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Page>> {
    wiki_pages::table
        .filter(wiki_pages::group_id.eq(group_id))
        .filter(wiki_pages::version.ne(""))
        .filter(wiki_pages::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(wiki_pages::id.desc())
        .limit(limit)
        .select(Page::as_select())
        .load(conn)
        .await
}

/// The number the page's next revision takes.
pub async fn next_number(conn: &mut AsyncPgConnection, page_id: i64) -> QueryResult<i32> {
    Ok(wiki_revisions::table
        .filter(wiki_revisions::page_id.eq(page_id))
        .select(diesel::dsl::max(wiki_revisions::number))
        .first::<Option<i32>>(conn)
        .await?
        .unwrap_or(0)
        + 1)
}

/// Stores revision `number` as the page's newest and makes its text the
/// page's. None when the page has a revision with that number, version or
/// id already.
pub async fn add_revision(
    conn: &mut AsyncPgConnection,
    page: &Page,
    number: i32,
    new: &NewRevision<'_>,
) -> QueryResult<Option<Revision>> {
    let stored = diesel::insert_into(wiki_revisions::table)
        .values((
            wiki_revisions::page_id.eq(page.id),
            wiki_revisions::ap_id.eq(new.ap_id),
            wiki_revisions::number.eq(number),
            wiki_revisions::version.eq(new.version),
            wiki_revisions::previous_version.eq(new.previous_version),
            wiki_revisions::author_id.eq(new.author_id),
            wiki_revisions::summary.eq(new.summary),
            wiki_revisions::title.eq(new.title),
            wiki_revisions::body.eq(new.body),
            wiki_revisions::created_at.eq(new.created_at),
        ))
        .on_conflict_do_nothing()
        .returning(Revision::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    if stored.is_some() {
        diesel::update(wiki_pages::table.find(page.id))
            .set((
                wiki_pages::title.eq(new.title),
                wiki_pages::body.eq(new.body),
                wiki_pages::content_html.eq(new.content_html),
                wiki_pages::version.eq(new.version),
                wiki_pages::updated_at.eq(new.created_at),
            ))
            .execute(conn)
            .await?;
    }
    Ok(stored)
}

/// A page's revisions, oldest first, with their authors.
pub async fn history(
    conn: &mut AsyncPgConnection,
    page_id: i64,
) -> QueryResult<Vec<(Revision, Account)>> {
    wiki_revisions::table
        .inner_join(accounts::table)
        .filter(wiki_revisions::page_id.eq(page_id))
        .order(wiki_revisions::number.asc())
        .select((Revision::as_select(), Account::as_select()))
        .load(conn)
        .await
}

pub async fn revision(
    conn: &mut AsyncPgConnection,
    page_id: i64,
    number: i32,
) -> QueryResult<Option<Revision>> {
    wiki_revisions::table
        .filter(wiki_revisions::page_id.eq(page_id))
        .filter(wiki_revisions::number.eq(number))
        .select(Revision::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn revision_by_version(
    conn: &mut AsyncPgConnection,
    page_id: i64,
    version: &str,
) -> QueryResult<Option<Revision>> {
    wiki_revisions::table
        .filter(wiki_revisions::page_id.eq(page_id))
        .filter(wiki_revisions::version.eq(version))
        .select(Revision::as_select())
        .first(conn)
        .await
        .optional()
}

/// Who may edit a group's pages unless a page says otherwise.
pub async fn group_policy(conn: &mut AsyncPgConnection, group_id: i64) -> QueryResult<String> {
    Ok(groups::table
        .find(group_id)
        .select(groups::wiki_edit_policy)
        .first(conn)
        .await
        .optional()?
        .unwrap_or_else(|| "members".to_owned()))
}

pub async fn set_group_policy(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    policy: &str,
) -> QueryResult<()> {
    diesel::update(groups::table.find(group_id))
        .set(groups::wiki_edit_policy.eq(policy))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn set_page_policy(
    conn: &mut AsyncPgConnection,
    page_id: i64,
    policy: Option<&str>,
) -> QueryResult<()> {
    diesel::update(wiki_pages::table.find(page_id))
        .set(wiki_pages::edit_policy.eq(policy))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether `account_id` is listed as an editor of the page, or of every
/// page of its group.
pub async fn is_listed_editor(
    conn: &mut AsyncPgConnection,
    page: &Page,
    account_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        wiki_editors::table
            .filter(wiki_editors::group_id.eq(page.group_id))
            .filter(wiki_editors::account_id.eq(account_id))
            .filter(
                wiki_editors::page_id
                    .is_null()
                    .or(wiki_editors::page_id.eq(page.id)),
            ),
    ))
    .get_result(conn)
    .await
}

/// Lists `account_id` as an editor of the group's pages (`page_id` None)
/// or of one page.
pub async fn add_editor(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    page_id: Option<i64>,
    account_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(wiki_editors::table)
        .values((
            wiki_editors::group_id.eq(group_id),
            wiki_editors::page_id.eq(page_id),
            wiki_editors::account_id.eq(account_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn remove_editor(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    page_id: Option<i64>,
    account_id: i64,
) -> QueryResult<()> {
    let listed = wiki_editors::table
        .filter(wiki_editors::group_id.eq(group_id))
        .filter(wiki_editors::account_id.eq(account_id));
    match page_id {
        Some(page) => {
            diesel::delete(listed.filter(wiki_editors::page_id.eq(page)))
                .execute(conn)
                .await?
        }
        None => {
            diesel::delete(listed.filter(wiki_editors::page_id.is_null()))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Records an edit (or, without `page_id`, a new page) sent to the node of
/// group `group_id`.
#[allow(clippy::too_many_arguments)]
pub async fn insert_submission(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    page_id: Option<i64>,
    author_id: i64,
    activity_id: &str,
    ap_id: &str,
    base_version: &str,
    summary: &str,
    title: &str,
    body: &str,
) -> QueryResult<Submission> {
    diesel::insert_into(wiki_submissions::table)
        .values((
            wiki_submissions::group_id.eq(group_id),
            wiki_submissions::page_id.eq(page_id),
            wiki_submissions::author_id.eq(author_id),
            wiki_submissions::activity_id.eq(activity_id),
            wiki_submissions::ap_id.eq(ap_id),
            wiki_submissions::base_version.eq(base_version),
            wiki_submissions::summary.eq(summary),
            wiki_submissions::title.eq(title),
            wiki_submissions::body.eq(body),
        ))
        .returning(Submission::as_returning())
        .get_result(conn)
        .await
}

pub async fn submission(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Submission>> {
    wiki_submissions::table
        .find(id)
        .select(Submission::as_select())
        .first(conn)
        .await
        .optional()
}

/// The pending submission sent as activity `activity_id` or as patch
/// `activity_id`, if any.
pub async fn pending_submission(
    conn: &mut AsyncPgConnection,
    sent_as: &str,
) -> QueryResult<Option<Submission>> {
    wiki_submissions::table
        .filter(
            wiki_submissions::activity_id
                .eq(sent_as)
                .or(wiki_submissions::ap_id.eq(sent_as)),
        )
        .filter(wiki_submissions::state.eq("pending"))
        .select(Submission::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records the origin's decision on a submission.
pub async fn decide_submission(
    conn: &mut AsyncPgConnection,
    id: i64,
    state: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(wiki_submissions::table.find(id))
        .set((
            wiki_submissions::state.eq(state),
            wiki_submissions::reason.eq(reason),
            wiki_submissions::decided_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
