//! What a person features on their profile: hashtags, and accounts they
//! endorse.

use diesel::sql_types::{Array, BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;

/// A featured hashtag with how many of the person's public posts carry it.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct FeaturedTag {
    #[diesel(sql_type = Text)]
    pub tag: String,
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub last_post_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn tags(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> diesel::QueryResult<Vec<FeaturedTag>> {
    diesel::sql_query(
        "SELECT f.tag,
                count(s.id) AS posts,
                max(s.created_at) AS last_post_at
           FROM featured_tags f
           LEFT JOIN status_tags t ON t.tag = f.tag
           LEFT JOIN statuses s ON s.id = t.status_id AND s.account_id = f.account_id
                AND s.deleted_at IS NULL AND s.visibility = 'public'
          WHERE f.account_id = $1
          GROUP BY f.tag, f.created_at
          ORDER BY f.created_at",
    )
    .bind::<BigInt, _>(account_id)
    .load(conn)
    .await
}

/// Features `tag`, unless `most` are featured already.
pub async fn feature_tag(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    tag: &str,
    most: i64,
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO featured_tags (account_id, tag)
         SELECT $1, $2 WHERE (SELECT count(*) FROM featured_tags WHERE account_id = $1) < $3
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Text, _>(tag)
    .bind::<BigInt, _>(most)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Whether the tag was featured.
pub async fn unfeature_tag(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    tag: &str,
) -> diesel::QueryResult<bool> {
    diesel::sql_query("DELETE FROM featured_tags WHERE account_id = $1 AND tag = $2")
        .bind::<BigInt, _>(account_id)
        .bind::<Text, _>(tag)
        .execute(conn)
        .await
        .map(|n| n == 1)
}

pub async fn endorse(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO account_endorsements (account_id, target_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(target_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn unendorse(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_id: i64,
) -> diesel::QueryResult<()> {
    diesel::sql_query("DELETE FROM account_endorsements WHERE account_id = $1 AND target_id = $2")
        .bind::<BigInt, _>(account_id)
        .bind::<BigInt, _>(target_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Which of `target_ids` `account_id` endorses.
pub async fn endorsed_among(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    target_ids: &[i64],
) -> diesel::QueryResult<Vec<i64>> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        target_id: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT target_id FROM account_endorsements WHERE account_id = $1 AND target_id = ANY($2)",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<BigInt>, _>(target_ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.target_id).collect())
}

/// The accounts `account_id` endorses, in the order endorsed.
pub async fn endorsed(
    conn: &mut AsyncPgConnection,
    account_id: i64,
) -> diesel::QueryResult<Vec<Account>> {
    use crate::schema::{account_endorsements, accounts};
    use diesel::{ExpressionMethods, JoinOnDsl, QueryDsl, SelectableHelper};
    accounts::table
        .inner_join(
            account_endorsements::table.on(account_endorsements::target_id.eq(accounts::id)),
        )
        .filter(account_endorsements::account_id.eq(account_id))
        .order(account_endorsements::created_at)
        .select(Account::as_select())
        .load(conn)
        .await
}
