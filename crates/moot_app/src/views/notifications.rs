//! A person's notifications as they see them: who caused each, and the
//! post it is about (if it still stands), filtered for the notifications
//! context: a post a `hide` filter covers takes its notification with it.

use crate::model::{Account, Notification};
use crate::views::filtering::{self, ActiveFilters, FilterContext};
use crate::views::posts::{self, AccountView, PostView};
use crate::views::Page;
use crate::{AppError, Context};

#[derive(Debug, Clone)]
pub struct NotificationView {
    pub notification: Notification,
    pub from: AccountView,
    pub post: Option<PostView>,
    /// For `moderation_warning`: what the administrators decided and said.
    pub warning: Option<moot_db::moderation::Warning>,
}

/// Which notifications to list.
#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub limit: i64,
    /// Only these kinds, if any; never these.
    pub kinds: Vec<String>,
    pub exclude: Vec<String>,
}

/// Notifications with who caused them, as `viewer` sees them.
async fn shown(
    ctx: &Context,
    viewer: &Account,
    filters: &ActiveFilters,
    found: Vec<(Notification, Account)>,
) -> Result<Vec<NotificationView>, AppError> {
    // Nothing from a suspended account shows; a warning comes from the
    // person's own account.
    let found: Vec<_> = found
        .into_iter()
        .filter(|(_, from)| crate::views::rules::account_shown(from) || from.id == viewer.id)
        .collect();
    let mut about = Vec::new();
    let mut conn = ctx.db.conn().await?;
    for (n, _) in &found {
        if let Some(id) = n.status_id {
            if let Some((status, author)) = moot_db::statuses::find(&mut conn, id).await? {
                if status.deleted_at.is_none() {
                    about.push((status, author));
                }
            }
        }
    }
    let warning_ids: Vec<i64> = found.iter().filter_map(|(n, _)| n.warning_id).collect();
    let warnings = match warning_ids.is_empty() {
        true => Vec::new(),
        false => moot_db::moderation::warnings(&mut conn, &warning_ids).await?,
    };
    drop(conn);
    let mut about = posts::posts(ctx, Some(viewer), about).await?;
    let (notifications, people): (Vec<Notification>, Vec<Account>) = found.into_iter().unzip();
    let people = posts::accounts(ctx, people).await?;
    let mut shown = Vec::with_capacity(notifications.len());
    for (notification, from) in notifications.into_iter().zip(people) {
        let post = match notification.status_id {
            None => None,
            Some(id) => match about.iter().position(|p| p.status.id == id) {
                None => None,
                // Hidden by a filter: the notification goes with it.
                Some(at) => match filters.post(about[at].clone()) {
                    None => continue,
                    found => found,
                },
            },
        };
        let warning = notification
            .warning_id
            .and_then(|id| warnings.iter().find(|w| w.id == id).cloned());
        shown.push(NotificationView {
            notification,
            from,
            post,
            warning,
        });
    }
    about.clear();
    Ok(shown)
}

/// A page of `viewer`'s notifications, newest first.
pub async fn list(
    ctx: &Context,
    viewer: &Account,
    query: &NotificationQuery,
) -> Result<Page<NotificationView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let page = moot_db::notifications::Page {
        max_id: query.max_id,
        since_id: query.since_id,
        limit: query.limit,
        kinds: &query.kinds,
        exclude: &query.exclude,
    };
    let found = moot_db::notifications::list(&mut conn, viewer.id, page).await?;
    drop(conn);
    let cursors = found.iter().map(|(n, _)| n.id).collect();
    let filters = filtering::active(ctx, Some(viewer), FilterContext::Notifications).await?;
    Ok(Page {
        items: shown(ctx, viewer, &filters, found).await?,
        cursors,
    })
}

/// One of `viewer`'s notifications (found even if a filter hides it from
/// lists: it was asked for by id).
pub async fn get(ctx: &Context, viewer: &Account, id: i64) -> Result<NotificationView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::notifications::get(&mut conn, viewer.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let mut shown = shown(ctx, viewer, &ActiveFilters::default(), vec![found]).await?;
    shown.pop().ok_or(AppError::NotFound)
}

/// A notification that has just arrived, if `viewer`'s filters let it show.
pub async fn arriving(
    ctx: &Context,
    viewer: &Account,
    notification: Notification,
    from: Account,
) -> Result<Option<NotificationView>, AppError> {
    if notification.account_id != viewer.id {
        return Ok(None);
    }
    let filters = filtering::active(ctx, Some(viewer), FilterContext::Notifications).await?;
    Ok(shown(ctx, viewer, &filters, vec![(notification, from)])
        .await?
        .pop())
}

/// Removes one of `viewer`'s notifications.
pub async fn dismiss(ctx: &Context, viewer: &Account, id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    match moot_db::notifications::dismiss(&mut conn, viewer.id, id).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}

/// Removes all of `viewer`'s notifications.
pub async fn clear(ctx: &Context, viewer: &Account) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::notifications::clear(&mut conn, viewer.id).await?)
}
