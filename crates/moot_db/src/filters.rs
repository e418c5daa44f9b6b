//! People's filters: keywords and posts to warn about or hide.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{filter_keywords, filter_statuses, filters};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filters)]
pub struct Filter {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    pub context: Vec<String>,
    pub action: String,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_keywords)]
pub struct Keyword {
    pub id: i64,
    pub filter_id: i64,
    pub keyword: String,
    pub whole_word: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_statuses)]
pub struct FilteredStatus {
    pub id: i64,
    pub filter_id: i64,
    pub status_id: i64,
}

/// A filter with what it matches.
#[derive(Debug, Clone)]
pub struct FullFilter {
    pub filter: Filter,
    pub keywords: Vec<Keyword>,
    pub statuses: Vec<FilteredStatus>,
}

/// The fields of a filter, to create or change one.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = filters)]
pub struct FilterFields {
    pub title: String,
    pub context: Vec<String>,
    pub action: String,
    // `None` clears an expiry: the filter lasts until removed.
    #[diesel(treat_none_as_null = true)]
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    owner: i64,
    fields: &FilterFields,
    keywords: &[(String, bool)],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(filters::table)
        .values((
            filters::account_id.eq(owner),
            filters::title.eq(&fields.title),
            filters::context.eq(&fields.context),
            filters::action.eq(&fields.action),
            filters::expires_at.eq(fields.expires_at),
        ))
        .returning(filters::id)
        .get_result(conn)
        .await?;
    for (keyword, whole_word) in keywords {
        add_keyword(conn, id, keyword, *whole_word).await?;
    }
    Ok(id)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    fields: &FilterFields,
) -> QueryResult<()> {
    diesel::update(filters::table.find(id))
        .set(fields)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(filters::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn add_keyword(
    conn: &mut AsyncPgConnection,
    filter_id: i64,
    keyword: &str,
    whole_word: bool,
) -> QueryResult<Keyword> {
    diesel::insert_into(filter_keywords::table)
        .values((
            filter_keywords::filter_id.eq(filter_id),
            filter_keywords::keyword.eq(keyword),
            filter_keywords::whole_word.eq(whole_word),
        ))
        .returning(Keyword::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_keyword(
    conn: &mut AsyncPgConnection,
    id: i64,
    keyword: &str,
    whole_word: bool,
) -> QueryResult<Keyword> {
    diesel::update(filter_keywords::table.find(id))
        .set((
            filter_keywords::keyword.eq(keyword),
            filter_keywords::whole_word.eq(whole_word),
        ))
        .returning(Keyword::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete_keyword(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(filter_keywords::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn add_status(
    conn: &mut AsyncPgConnection,
    filter_id: i64,
    status_id: i64,
) -> QueryResult<FilteredStatus> {
    diesel::insert_into(filter_statuses::table)
        .values((
            filter_statuses::filter_id.eq(filter_id),
            filter_statuses::status_id.eq(status_id),
        ))
        .on_conflict((filter_statuses::filter_id, filter_statuses::status_id))
        .do_update()
        .set(filter_statuses::status_id.eq(status_id))
        .returning(FilteredStatus::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete_status(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(filter_statuses::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The filter a keyword belongs to.
pub async fn keyword(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Keyword>> {
    filter_keywords::table
        .find(id)
        .select(Keyword::as_select())
        .first(conn)
        .await
        .optional()
}

/// A filtered-post entry, with its filter.
pub async fn status(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<FilteredStatus>> {
    filter_statuses::table
        .find(id)
        .select(FilteredStatus::as_select())
        .first(conn)
        .await
        .optional()
}

/// `owner`'s filters with their keywords and posts, oldest first; only
/// those in force, if `active`.
pub async fn of(
    conn: &mut AsyncPgConnection,
    owner: i64,
    active: bool,
) -> QueryResult<Vec<FullFilter>> {
    let mut query = filters::table
        .filter(filters::account_id.eq(owner))
        .order(filters::id.asc())
        .select(Filter::as_select())
        .into_boxed();
    if active {
        query = query.filter(
            filters::expires_at
                .is_null()
                .or(filters::expires_at.gt(diesel::dsl::now)),
        );
    }
    let found: Vec<Filter> = query.load(conn).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let keywords: Vec<Keyword> = filter_keywords::table
        .filter(filter_keywords::filter_id.eq_any(&ids))
        .order(filter_keywords::id.asc())
        .select(Keyword::as_select())
        .load(conn)
        .await?;
    let statuses: Vec<FilteredStatus> = filter_statuses::table
        .filter(filter_statuses::filter_id.eq_any(&ids))
        .order(filter_statuses::id.asc())
        .select(FilteredStatus::as_select())
        .load(conn)
        .await?;
    Ok(found
        .into_iter()
        .map(|filter| FullFilter {
            keywords: keywords
                .iter()
                .filter(|k| k.filter_id == filter.id)
                .cloned()
                .collect(),
            statuses: statuses
                .iter()
                .filter(|s| s.filter_id == filter.id)
                .cloned()
                .collect(),
            filter,
        })
        .collect())
}
