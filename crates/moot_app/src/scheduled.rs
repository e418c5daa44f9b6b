//! Posts written now and published later (`scheduled_at` on a new post):
//! checked when scheduled as a post is checked when made, kept in
//! Mastodon's `params` shape, and published by a task in every serving
//! process (a due post is claimed, so each is published once; the claim
//! carries an idempotency key, so a publisher dying mid-way cannot post
//! twice).

use chrono::{DateTime, Duration, Utc};
use moot_core::text::TextFormat;
use moot_db::scheduled::{self as queries, Scheduled};
use moot_protocol::notes::Visibility;
use serde::{Deserialize, Serialize};

use crate::model::Account;
use crate::polls::PollInput;
use crate::statuses::PostInput;
use crate::{AppError, Context};

/// The soonest a post may be scheduled, as Mastodon has it.
pub const LEAST_AHEAD_MINUTES: i64 = 5;
/// Posts a person may have waiting.
pub const MOST_WAITING: i64 = 300;

/// What a post will be, in Mastodon's `ScheduledStatus.params` shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Params {
    pub text: String,
    pub visibility: String,
    pub in_reply_to_id: Option<i64>,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub media_ids: Option<Vec<String>>,
    pub poll: Option<PollParams>,
    pub idempotency: Option<String>,
    pub content_type: Option<String>,
    pub scheduled_at: Option<String>,
    pub application_id: i64,
    pub with_rate_limit: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PollParams {
    pub options: Vec<String>,
    pub expires_in: i64,
    pub multiple: bool,
    pub hide_totals: bool,
}

impl Params {
    fn of(input: &PostInput) -> Params {
        Params {
            text: input.text.clone(),
            visibility: input.visibility.as_str().to_owned(),
            in_reply_to_id: input.in_reply_to_id,
            spoiler_text: input.spoiler_text.clone(),
            sensitive: input.sensitive,
            language: input.language.clone(),
            media_ids: (!input.media_ids.is_empty())
                .then(|| input.media_ids.iter().map(i64::to_string).collect()),
            poll: input.poll.as_ref().map(|p| PollParams {
                options: p.options.clone(),
                expires_in: p.expires_in,
                multiple: p.multiple,
                hide_totals: false,
            }),
            idempotency: input.idempotency_key.clone(),
            content_type: input.format.map(|f| f.media_type().to_owned()),
            scheduled_at: None,
            application_id: 0,
            with_rate_limit: false,
        }
    }

    fn input(&self, scheduled_id: i64) -> PostInput {
        PostInput {
            text: self.text.clone(),
            visibility: Visibility::parse(&self.visibility).unwrap_or(Visibility::Public),
            in_reply_to_id: self.in_reply_to_id,
            spoiler_text: self.spoiler_text.clone(),
            sensitive: self.sensitive,
            language: self.language.clone(),
            media_ids: self
                .media_ids
                .iter()
                .flatten()
                .filter_map(|id| id.parse().ok())
                .collect(),
            // One key per scheduled post: publishing it twice makes one post.
            idempotency_key: Some(format!("scheduled-{scheduled_id}")),
            poll: self.poll.as_ref().map(|p| PollInput {
                options: p.options.clone(),
                expires_in: p.expires_in,
                multiple: p.multiple,
            }),
            format: self
                .content_type
                .as_deref()
                .and_then(TextFormat::from_media_type),
        }
    }
}

/// A waiting post and its params.
pub struct ScheduledView {
    pub id: i64,
    pub scheduled_at: DateTime<Utc>,
    pub params: Params,
    pub media: Vec<crate::model::Media>,
}

fn check_time(at: DateTime<Utc>) -> Result<(), AppError> {
    if at < Utc::now() + Duration::minutes(LEAST_AHEAD_MINUTES) {
        return Err(AppError::invalid(
            "scheduled_at",
            format!("must be at least {LEAST_AHEAD_MINUTES} minutes ahead"),
        ));
    }
    Ok(())
}

async fn view(ctx: &Context, who: &Account, row: Scheduled) -> Result<ScheduledView, AppError> {
    let params: Params = serde_json::from_str(&row.params)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored schedule params: {e}")))?;
    let mut media = Vec::new();
    for id in params.media_ids.iter().flatten() {
        if let Ok(found) = crate::media::own(ctx, who, id.parse().unwrap_or_default()).await {
            media.push(found);
        }
    }
    Ok(ScheduledView {
        id: row.id,
        scheduled_at: row.scheduled_at,
        params,
        media,
    })
}

/// Schedules `input` for `at`; it is checked now as a post is.
pub async fn schedule(
    ctx: &Context,
    who: &Account,
    input: PostInput,
    at: DateTime<Utc>,
) -> Result<ScheduledView, AppError> {
    check_time(at)?;
    crate::statuses::check_input(ctx, &input)?;
    for id in &input.media_ids {
        crate::media::own(ctx, who, *id).await?;
    }
    let params = serde_json::to_string(&Params::of(&input)).expect("params serialize");
    let mut conn = ctx.db.conn().await?;
    if queries::count(&mut conn, who.id).await? >= MOST_WAITING {
        return Err(AppError::invalid(
            "scheduled_at",
            format!("at most {MOST_WAITING} posts can wait to be published"),
        ));
    }
    let row = queries::insert(&mut conn, who.id, at, &params).await?;
    drop(conn);
    view(ctx, who, row).await
}

pub async fn page(
    ctx: &Context,
    who: &Account,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ScheduledView>, AppError> {
    let rows = {
        let mut conn = ctx.db.conn().await?;
        queries::page(&mut conn, who.id, max_id, limit).await?
    };
    let mut found = Vec::new();
    for row in rows {
        found.push(view(ctx, who, row).await?);
    }
    Ok(found)
}

pub async fn get(ctx: &Context, who: &Account, id: i64) -> Result<ScheduledView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let row = queries::get(&mut conn, who.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    view(ctx, who, row).await
}

pub async fn reschedule(
    ctx: &Context,
    who: &Account,
    id: i64,
    at: DateTime<Utc>,
) -> Result<ScheduledView, AppError> {
    check_time(at)?;
    let mut conn = ctx.db.conn().await?;
    let row = queries::reschedule(&mut conn, who.id, id, at)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    view(ctx, who, row).await
}

pub async fn cancel(ctx: &Context, who: &Account, id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::get(&mut conn, who.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    queries::delete(&mut conn, id).await?;
    Ok(())
}

/// Publishes the posts that are due; how many were published.
pub async fn publish_due(ctx: &Context) -> Result<usize, AppError> {
    let due = {
        let mut conn = ctx.db.conn().await?;
        queries::claim_due(&mut conn, 20).await?
    };
    let mut published = 0;
    for row in due {
        let author = crate::directory::by_id(ctx, row.account_id).await?;
        let params: Params = match serde_json::from_str(&row.params) {
            Ok(params) => params,
            Err(e) => {
                tracing::warn!(error = %e, id = row.id, "a scheduled post cannot be read; dropped");
                let mut conn = ctx.db.conn().await?;
                queries::delete(&mut conn, row.id).await?;
                continue;
            }
        };
        match crate::statuses::create(ctx, &author, params.input(row.id)).await {
            Ok(_) => published += 1,
            // What can no longer be posted (a reply to a deleted post, a
            // file removed ...) is dropped, as Mastodon drops it.
            Err(e @ (AppError::Invalid { .. } | AppError::NotFound | AppError::Forbidden(_))) => {
                tracing::warn!(error = %e, id = row.id, "a scheduled post could not be published; dropped");
            }
            // Anything else is tried again when the claim runs out.
            Err(e) => return Err(e),
        }
        let mut conn = ctx.db.conn().await?;
        queries::delete(&mut conn, row.id).await?;
    }
    Ok(published)
}

/// Publishes due posts every few seconds until aborted.
pub fn spawn(ctx: Context) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = publish_due(&ctx).await {
                tracing::warn!(error = %e, "publishing scheduled posts failed; trying again");
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    })
}
