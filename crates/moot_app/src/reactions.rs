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
            queue_undo(ctx, conn, who, like, &author_uri, &inboxes).await?;
        }
        Ok(())
    })
    .await?;
    Ok(status)
}

/// Queues `who`'s `Undo` of their activity `undone`, addressed `to`.
async fn queue_undo(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    who: &Account,
    undone: serde_json::Value,
    to: &Url,
    inboxes: &[Url],
) -> Result<(), AppError> {
    let undo_id = ctx.urls.new_activity();
    let undo = activities::undo(&undo_id, &actor_id(ctx, who)?, undone, &[to]);
    let body = undo.to_string();
    crate::outbound::queue(ctx, conn, who.id, undo_id.as_str(), &body, inboxes).await?;
    Ok(())
}

/// Who hears of a boost: the booster's followers elsewhere, and the post's
/// author's node.
async fn boost_inboxes(
    conn: &mut AsyncPgConnection,
    booster: &Account,
    status: &Status,
    author: &Account,
) -> Result<Vec<Url>, AppError> {
    let mut inboxes = reaction_inboxes(conn, status, author).await?;
    inboxes.extend(crate::outbound::follower_inboxes(conn, booster.id).await?);
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// The `Announce` of `who`'s boost `boost_id` of `status`.
fn boost_activity(
    ctx: &Context,
    who: &Account,
    boost_id: &Url,
    status: &Status,
    author: &Account,
) -> Result<serde_json::Value, AppError> {
    Ok(activities::boost(
        boost_id,
        &actor_id(ctx, who)?,
        &ctx.urls.person_collection(&who.username, "followers"),
        &status_uri(ctx, status)?,
        &actor_id(ctx, author)?,
    ))
}

/// A local person boosts a post everyone may see (Mastodon refuses boosts
/// of followers-only and direct posts: they would widen the audience).
/// Returns the boost's id; boosting twice is one boost.
pub async fn boost(ctx: &Context, who: &Account, status_id: i64) -> Result<i64, AppError> {
    let (status, author) = get_visible(ctx, Some(who), status_id).await?;
    if !matches!(status.visibility.as_str(), "public" | "unlisted") {
        return Err(AppError::invalid(
            "visibility",
            "only public and unlisted posts can be boosted",
        ));
    }
    let boost_uri = ctx.urls.new_activity();
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if queries::add_reblog(conn, who.id, status.id, boost_uri.as_str()).await? {
            let author_id = [status.account_id];
            moot_db::notifications::add(conn, &author_id, "reblog", who.id, Some(status.id))
                .await?;
            let inboxes = boost_inboxes(conn, who, &status, &author).await?;
            let activity = boost_activity(ctx, who, &boost_uri, &status, &author)?;
            crate::outbound::queue(
                ctx,
                conn,
                who.id,
                boost_uri.as_str(),
                &activity.to_string(),
                &inboxes,
            )
            .await?;
        }
        let (id, _) = queries::find_reblog(conn, who.id, status.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(id)
    })
    .await
}

/// Takes a boost back; the `Undo` follows the `Announce` out.
pub async fn unboost(ctx: &Context, who: &Account, status_id: i64) -> Result<Status, AppError> {
    let (status, author) = get_visible(ctx, Some(who), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some((_, boost_id)) = queries::find_reblog(conn, who.id, status.id).await? else {
            return Ok(());
        };
        queries::remove_reblog_by_ap_id(conn, who.id, &boost_id).await?;
        let inboxes = boost_inboxes(conn, who, &status, &author).await?;
        let boost_uri = Url::parse(&boost_id).map_err(|e| AppError::Internal(e.into()))?;
        let announce = boost_activity(ctx, who, &boost_uri, &status, &author)?;
        let followers = ctx.urls.person_collection(&who.username, "followers");
        queue_undo(ctx, conn, who, announce, &followers, &inboxes).await?;
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
        // A person has one vote on a post: a Dislike replaces their Like
        // and a Like their Dislike (as Lemmy counts them).
        let other = match reaction {
            Reaction::Like => Reaction::Dislike,
            Reaction::Dislike => Reaction::Like,
        };
        queries::remove(conn, actor.id, status.id, other.as_str()).await?;
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

/// Whether `group` may relay votes on `object` (`Announce{Like}` and its
/// `Undo`, as Lemmy communities send): a group vouches for its members'
/// votes only on posts made in it.
pub async fn check_relayed_vote(
    ctx: &Context,
    group: &Account,
    object: &Url,
) -> Result<(), AppError> {
    let in_group = match find_by_uri(ctx, object).await? {
        Some((status, _)) => group.actor_type == "Group" && status.group_id == Some(group.id),
        None => false,
    };
    match in_group {
        true => Ok(()),
        false => Err(AppError::Forbidden(
            "a relayed vote is taken only from the group the post is in".into(),
        )),
    }
}

/// A remote Undo of a Like, Dislike or boost the actor made. It names the
/// undone activity by its id, or (as Lemmy does, with a fresh id) by what
/// it was about: then the actor's reaction of that kind to `undone_object`
/// goes.
pub async fn receive_undo(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    undone_kind: &str,
    undone_id: &Url,
    undone_object: Option<&Url>,
) -> Result<(), AppError> {
    let status = match undone_object {
        Some(object) => find_by_uri(ctx, object).await?.map(|(s, _)| s),
        None => None,
    };
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let removed = match undone_kind {
            "Announce" => {
                queries::remove_reblog_by_ap_id(conn, actor.id, undone_id.as_str()).await?
            }
            _ => queries::remove_by_ap_id(conn, actor.id, undone_id.as_str()).await?,
        };
        if let (0, Some(status)) = (removed, &status) {
            match undone_kind {
                "Announce" => queries::remove_reblog(conn, actor.id, status.id).await?,
                kind => queries::remove(conn, actor.id, status.id, kind).await?,
            };
        }
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
    conn.transaction::<_, AppError, _>(async |conn| {
        if queries::add_reblog(conn, actor.id, status.id, activity_id.as_str()).await? {
            let author_id = [status.account_id];
            moot_db::notifications::add(conn, &author_id, "reblog", actor.id, Some(status.id))
                .await?;
        }
        Ok(())
    })
    .await
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
        } else if let Some(name) = ctx.urls.local_username(object.as_str()) {
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
    moot_db::reports::insert(
        &mut conn,
        &moot_db::reports::NewReport {
            reporter_id: reporter.id,
            target_account_id: target,
            status_ids: &status_ids,
            comment,
            ap_id: Some(activity_id.as_str()),
            category: "other",
            rule_ids: &[],
            forwarded: false,
        },
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
