//! Stored federation rules: the run-time mode, allows and blocks (local
//! ones, and those of subscribed lists), and the audit log of changes.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{domain_allows, domain_blocks, domain_subscriptions, federation_state};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = domain_allows)]
pub struct AllowRow {
    pub id: i64,
    pub domain: String,
    pub subscription_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = domain_blocks)]
pub struct BlockRow {
    pub id: i64,
    pub domain: String,
    pub subscription_id: Option<i64>,
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a block says, apart from its domain.
#[derive(Debug, Clone, PartialEq, Default, AsChangeset, Insertable)]
#[diesel(table_name = domain_blocks, treat_none_as_null = true)]
pub struct BlockFields {
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

impl BlockRow {
    pub fn fields(&self) -> BlockFields {
        BlockFields {
            severity: self.severity.clone(),
            reject_media: self.reject_media,
            reject_reports: self.reject_reports,
            public_comment: self.public_comment.clone(),
            private_comment: self.private_comment.clone(),
            obfuscate: self.obfuscate,
            expires_at: self.expires_at,
        }
    }
}

/// The mode an admin set at run time, if any.
pub async fn stored_mode(conn: &mut AsyncPgConnection) -> QueryResult<Option<String>> {
    federation_state::table
        .select(federation_state::mode)
        .first(conn)
        .await
        .optional()
}

pub async fn set_mode(conn: &mut AsyncPgConnection, mode: &str) -> QueryResult<()> {
    diesel::insert_into(federation_state::table)
        .values(federation_state::mode.eq(mode))
        .on_conflict(federation_state::id)
        .do_update()
        .set((
            federation_state::mode.eq(mode),
            federation_state::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A subscribed entry yields to any local rule for the same domain.
const NO_LOCAL_RULE: &str = "NOT EXISTS (SELECT 1 FROM domain_allows l WHERE l.domain = {t}.domain AND l.subscription_id IS NULL)
     AND NOT EXISTS (SELECT 1 FROM domain_blocks l WHERE l.domain = {t}.domain AND l.subscription_id IS NULL)";

/// Allows in force: local ones and subscribed ones without a local rule.
pub async fn effective_allows(conn: &mut AsyncPgConnection) -> QueryResult<Vec<AllowRow>> {
    domain_allows::table
        .filter(
            domain_allows::subscription_id
                .is_null()
                .or(sql::<Bool>(&NO_LOCAL_RULE.replace("{t}", "domain_allows"))),
        )
        .select(AllowRow::as_select())
        .load(conn)
        .await
}

/// Blocks in force: local ones and subscribed ones without a local rule.
pub async fn effective_blocks(conn: &mut AsyncPgConnection) -> QueryResult<Vec<BlockRow>> {
    domain_blocks::table
        .filter(
            domain_blocks::subscription_id
                .is_null()
                .or(sql::<Bool>(&NO_LOCAL_RULE.replace("{t}", "domain_blocks"))),
        )
        .order(domain_blocks::domain)
        .select(BlockRow::as_select())
        .load(conn)
        .await
}

pub async fn local_allows(conn: &mut AsyncPgConnection) -> QueryResult<Vec<AllowRow>> {
    domain_allows::table
        .filter(domain_allows::subscription_id.is_null())
        .order(domain_allows::domain)
        .select(AllowRow::as_select())
        .load(conn)
        .await
}

pub async fn local_blocks(conn: &mut AsyncPgConnection) -> QueryResult<Vec<BlockRow>> {
    domain_blocks::table
        .filter(domain_blocks::subscription_id.is_null())
        .order(domain_blocks::domain)
        .select(BlockRow::as_select())
        .load(conn)
        .await
}

pub async fn local_allow(
    conn: &mut AsyncPgConnection,
    domain: &str,
) -> QueryResult<Option<AllowRow>> {
    domain_allows::table
        .filter(domain_allows::subscription_id.is_null())
        .filter(domain_allows::domain.eq(domain))
        .select(AllowRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn local_block(
    conn: &mut AsyncPgConnection,
    domain: &str,
) -> QueryResult<Option<BlockRow>> {
    domain_blocks::table
        .filter(domain_blocks::subscription_id.is_null())
        .filter(domain_blocks::domain.eq(domain))
        .select(BlockRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn allow_by_id(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<AllowRow>> {
    domain_allows::table
        .find(id)
        .filter(domain_allows::subscription_id.is_null())
        .select(AllowRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn block_by_id(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<BlockRow>> {
    domain_blocks::table
        .find(id)
        .filter(domain_blocks::subscription_id.is_null())
        .select(BlockRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Adds a local allow; `None` if the domain was already allowed.
pub async fn insert_allow(
    conn: &mut AsyncPgConnection,
    domain: &str,
) -> QueryResult<Option<AllowRow>> {
    diesel::insert_into(domain_allows::table)
        .values(domain_allows::domain.eq(domain))
        .on_conflict_do_nothing()
        .returning(AllowRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Adds or replaces the local block of `domain`.
pub async fn upsert_block(
    conn: &mut AsyncPgConnection,
    domain: &str,
    fields: &BlockFields,
) -> QueryResult<BlockRow> {
    if let Some(existing) = local_block(conn, domain).await? {
        return diesel::update(domain_blocks::table.find(existing.id))
            .set((fields, domain_blocks::updated_at.eq(diesel::dsl::now)))
            .returning(BlockRow::as_returning())
            .get_result(conn)
            .await;
    }
    diesel::insert_into(domain_blocks::table)
        .values((domain_blocks::domain.eq(domain), fields))
        .returning(BlockRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete_allow(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(domain_allows::table.find(id))
        .execute(conn)
        .await?
        > 0)
}

pub async fn delete_block(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(domain_blocks::table.find(id))
        .execute(conn)
        .await?
        > 0)
}

/// Deletes the remote accounts on `rule_domain` (a domain with its
/// subdomains and any port, or one `host:port`); their posts, follows,
/// reactions and memberships go with them. Returns how many.
pub async fn purge_accounts(conn: &mut AsyncPgConnection, rule_domain: &str) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM accounts WHERE domain IS NOT NULL AND (
             lower(domain) = $1
             OR (strpos($1, ':') = 0 AND (lower(split_part(domain, ':', 1)) = $1
                                          OR lower(split_part(domain, ':', 1)) LIKE '%.' || $1)))",
    )
    .bind::<Text, _>(rule_domain)
    .execute(conn)
    .await
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = domain_subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub url: String,
    pub kind: String,
    pub refresh_hours: i32,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn add_subscription(
    conn: &mut AsyncPgConnection,
    url: &str,
    kind: &str,
    refresh_hours: i32,
) -> QueryResult<Subscription> {
    diesel::insert_into(domain_subscriptions::table)
        .values((
            domain_subscriptions::url.eq(url),
            domain_subscriptions::kind.eq(kind),
            domain_subscriptions::refresh_hours.eq(refresh_hours),
        ))
        .on_conflict(domain_subscriptions::url)
        .do_update()
        .set((
            domain_subscriptions::kind.eq(kind),
            domain_subscriptions::refresh_hours.eq(refresh_hours),
            // Fetch again soon under the new terms.
            domain_subscriptions::last_fetched_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Subscription::as_returning())
        .get_result(conn)
        .await
}

/// Removes a subscription and its entries; whether it existed.
pub async fn remove_subscription(conn: &mut AsyncPgConnection, url: &str) -> QueryResult<bool> {
    Ok(
        diesel::delete(domain_subscriptions::table.filter(domain_subscriptions::url.eq(url)))
            .execute(conn)
            .await?
            > 0,
    )
}

pub async fn subscriptions(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Subscription>> {
    domain_subscriptions::table
        .order(domain_subscriptions::url)
        .select(Subscription::as_select())
        .load(conn)
        .await
}

/// Subscriptions never fetched, or last fetched longer ago than their period.
pub async fn due_subscriptions(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Subscription>> {
    domain_subscriptions::table
        .filter(sql::<Bool>(
            "last_fetched_at IS NULL OR last_fetched_at < now() - make_interval(hours => refresh_hours)",
        ))
        .select(Subscription::as_select())
        .load(conn)
        .await
}

/// Replaces a subscription's entries with `allows` and `blocks`, and
/// records the fetch. Returns the domains (added, removed).
pub async fn replace_entries(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
    allows: &[String],
    blocks: &[(String, BlockFields)],
) -> QueryResult<(usize, usize)> {
    let before: Vec<String> = domain_allows::table
        .filter(domain_allows::subscription_id.eq(subscription_id))
        .select(domain_allows::domain)
        .load::<String>(conn)
        .await?
        .into_iter()
        .chain(
            domain_blocks::table
                .filter(domain_blocks::subscription_id.eq(subscription_id))
                .select(domain_blocks::domain)
                .load::<String>(conn)
                .await?,
        )
        .collect();
    diesel::delete(domain_allows::table.filter(domain_allows::subscription_id.eq(subscription_id)))
        .execute(conn)
        .await?;
    diesel::delete(domain_blocks::table.filter(domain_blocks::subscription_id.eq(subscription_id)))
        .execute(conn)
        .await?;
    for domain in allows {
        diesel::insert_into(domain_allows::table)
            .values((
                domain_allows::domain.eq(domain),
                domain_allows::subscription_id.eq(subscription_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    for (domain, fields) in blocks {
        diesel::insert_into(domain_blocks::table)
            .values((
                domain_blocks::domain.eq(domain),
                domain_blocks::subscription_id.eq(subscription_id),
                fields,
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    record_fetch(conn, subscription_id, None).await?;
    let after: Vec<&String> = allows.iter().chain(blocks.iter().map(|(d, _)| d)).collect();
    let added = after.iter().filter(|d| !before.contains(d)).count();
    let removed = before.iter().filter(|d| !after.contains(d)).count();
    Ok((added, removed))
}

/// Notes a fetch attempt (and its error, if it failed).
pub async fn record_fetch(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(domain_subscriptions::table.find(subscription_id))
        .set((
            domain_subscriptions::last_fetched_at.eq(Some(Utc::now())),
            domain_subscriptions::last_error.eq(error),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Tells every process of the node that the rules changed.
pub async fn notify_changed(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query(format!("NOTIFY {CHANNEL}"))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The channel rule changes are announced on.
pub const CHANNEL: &str = "moot_domain_rules";
