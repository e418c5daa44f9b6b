//! Web Push subscriptions (one per access token) and the queue of pushes
//! to send. The queue is filled by a trigger on `notifications` (see the
//! `web_push` migration); senders claim due rows with `SKIP LOCKED`, so
//! several processes of a node may send at once.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Int4, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The channel the queue's trigger notifies.
pub const CHANNEL: &str = "moot_push";

#[derive(Debug, Clone, QueryableByName)]
pub struct Subscription {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = Text)]
    pub endpoint: String,
    #[diesel(sql_type = Bytea)]
    pub p256dh: Vec<u8>,
    #[diesel(sql_type = Bytea)]
    pub auth: Vec<u8>,
    #[diesel(sql_type = Bool)]
    pub standard: bool,
    #[diesel(sql_type = Array<Text>)]
    pub alerts: Vec<String>,
    #[diesel(sql_type = Text)]
    pub policy: String,
}

/// What a subscription is made of, as an app asks for it.
pub struct NewSubscription<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a [u8],
    pub auth: &'a [u8],
    pub standard: bool,
    pub alerts: &'a [String],
    pub policy: &'a str,
}

const COLUMNS: &str = "id, account_id, endpoint, p256dh, auth, standard, alerts, policy";

/// The live token whose digest is `token_sha256`.
const TOKEN: &str = "(SELECT id FROM access_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL)";

/// Makes the subscription of the token `access_token` (whose digest is
/// `token_sha256`), replacing any it had; `None` if the token is not live.
pub async fn subscribe(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
    access_token: &str,
    account_id: i64,
    new: &NewSubscription<'_>,
) -> diesel::QueryResult<Option<Subscription>> {
    // A new endpoint is a new subscription: pushes queued for the old one
    // go with it.
    unsubscribe(conn, token_sha256).await?;
    diesel::sql_query(format!(
        "INSERT INTO push_subscriptions (token_id, access_token, account_id, endpoint,
                                         p256dh, auth, standard, alerts, policy)
         SELECT t.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM {TOKEN} t
         RETURNING {COLUMNS}"
    ))
    .bind::<Bytea, _>(token_sha256)
    .bind::<Text, _>(access_token)
    .bind::<BigInt, _>(account_id)
    .bind::<Text, _>(new.endpoint)
    .bind::<Bytea, _>(new.p256dh)
    .bind::<Bytea, _>(new.auth)
    .bind::<Bool, _>(new.standard)
    .bind::<Array<Text>, _>(new.alerts)
    .bind::<Text, _>(new.policy)
    .get_result(conn)
    .await
    .optional()
}

pub async fn of_token(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> diesel::QueryResult<Option<Subscription>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM push_subscriptions WHERE token_id = {TOKEN}"
    ))
    .bind::<Bytea, _>(token_sha256)
    .get_result(conn)
    .await
    .optional()
}

/// Changes what the token's subscription wants; `None` if it has none.
pub async fn change(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
    alerts: &[String],
    policy: &str,
) -> diesel::QueryResult<Option<Subscription>> {
    diesel::sql_query(format!(
        "UPDATE push_subscriptions SET alerts = $2, policy = $3
          WHERE token_id = {TOKEN} RETURNING {COLUMNS}"
    ))
    .bind::<Bytea, _>(token_sha256)
    .bind::<Array<Text>, _>(alerts)
    .bind::<Text, _>(policy)
    .get_result(conn)
    .await
    .optional()
}

pub async fn unsubscribe(
    conn: &mut AsyncPgConnection,
    token_sha256: &[u8],
) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "DELETE FROM push_subscriptions
          WHERE token_id = (SELECT id FROM access_tokens WHERE token_sha256 = $1)",
    )
    .bind::<Bytea, _>(token_sha256)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Removes a subscription its push service says is gone.
pub async fn drop_subscription(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<()> {
    diesel::sql_query("DELETE FROM push_subscriptions WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// One push to send: the subscription, the notification, and the token it
/// was made with (Mastodon's payload names it, so apps with several
/// accounts know whose notification it is).
#[derive(Debug, Clone, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = BigInt)]
    pub delivery_id: i64,
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
    #[diesel(sql_type = BigInt)]
    pub notification_id: i64,
    #[diesel(sql_type = BigInt)]
    pub subscription_id: i64,
    #[diesel(sql_type = Text)]
    pub endpoint: String,
    #[diesel(sql_type = Bytea)]
    pub p256dh: Vec<u8>,
    #[diesel(sql_type = Bytea)]
    pub auth: Vec<u8>,
    #[diesel(sql_type = Bool)]
    pub standard: bool,
    #[diesel(sql_type = Text)]
    pub access_token: String,
    /// Whether the token still works (a revoked token's pushes are dropped).
    #[diesel(sql_type = Bool)]
    pub token_live: bool,
}

/// Claims up to `limit` due pushes for `lease_secs`: another sender takes
/// them again only if this one dies before finishing them.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: i32,
) -> diesel::QueryResult<Vec<Due>> {
    diesel::sql_query(
        "WITH due AS (
             SELECT id FROM push_deliveries
              WHERE next_attempt_at <= now()
              ORDER BY next_attempt_at, id
              LIMIT $1
              FOR UPDATE SKIP LOCKED),
         leased AS (
             UPDATE push_deliveries d
                SET next_attempt_at = now() + make_interval(secs => $2),
                    attempts = d.attempts + 1
               FROM due WHERE d.id = due.id
             RETURNING d.id, d.attempts, d.notification_id, d.subscription_id)
         SELECT l.id AS delivery_id, l.attempts, l.notification_id, l.subscription_id,
                s.endpoint, s.p256dh, s.auth, s.standard, s.access_token,
                (t.revoked_at IS NULL) AS token_live
           FROM leased l
           JOIN push_subscriptions s ON s.id = l.subscription_id
           JOIN access_tokens t ON t.id = s.token_id
          ORDER BY l.id",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Int4, _>(lease_secs)
    .load(conn)
    .await
}

/// Removes pushes that are sent or given up.
pub async fn finish(conn: &mut AsyncPgConnection, delivery_ids: &[i64]) -> diesel::QueryResult<()> {
    if delivery_ids.is_empty() {
        return Ok(());
    }
    diesel::sql_query("DELETE FROM push_deliveries WHERE id = ANY($1)")
        .bind::<Array<BigInt>, _>(delivery_ids)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Tries a push again at `at`.
pub async fn retry_at(
    conn: &mut AsyncPgConnection,
    delivery_id: i64,
    at: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    diesel::sql_query("UPDATE push_deliveries SET next_attempt_at = $2 WHERE id = $1")
        .bind::<BigInt, _>(delivery_id)
        .bind::<Timestamptz, _>(at)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The node's VAPID key, storing `candidate` if it has none yet; every
/// process of the node gets the same key.
pub async fn vapid_key(
    conn: &mut AsyncPgConnection,
    candidate: impl FnOnce() -> String,
) -> diesel::QueryResult<String> {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = Nullable<Text>)]
        vapid_private_pem: Option<String>,
    }
    let read = || diesel::sql_query("SELECT vapid_private_pem FROM site ORDER BY id LIMIT 1");
    let stored: Option<Key> = read().get_result(conn).await.optional()?;
    if let Some(pem) = stored.and_then(|k| k.vapid_private_pem) {
        return Ok(pem);
    }
    diesel::sql_query("UPDATE site SET vapid_private_pem = $1 WHERE vapid_private_pem IS NULL")
        .bind::<Text, _>(candidate())
        .execute(conn)
        .await?;
    let key: Key = read().get_result(conn).await?;
    key.vapid_private_pem.ok_or(diesel::result::Error::NotFound)
}
