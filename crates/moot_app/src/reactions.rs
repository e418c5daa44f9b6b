//! Likes, dislikes, boosts and reports: from local people through the client
//! API, and from other nodes through the inbox, under the same rules.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::statuses::Status;
use moot_db::{reactions as queries, received};
use moot_protocol::activities;
use url::Url;

use crate::follows::actor_id;
use crate::statuses::{find_by_uri, get_visible, status_uri};
use crate::{AppError, Context};

/// Like (Mastodon: favourite) or Lemmy's Dislike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    Like,
    Dislike,
}

impl Reaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Reaction::Like => "Like",
            Reaction::Dislike => "Dislike",
        }
    }
}

/// Where news of a reaction to `status` goes: its author's node (and the
/// remote group it was made in), if elsewhere.
async fn reaction_inboxes(
    conn: &mut AsyncPgConnection,
    status: &Status,
    author: &Account,
) -> Result<Vec<Url>, AppError> {
    let mut targets = vec![author.clone()];
    if let Some(group_id) = status.group_id {
        targets.extend(moot_db::accounts::find_by_id(conn, group_id).await?);
    }
    let mut inboxes: Vec<Url> = targets
        .iter()
        .filter(|a| a.domain.is_some())
        .filter_map(|a| a.shared_inbox_url.as_deref().or(a.inbox_url.as_deref()))
        .filter_map(|i| Url::parse(i).ok())
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// A local person favourites a post they can see.
pub async fn favourite(ctx: &Context, who: &Account, status_id: i64) -> Result<Status, AppError> {
    let (status, author) = get_visible(ctx, Some(who), status_id).await?;
    let like_id = ctx.urls.new_activity();
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if queries::add(conn, who.id, status.id, "Like", like_id.as_str()).await? {
            let author_id = [status.account_id];
            moot_db::notifications::add(conn, &author_id, "favourite", who.id, Some(status.id))
                .await?;
            let inboxes = reaction_inboxes(conn, &status, &author).await?;
            if !inboxes.is_empty() {
                let author_uri = actor_id(ctx, &author)?;
                let activity = activities::like(
                    &like_id,
                    &actor_id(ctx, who)?,
                    &status_uri(ctx, &status)?,
                    &[&author_uri],
                );
                crate::outbound::queue(
                    ctx,
                    conn,
                    who.id,
                    like_id.as_str(),
                    &activity.to_string(),
                    &inboxes,
                )
                .await?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(status)
}

/// Takes a favourite back; the `Undo` follows the `Like` out.
pub async fn unfavourite(ctx: &Context, who: &Account, status_id: i64) -> Result<Status, AppError> {
    let (status, author) = get_visible(ctx, Some(who), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(like_id) = queries::find(conn, who.id, status.id, "Like").await? else {
            return Ok(());
        };
        queries::remove_by_ap_id(conn, who.id, &like_id).await?;
        let inboxes = reaction_inboxes(conn, &status, &author).await?;
        if !inboxes.is_empty() {
            let author_uri = actor_id(ctx, &author)?;
            let me = actor_id(ctx, who)?;
            let like_uri = Url::parse(&like_id).map_err(|e| AppError::Internal(e.into()))?;
            let like = activities::like(&like_uri, &me, &status_uri(ctx, &status)?, &[&author_uri]);
            let undo_id = ctx.urls.new_activity();
            let undo = activities::undo(&undo_id, &me, like, &[&author_uri]);
            crate::outbound::queue(
                ctx,
                conn,
                who.id,
                undo_id.as_str(),
                &undo.to_string(),
                &inboxes,
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    Ok(status)
}

/// A remote Like or Dislike. Reactions to posts we do not have are
/// accepted and dropped (there is nothing to count them on).
pub async fn receive_reaction(
    ctx: &Context,
    activity: &serde_json::Value,
    activity_id: &Url,
    actor: &Account,
    reaction: Reaction,
    object: &Url,
) -> Result<(), AppError> {
    let Some((status, author)) = find_by_uri(ctx, object).await? else {
        return Ok(());
    };
    if !crate::statuses::can_view(ctx, Some(actor), &status, &author).await? {
        return Err(AppError::NotFound);
    }
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let added = queries::add(
            conn,
            actor.id,
            status.id,
            reaction.as_str(),
            activity_id.as_str(),
        )
        .await?;
        if added && reaction.as_str() == "Like" {
            let author_id = [status.account_id];
            moot_db::notifications::add(conn, &author_id, "favourite", actor.id, Some(status.id))
                .await?;
        }
        crate::statuses::announce_in_local_group(ctx, conn, &status, activity).await
    })
    .await
}

/// A remote Undo of a Like, Dislike or boost the actor made.
pub async fn receive_undo(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    undone_kind: &str,
    undone_id: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        match undone_kind {
            "Announce" => {
                queries::remove_reblog_by_ap_id(conn, actor.id, undone_id.as_str()).await?
            }
            _ => queries::remove_by_ap_id(conn, actor.id, undone_id.as_str()).await?,
        };
        Ok(())
    })
    .await
}

/// A person's boost of a post we hold.
pub async fn receive_boost(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    status: &Status,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::add_reblog(&mut conn, actor.id, status.id, activity_id.as_str()).await?;
    let author_id = [status.account_id];
    moot_db::notifications::add(&mut conn, &author_id, "reblog", actor.id, Some(status.id)).await?;
    Ok(())
}

/// A report (`Flag`) about our people or posts, stored for moderators.
/// Reports naming nothing of ours are refused.
pub async fn receive_report(
    ctx: &Context,
    activity_id: &Url,
    reporter: &Account,
    objects: &[Url],
    comment: &str,
) -> Result<(), AppError> {
    if matches!(
        ctx.policy.verdict_for(reporter.domain.as_deref()),
        moot_core::domain_rules::Verdict::Federate(limits) if limits.reject_reports
    ) {
        tracing::info!(reporter = %reporter.ap_id.as_deref().unwrap_or_default(), "report ignored: this node rejects reports from that domain");
        return Ok(());
    }
    let mut target = None;
    let mut status_ids = Vec::new();
    for object in objects {
        if let Some(id) = crate::statuses::local_status_id(ctx, object) {
            status_ids.push(id);
        } else if let Some(name) = object
            .as_str()
            .strip_prefix(ctx.urls.base().as_str())
            .and_then(|p| p.strip_prefix("users/"))
        {
            target = crate::directory::local_any(ctx, name).await?.map(|a| a.id);
        }
    }
    if target.is_none() && status_ids.is_empty() {
        return Err(AppError::invalid(
            "object",
            "the report names nothing on this node",
        ));
    }
    let mut conn = ctx.db.conn().await?;
    queries::add_report(
        &mut conn,
        reporter.id,
        target,
        &status_ids,
        comment,
        activity_id.as_str(),
    )
    .await?;
    tracing::info!(
        reporter = reporter.id,
        ?target,
        ?status_ids,
        "report received"
    );
    Ok(())
}
