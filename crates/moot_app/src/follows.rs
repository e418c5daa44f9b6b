//! Following people, here or on other nodes. Local follows and follows that
//! arrive through the inbox go through these functions alike.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::follows::{self as queries, Follow};
use moot_db::received;
use moot_protocol::activities::{self, FollowAnswer};
use url::Url;

use crate::{AppError, Context};

/// The follow state between two accounts, as the client API reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relationship {
    pub following: bool,
    pub requested: bool,
    pub followed_by: bool,
    /// The other asks to follow the viewer, who has not answered yet.
    pub requested_by: bool,
    /// The viewer's private note on the other.
    pub note: String,
    /// The viewer is told of each of the other's new posts.
    pub notifying: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    /// The viewer features the other on their profile.
    pub endorsed: bool,
    /// The viewer hides the other's whole node.
    pub domain_blocking: bool,
}

/// The ActivityPub id of any account.
pub fn actor_id(ctx: &Context, account: &Account) -> Result<Url, AppError> {
    match &account.ap_id {
        Some(id) => {
            Url::parse(id).map_err(|e| AppError::Internal(anyhow::anyhow!("stored actor id: {e}")))
        }
        None => Ok(ctx.urls.person(&account.username)),
    }
}

pub(crate) fn inbox_of(account: &Account) -> Result<Url, AppError> {
    let inbox = account.inbox_url.as_deref().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "remote account {} has no inbox",
            account.id
        ))
    })?;
    Url::parse(inbox).map_err(|e| AppError::Internal(anyhow::anyhow!("stored inbox: {e}")))
}

/// Stores an activity for delivery, in the caller's transaction.
pub(crate) async fn send(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    sender: &Account,
    activity: &serde_json::Value,
    inboxes: &[Url],
) -> Result<(), AppError> {
    let id = activity["id"].as_str().unwrap_or_default();
    crate::outbound::queue(ctx, conn, sender.id, id, &activity.to_string(), inboxes).await?;
    Ok(())
}

/// Tells a local `target` of a new follower, or of a request to follow.
async fn notify_follow(
    conn: &mut AsyncPgConnection,
    follower: &Account,
    target: &Account,
    accepted: bool,
) -> Result<(), AppError> {
    let kind = if accepted { "follow" } else { "follow_request" };
    moot_db::notifications::add(conn, &[target.id], kind, follower.id, None).await?;
    Ok(())
}

/// A local person follows `target` (and asks to be told of each new post,
/// or not, when `notify` is given; following again changes only that).
/// Local targets that do not approve followers by hand are followed at
/// once; remote ones get a `Follow`.
pub async fn follow(
    ctx: &Context,
    follower: &Account,
    target: &Account,
    notify: Option<bool>,
) -> Result<Relationship, AppError> {
    if follower.domain.is_some() {
        return Err(AppError::Forbidden(
            "only local people follow through this node".into(),
        ));
    }
    if follower.id == target.id {
        return Err(AppError::invalid("id", "you cannot follow yourself"));
    }
    crate::domain_policy::require_allowed(ctx, target.domain.as_deref())?;
    if crate::blocks::between(&mut *ctx.db.conn().await?, follower, target).await? {
        return Err(AppError::Forbidden(
            "you cannot follow someone you block or who blocks you".into(),
        ));
    }
    if target.actor_type == "Group"
        && moot_db::groups::is_banned(&mut *ctx.db.conn().await?, target.id, follower.id).await?
    {
        return Err(AppError::Forbidden("you are banned from this group".into()));
    }
    let follow_id = ctx.urls.new_activity();
    let follower_uri = actor_id(ctx, follower)?;
    let target_uri = actor_id(ctx, target)?;
    let remote = target.domain.is_some();
    let accepted_now = !remote && !target.manually_approves_followers;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let (_, created) = queries::insert_or_get(
            conn,
            follower.id,
            target.id,
            follow_id.as_str(),
            accepted_now,
        )
        .await?;
        if created && remote {
            let activity = activities::follow(&follow_id, &follower_uri, &target_uri);
            send(ctx, conn, follower, &activity, &[inbox_of(target)?]).await?;
        }
        if created {
            notify_follow(conn, follower, target, accepted_now).await?;
        }
        if let Some(notify) = notify {
            queries::set_notify(conn, follower.id, target.id, notify).await?;
        }
        Ok(())
    })
    .await?;
    relationship(ctx, follower, target).await
}

/// A local person stops following `target` (or withdraws a request; for a
/// group, leaves it). A remote target gets an `Undo` of the original Follow.
pub async fn unfollow(
    ctx: &Context,
    follower: &Account,
    target: &Account,
) -> Result<Relationship, AppError> {
    let follower_uri = actor_id(ctx, follower)?;
    let target_uri = actor_id(ctx, target)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(follow) = queries::find(conn, follower.id, target.id).await? else {
            return Ok(());
        };
        queries::delete(conn, follow.id).await?;
        if target.domain.is_some() {
            let follow_id = Url::parse(&follow.ap_id).map_err(|e| AppError::Internal(e.into()))?;
            let original = activities::follow(&follow_id, &follower_uri, &target_uri);
            let undo = activities::undo(
                &ctx.urls.new_activity(),
                &follower_uri,
                original,
                &[&target_uri],
            );
            send(ctx, conn, follower, &undo, &[inbox_of(target)?]).await?;
        }
        Ok(())
    })
    .await?;
    relationship(ctx, follower, target).await
}

/// How `viewer` and `other` relate.
pub async fn relationship(
    ctx: &Context,
    viewer: &Account,
    other: &Account,
) -> Result<Relationship, AppError> {
    let mut conn = ctx.db.conn().await?;
    let out = queries::find(&mut conn, viewer.id, other.id).await?;
    let back = queries::find(&mut conn, other.id, viewer.id).await?;
    let note = moot_db::accounts::note_on(&mut conn, viewer.id, &[other.id])
        .await?
        .pop()
        .map(|(_, note)| note)
        .unwrap_or_default();
    let muting = moot_db::blocks::muting(&mut conn, viewer.id, other.id).await?;
    Ok(Relationship {
        blocking: moot_db::blocks::blocks(&mut conn, viewer.id, other.id).await?,
        blocked_by: moot_db::blocks::blocks(&mut conn, other.id, viewer.id).await?,
        muting: muting.is_some(),
        muting_notifications: muting == Some(true),
        following: out.as_ref().is_some_and(|f| f.accepted),
        notifying: out.as_ref().is_some_and(|f| f.notify),
        requested: out.as_ref().is_some_and(|f| !f.accepted),
        followed_by: back.as_ref().is_some_and(|f| f.accepted),
        requested_by: back.is_some_and(|f| !f.accepted),
        note,
        endorsed: !moot_db::featured::endorsed_among(&mut conn, viewer.id, &[other.id])
            .await?
            .is_empty(),
        domain_blocking: match &other.domain {
            Some(domain) => moot_db::blocks::hides_domain(&mut conn, viewer.id, domain).await?,
            None => false,
        },
    })
}

/// An incoming activity's id, recorded so that the same activity delivered
/// twice has its effect once. Returns false for a repeat.
async fn first_time(conn: &mut AsyncPgConnection, activity_id: &Url) -> Result<bool, AppError> {
    Ok(received::first_time(conn, activity_id.as_str()).await?)
}

/// A remote `Follow` of a local person. Accepted at once unless the person
/// approves followers by hand; the `Accept` goes out in the same transaction.
pub async fn receive_follow(
    ctx: &Context,
    follow_id: &Url,
    follower: &Account,
    target: &Account,
) -> Result<(), AppError> {
    if target.domain.is_some() {
        return Err(AppError::NotFound);
    }
    let accept = !target.manually_approves_followers;
    let follower_uri = actor_id(ctx, follower)?;
    let target_uri = actor_id(ctx, target)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !first_time(conn, follow_id).await? {
            return Ok(());
        }
        // Someone banned from a group, or blocked, is turned away at the door.
        if moot_db::groups::is_banned(conn, target.id, follower.id).await?
            || moot_db::blocks::blocks(conn, target.id, follower.id).await?
        {
            let answer = activities::answer_follow(
                FollowAnswer::Reject,
                &ctx.urls.new_activity(),
                &target_uri,
                follow_id,
                &follower_uri,
            );
            return send(ctx, conn, target, &answer, &[inbox_of(follower)?]).await;
        }
        let (follow, created) =
            queries::insert_or_get(conn, follower.id, target.id, follow_id.as_str(), accept)
                .await?;
        if created {
            notify_follow(conn, follower, target, follow.accepted).await?;
        }
        if follow.accepted {
            let answer = activities::answer_follow(
                FollowAnswer::Accept,
                &ctx.urls.new_activity(),
                &target_uri,
                &Url::parse(&follow.ap_id).unwrap_or_else(|_| follow_id.clone()),
                &follower_uri,
            );
            send(ctx, conn, target, &answer, &[inbox_of(follower)?]).await?;
        }
        Ok(())
    })
    .await
}

/// `target` (a local person, or a group through its moderator) accepts or
/// rejects `requester_id`'s pending request to follow; the answer goes to
/// the requester's node in the same transaction.
pub async fn answer_request(
    ctx: &Context,
    target: &Account,
    requester_id: i64,
    answer: FollowAnswer,
) -> Result<(), AppError> {
    answer_follow(ctx, target, requester_id, answer, false).await
}

/// `person` removes `follower_id` from their followers (Mastodon's
/// `remove_from_followers`): the follow ends and, for someone on another
/// node, a `Reject` of their follow tells it.
pub async fn remove_follower(
    ctx: &Context,
    person: &Account,
    follower_id: i64,
) -> Result<(), AppError> {
    answer_follow(ctx, person, follower_id, FollowAnswer::Reject, true).await
}

/// Answers `requester_id`'s follow of `target`: a pending one, or with
/// `accepted`, one already in force (only to end it).
async fn answer_follow(
    ctx: &Context,
    target: &Account,
    requester_id: i64,
    answer: FollowAnswer,
    accepted: bool,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let requester = moot_db::accounts::find_by_id(&mut conn, requester_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let follow = queries::find(&mut conn, requester.id, target.id)
        .await?
        .filter(|f| f.accepted == accepted)
        .ok_or(AppError::NotFound)?;
    let target_uri = actor_id(ctx, target)?;
    let requester_uri = actor_id(ctx, &requester)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        match answer {
            FollowAnswer::Accept => queries::accept(conn, follow.id).await?,
            FollowAnswer::Reject => queries::delete(conn, follow.id).await?,
        }
        if requester.domain.is_some() {
            let follow_id = Url::parse(&follow.ap_id).map_err(|e| AppError::Internal(e.into()))?;
            let activity = activities::answer_follow(
                answer,
                &ctx.urls.new_activity(),
                &target_uri,
                &follow_id,
                &requester_uri,
            );
            send(ctx, conn, target, &activity, &[inbox_of(&requester)?]).await?;
        }
        Ok(())
    })
    .await
}

/// Requests to follow a local person who approves followers by hand.
pub async fn requests(ctx: &Context, person: &Account) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::pending(&mut conn, person.id)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// A remote `Accept` or `Reject` of a follow one of our people sent.
/// Returns whether it made a follow accepted that was not (a repeated or
/// late answer changes nothing).
pub async fn receive_follow_answer(
    ctx: &Context,
    activity_id: &Url,
    answer: FollowAnswer,
    answered_by: &Account,
    follow_id: &Url,
    follower: Option<&Url>,
) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !first_time(conn, activity_id).await? {
            return Ok(false);
        }
        // By the Follow's id; else (an answer to an earlier sending of a
        // follow sent again under a new id) by who followed whom.
        let follow: Follow = match queries::find_by_ap_id(conn, follow_id.as_str()).await? {
            Some(follow) => follow,
            None => {
                let name = follower.and_then(|f| ctx.urls.local_username(f.as_str()));
                let local = match name {
                    Some(name) => moot_db::accounts::find_local_any(conn, name).await?,
                    None => None,
                };
                let Some(local) = local else {
                    return Err(AppError::NotFound);
                };
                queries::find(conn, local.id, answered_by.id)
                    .await?
                    .ok_or(AppError::NotFound)?
            }
        };
        // Only the person who was asked may answer.
        if follow.target_id != answered_by.id {
            return Err(AppError::Forbidden(
                "only the followed actor can answer a follow".into(),
            ));
        }
        match answer {
            FollowAnswer::Accept => queries::accept(conn, follow.id).await?,
            FollowAnswer::Reject => queries::delete(conn, follow.id).await?,
        }
        Ok(answer == FollowAnswer::Accept && !follow.accepted)
    })
    .await
}

/// A remote `Undo` of a `Follow` it sent.
pub async fn receive_unfollow(
    ctx: &Context,
    activity_id: &Url,
    follower: &Account,
    follow_id: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !first_time(conn, activity_id).await? {
            return Ok(());
        }
        if let Some(follow) = queries::find_by_ap_id(conn, follow_id.as_str()).await? {
            if follow.follower_id != follower.id {
                return Err(AppError::Forbidden(
                    "only the follower can undo a follow".into(),
                ));
            }
            queries::delete(conn, follow.id).await?;
        }
        Ok(())
    })
    .await
}

/// Most times a follow waiting for an answer is sent again.
const MOST_FOLLOW_RESENDS: i32 = 8;

/// Sends again, under a new id, the follows of people here that another
/// node has not answered: a peer meeting this node for the first time may
/// lose its answer (Lemmy can). The first resend comes after
/// `federation.follow_resend_secs`, each later one after twice the wait
/// before. Returns how many were sent.
pub async fn resend_waiting(ctx: &Context) -> Result<usize, AppError> {
    let first_after = i64::from(ctx.settings.federation.follow_resend_secs);
    let mut conn = ctx.db.conn().await?;
    let due = queries::waiting_to_resend(&mut conn, first_after, MOST_FOLLOW_RESENDS, 100).await?;
    for follow in &due {
        conn.transaction::<_, AppError, _>(async |conn| {
            let (Some(follower), Some(target)) = (
                moot_db::accounts::find_by_id(conn, follow.follower_id).await?,
                moot_db::accounts::find_by_id(conn, follow.target_id).await?,
            ) else {
                return Ok(());
            };
            let follow_id = ctx.urls.new_activity();
            if !queries::resent(conn, follow, follow_id.as_str()).await? {
                return Ok(());
            }
            let activity = activities::follow(
                &follow_id,
                &actor_id(ctx, &follower)?,
                &actor_id(ctx, &target)?,
            );
            send(ctx, conn, &follower, &activity, &[inbox_of(&target)?]).await
        })
        .await?;
    }
    Ok(due.len())
}

/// Runs [`resend_waiting`] every few seconds, for as long as the node runs.
pub fn spawn_resends(ctx: Context) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match resend_waiting(&ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    follows = n,
                    "follows still waiting for an answer sent again"
                ),
                Err(e) => tracing::warn!(error = %e, "sending waiting follows again failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    })
}

/// For each of `targets`, the people `viewer` follows who follow it too.
pub async fn familiar_followers(
    ctx: &Context,
    viewer: &Account,
    targets: &[i64],
) -> Result<Vec<(i64, Vec<crate::views::posts::AccountView>)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let pairs = moot_db::follows::familiar_followers(&mut conn, viewer.id, targets, 8).await?;
    let mut ids: Vec<i64> = pairs.iter().map(|(_, f)| *f).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = moot_db::accounts::find_many(&mut conn, &ids).await?;
    drop(conn);
    let people = crate::views::posts::accounts(ctx, people).await?;
    Ok(targets
        .iter()
        .map(|target| {
            let known: Vec<crate::views::posts::AccountView> = pairs
                .iter()
                .filter(|(t, _)| t == target)
                .filter_map(|(_, f)| people.iter().find(|p| p.account.id == *f).cloned())
                .collect();
            (*target, known)
        })
        .collect())
}
