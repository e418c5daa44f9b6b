//! Search across what the node knows: posts, wiki pages, library items and
//! events, local and received, ranked by PostgreSQL full text; and the "ask
//! who knows" directory of people by the topics they write about. A viewer
//! only ever finds what they may see (a private group's content is for its
//! members).

use chrono::{DateTime, Utc};
use moot_db::accounts::Account;
use moot_db::search::{self as queries, Hit};

use crate::{AppError, Context};

pub const MAX_QUERY: usize = 500;
pub const KINDS: &[&str] = &["post", "wiki", "file", "event"];

/// What a client asks for.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub text: String,
    pub kind: Option<String>,
    pub group_id: Option<i64>,
    pub author_id: Option<i64>,
    /// A node's host, or `local` for this one.
    pub node: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// The node a hit was made on: this one's `host[:port]`, or another's for
/// what came from there.
pub fn node_of(ctx: &Context, hit: &Hit) -> String {
    hit.ap_id
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| moot_db::outbox::peer_domain(&u))
        .unwrap_or_else(|| ctx.urls.authority())
}

pub async fn search(
    ctx: &Context,
    viewer: &Account,
    input: &SearchInput,
) -> Result<Vec<Hit>, AppError> {
    let text = input.text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("q", "can't be blank"));
    }
    AppError::check_length("q", Some(text), MAX_QUERY)?;
    if let Some(kind) = input.kind.as_deref() {
        if !KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "type",
                "is not post, wiki, file or event",
            ));
        }
    }
    let node = input.node.as_deref().map(|n| match n.trim() {
        "local" => String::new(),
        other => other.to_ascii_lowercase(),
    });
    let mut conn = ctx.db.conn().await?;
    Ok(queries::search(
        &mut conn,
        &queries::Query {
            text,
            viewer_id: viewer.id,
            kind: input.kind.as_deref(),
            group_id: input.group_id,
            author_id: input.author_id,
            node: node.as_deref(),
            since: input.since,
            until: input.until,
            limit: input.limit.clamp(1, 40),
        },
    )
    .await?)
}

/// People who know about `topic`, with how much, the most first.
/// The topics `person` writes about in public posts (their hashtags, most
/// used first), with how many posts: their entry in "who knows".
pub async fn topics_of(ctx: &Context, person: &Account) -> Result<Vec<(String, i64)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::topics_of(&mut conn, person.id, 12)
        .await?
        .into_iter()
        .map(|t| (t.tag, t.posts))
        .collect())
}

pub async fn who_knows(
    ctx: &Context,
    topic: &str,
    limit: i64,
) -> Result<Vec<(Account, i64)>, AppError> {
    let topic = topic.trim().trim_start_matches('#');
    if topic.is_empty() {
        return Err(AppError::invalid("topic", "can't be blank"));
    }
    AppError::check_length("topic", Some(topic), 100)?;
    let mut conn = ctx.db.conn().await?;
    let experts = queries::who_knows(&mut conn, topic, limit.clamp(1, 80)).await?;
    let ids: Vec<i64> = experts.iter().map(|e| e.account_id).collect();
    let accounts = moot_db::accounts::find_many(&mut conn, &ids).await?;
    Ok(experts
        .iter()
        .filter_map(|e| {
            let account = accounts.iter().find(|a| a.id == e.account_id)?;
            Some((account.clone(), e.score))
        })
        .collect())
}
