//! Reports: a person reports an account (and some of its posts) to this
//! node's moderators, and, for an account on another node, to that node
//! too when they ask (a `Flag` from this node's instance actor, as
//! Mastodon sends it). Moderators resolve and reopen them; each of their
//! actions is in the audit log.

use diesel_async::AsyncConnection;
pub use moot_db::reports::Report;
use moot_db::reports::{self as queries, NewReport};
use url::Url;

use crate::model::Account;
use crate::{AppError, Context};

/// What a person reports.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub account_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    /// `spam`, `legal`, `violation` or `other` (the default).
    pub category: Option<String>,
    pub rule_ids: Vec<i64>,
    /// Send it on to the account's node.
    pub forward: bool,
}

/// How people read a report's category.
pub fn category_label(category: &str) -> &'static str {
    match category {
        "spam" => "Spam",
        "legal" => "Illegal content",
        "violation" => "Breaks the node's rules",
        _ => "Other",
    }
}

/// Longest comment a report takes (Mastodon's limit).
const MOST_COMMENT_CHARS: usize = 1000;
const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];

/// Files a report for this node's moderators, and sends it on when asked.
pub async fn create(
    ctx: &Context,
    reporter: &Account,
    input: ReportInput,
) -> Result<Report, AppError> {
    let target = crate::directory::by_id(ctx, input.account_id).await?;
    if target.id == reporter.id {
        return Err(AppError::invalid("account_id", "is your own account"));
    }
    if input.comment.chars().count() > MOST_COMMENT_CHARS {
        return Err(AppError::invalid(
            "comment",
            "is longer than 1000 characters",
        ));
    }
    // Citing the node's rules makes it a report of a violation of them.
    let category = match (input.rule_ids.is_empty(), input.category.as_deref()) {
        (false, _) => "violation",
        (true, None | Some("")) => "other",
        (true, Some(c)) if CATEGORIES.contains(&c) => c,
        (true, Some(_)) => {
            return Err(AppError::invalid(
                "category",
                "is not one of spam, legal, violation or other",
            ))
        }
    };
    if !input.rule_ids.is_empty() {
        let rules = crate::node_texts::rules(ctx).await?;
        if input
            .rule_ids
            .iter()
            .any(|id| !rules.iter().any(|r| r.id == *id))
        {
            return Err(AppError::invalid(
                "rule_ids",
                "lists a rule this node does not have",
            ));
        }
    }
    let mut conn = ctx.db.conn().await?;
    let mut post_uris = Vec::new();
    for id in &input.status_ids {
        match moot_db::statuses::find(&mut conn, *id).await? {
            Some((status, author)) if author.id == target.id => {
                post_uris.push(crate::statuses::status_uri(ctx, &status)?)
            }
            _ => {
                return Err(AppError::invalid(
                    "status_ids",
                    "lists a post that is not the reported account's",
                ))
            }
        }
    }
    let forward = input.forward && target.domain.is_some();
    conn.transaction::<_, AppError, _>(async |conn| {
        let report = queries::insert(
            conn,
            &NewReport {
                reporter_id: reporter.id,
                target_account_id: Some(target.id),
                status_ids: &input.status_ids,
                comment: &input.comment,
                ap_id: None,
                category,
                rule_ids: &input.rule_ids,
                forwarded: forward,
            },
        )
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a new report was not stored")))?;
        if forward {
            send_on(ctx, conn, &target, &post_uris, &input.comment).await?;
            // What leaves the node on someone's word is on the record.
            let domain = target.domain.as_deref().unwrap_or_default();
            moot_db::audit::record(
                conn,
                &format!("@{}", reporter.username),
                "report.forward",
                &format!("report:{}", report.id),
                &serde_json::json!({ "to": domain }).to_string(),
                "",
            )
            .await?;
        }
        Ok(report)
    })
    .await
}

/// The report as a `Flag` from this node, to the reported account's node.
/// The reporter is not named: the other node learns only that this node
/// passes it on.
async fn send_on(
    ctx: &Context,
    conn: &mut diesel_async::AsyncPgConnection,
    target: &Account,
    posts: &[Url],
    comment: &str,
) -> Result<(), AppError> {
    let target_uri = crate::follows::actor_id(ctx, target)?;
    let mut objects = vec![target_uri];
    objects.extend(posts.iter().cloned());
    let id = ctx.urls.new_activity();
    let flag = moot_protocol::activities::flag(&id, &ctx.urls.instance_actor(), &objects, comment);
    let inbox = target
        .shared_inbox_url
        .as_deref()
        .or(target.inbox_url.as_deref())
        .and_then(|i| Url::parse(i).ok())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the reported account has no inbox")))?;
    crate::outbound::queue_as_node(ctx, conn, id.as_str(), &flag.to_string(), &[inbox]).await?;
    Ok(())
}

/// Reports for moderators, newest first (open ones, resolved ones, or
/// all).
pub async fn list(
    ctx: &Context,
    resolved: Option<bool>,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Report>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::list(&mut conn, resolved, max_id, limit).await?)
}

/// The posts a report names (those still kept), with their authors.
pub async fn posts(
    ctx: &Context,
    report: &Report,
) -> Result<Vec<(crate::model::Status, Account)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let mut found = Vec::new();
    for id in &report.status_ids {
        found.extend(moot_db::statuses::find(&mut conn, *id).await?);
    }
    Ok(found)
}

pub async fn find(ctx: &Context, id: i64) -> Result<Report, AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A moderator resolves a report (`resolved`) or opens it again; the
/// audit log says who, when and which.
pub async fn set_resolved(
    ctx: &Context,
    moderator: &Account,
    id: i64,
    resolved: bool,
) -> Result<Report, AppError> {
    crate::accounts::require_admin(ctx, moderator).await?;
    record_resolution(ctx, moderator, id, resolved).await
}

/// Resolves or reopens a report for a moderator whose right to has been
/// checked (an administrator, or the moderators of the group whose posts
/// it names), with its audit entry.
pub(crate) async fn record_resolution(
    ctx: &Context,
    moderator: &Account,
    id: i64,
    resolved: bool,
) -> Result<Report, AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let report = queries::set_resolved(conn, id, resolved.then_some(moderator.id))
            .await?
            .ok_or(AppError::NotFound)?;
        let action = if resolved {
            "report.resolve"
        } else {
            "report.reopen"
        };
        moot_db::audit::record(
            conn,
            &format!("@{}", moderator.username),
            action,
            &format!("report:{id}"),
            "{}",
            "",
        )
        .await?;
        Ok(report)
    })
    .await
}
