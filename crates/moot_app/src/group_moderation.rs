//! What a group's moderators do about what is said in it: read the
//! reports about its posts (and resolve those that concern only its
//! posts), remove a post from the group, and close a thread to new
//! replies. Each action is in the node's audit log. Bans are in `groups`.
//!
//! A removal and a lock reach the members' nodes from the group: a
//! `Delete` of the post, and Lemmy's `Lock` (and `Undo{Lock}`), which a
//! node takes only from the group the post was made in.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use url::Url;

use crate::audit::Who;
use crate::model::{Account, Status};
use crate::reports::Report;
use crate::{AppError, Context};

/// Open reports about posts made in the group, for its moderators.
pub async fn reports(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
) -> Result<Vec<Report>, AppError> {
    let mut conn = ctx.db.conn().await?;
    crate::groups::require_moderator(&mut conn, group_id, moderator).await?;
    Ok(moot_db::reports::open_about_group(&mut conn, group_id).await?)
}

/// Resolves a report whose every post was made in the group (a report
/// that names anything else is the administrators' to settle).
pub async fn resolve_report(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    report_id: i64,
) -> Result<Report, AppError> {
    let mut conn = ctx.db.conn().await?;
    crate::groups::require_moderator(&mut conn, group_id, moderator).await?;
    let report = moot_db::reports::find(&mut conn, report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut all_here = !report.status_ids.is_empty();
    for id in &report.status_ids {
        let found = moot_db::statuses::find(&mut conn, *id).await?;
        all_here &= found.is_some_and(|(s, _)| s.group_id == Some(group_id));
    }
    if !all_here {
        return Err(AppError::Forbidden(
            "this report names more than this group's posts; the node's administrators settle it"
                .into(),
        ));
    }
    drop(conn);
    crate::reports::record_resolution(ctx, moderator, report_id, true).await
}

/// A post of the group, not yet removed, with its author.
async fn post_in(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    status_id: i64,
) -> Result<(Status, Account), AppError> {
    moot_db::statuses::find(conn, status_id)
        .await?
        .filter(|(s, _)| s.group_id == Some(group_id) && s.deleted_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Removes a post from the group: see `statuses::remove_in`.
pub async fn remove_post(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    status_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    crate::groups::require_moderator(&mut conn, group_id, moderator).await?;
    let (status, author) = post_in(&mut conn, group_id, status_id).await?;
    let uri = crate::statuses::status_uri(ctx, &status)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        crate::statuses::remove_in(ctx, conn, &status, &author).await?;
        crate::audit::record(
            conn,
            &Who::person(&moderator.username),
            "group.remove_post",
            &format!("status:{status_id}"),
            serde_json::json!({ "uri": uri, "group_id": group_id.to_string() }),
            reason.trim(),
        )
        .await
    })
    .await
}

/// Closes a thread of the group to new replies (`locked`), or opens it
/// again; the group tells its members' nodes.
pub async fn lock_thread(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    status_id: i64,
    locked: bool,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    crate::groups::require_moderator(&mut conn, group_id, moderator).await?;
    let (status, _) = post_in(&mut conn, group_id, status_id).await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    if crate::groups::local_group(&mut conn, &group)
        .await?
        .is_none()
    {
        return Err(AppError::Forbidden(
            "a thread is locked on its group's own node".into(),
        ));
    }
    let post = crate::statuses::status_uri(ctx, &status)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        moot_db::moderation::set_thread_lock(conn, status_id, locked.then_some(moderator.id))
            .await?;
        let group_uri = ctx.urls.person(&group.username);
        let followers = ctx.urls.person_collection(&group.username, "followers");
        let lock = moot_protocol::activities::lock(
            &ctx.urls.new_activity(),
            &group_uri,
            &post,
            &followers,
        );
        let activity = match locked {
            true => lock,
            false => moot_protocol::activities::undo(
                &ctx.urls.new_activity(),
                &group_uri,
                lock,
                &[&followers],
            ),
        };
        crate::outbound::to_followers(ctx, conn, &group, &activity).await?;
        crate::audit::record(
            conn,
            &Who::person(&moderator.username),
            if locked { "group.lock" } else { "group.unlock" },
            &format!("status:{status_id}"),
            serde_json::json!({ "uri": post, "group_id": group_id.to_string() }),
            "",
        )
        .await
    })
    .await
}

/// Whether the post `status_id` is in a locked thread; replies to it are
/// refused.
pub async fn is_closed(conn: &mut AsyncPgConnection, status_id: i64) -> Result<bool, AppError> {
    Ok(moot_db::moderation::in_locked_thread(conn, status_id).await?)
}

/// Why a reply from another node into a locked thread is refused.
pub(crate) fn closed() -> AppError {
    AppError::Forbidden(CLOSED.into())
}

/// What a reply into a locked thread is told.
pub(crate) const CLOSED: &str = "the discussion is closed to new replies";

/// `is_closed`, on a connection of its own (for a thread's page).
pub async fn thread_closed(ctx: &Context, status_id: i64) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    is_closed(&mut conn, status_id).await
}

/// Whether `status_id` itself is locked (for its page's buttons).
pub async fn is_locked(ctx: &Context, status_id: i64) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::moderation::is_locked(&mut conn, status_id).await?)
}

/// A `Lock` (or its `Undo`) from another node: taken only from the group
/// the post was made in.
pub async fn receive_lock(
    ctx: &Context,
    actor: &Account,
    post: &Url,
    locked: bool,
) -> Result<(), AppError> {
    let Some((status, _)) = crate::statuses::find_by_uri(ctx, post).await? else {
        return Ok(());
    };
    let mut conn = ctx.db.conn().await?;
    if status.group_id != Some(actor.id) {
        return Err(AppError::Forbidden(
            "only the post's group can lock its thread".into(),
        ));
    }
    Ok(
        moot_db::moderation::set_thread_lock(&mut conn, status.id, locked.then_some(actor.id))
            .await?,
    )
}
