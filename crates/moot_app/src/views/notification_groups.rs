//! Notifications grouped as Mastodon 4.3 groups them (`/api/v2/
//! notifications`): favourites and boosts of one post, and follows of one
//! day, are one group, with a few of the people who did it; every other
//! notification is a group of its own. The key of a group is the same in
//! v1's `group_key`, so apps can match the two.

use chrono::{DateTime, Utc};

use crate::model::{Account, Notification};
use crate::views::notifications::{self, NotificationQuery, NotificationView};
use crate::{AppError, Context};

/// The kinds grouped when an app does not say (Mastodon's default).
pub const GROUPED_BY_DEFAULT: [&str; 3] = ["favourite", "follow", "reblog"];

/// How many accounts a group shows.
const SAMPLE_ACCOUNTS: usize = 8;

/// How many notifications one read looks through to fill its groups.
const MOST_SCANNED: i64 = 400;

/// The group a notification belongs to, when its kind is grouped.
pub fn group_key(notification: &Notification, grouped: &[String]) -> String {
    let kind = notification.kind.as_str();
    let grouped = grouped.iter().any(|g| g == kind);
    match (kind, notification.status_id) {
        ("favourite" | "reblog", Some(status)) if grouped => format!("{kind}-{status}"),
        ("follow", _) if grouped => {
            format!("follow-{}", notification.created_at.timestamp() / 86_400)
        }
        _ => format!("ungrouped-{}", notification.id),
    }
}

/// `group_key` with Mastodon's default grouped kinds (v1's `group_key`).
pub fn default_group_key(notification: &Notification) -> String {
    let grouped: Vec<String> = GROUPED_BY_DEFAULT.iter().map(|k| k.to_string()).collect();
    group_key(notification, &grouped)
}

/// One group: its notifications in the page, newest first.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: String,
    pub kind: String,
    pub notifications: Vec<NotificationView>,
}

impl Group {
    pub fn newest(&self) -> &NotificationView {
        &self.notifications[0]
    }

    pub fn latest_at(&self) -> DateTime<Utc> {
        self.newest().notification.created_at
    }

    /// Up to eight of the people, most recent first, each once.
    pub fn sample(&self) -> Vec<&Account> {
        let mut seen: Vec<&Account> = Vec::new();
        for n in &self.notifications {
            if seen.len() == SAMPLE_ACCOUNTS {
                break;
            }
            if !seen.iter().any(|a| a.id == n.from.account.id) {
                seen.push(&n.from.account);
            }
        }
        seen
    }
}

/// A page of groups, and the notification ids it covers (for paging).
pub struct GroupPage {
    pub groups: Vec<Group>,
    pub cursors: Vec<i64>,
}

/// Up to `query.limit` groups of `viewer`'s notifications, newest first.
pub async fn page(
    ctx: &Context,
    viewer: &Account,
    query: &NotificationQuery,
    grouped: &[String],
) -> Result<GroupPage, AppError> {
    let wanted = query.limit.max(1) as usize;
    let mut groups: Vec<Group> = Vec::new();
    let mut cursors = Vec::new();
    let mut next = query.clone();
    next.limit = 80;
    let mut scanned = 0;
    while scanned < MOST_SCANNED {
        let found = notifications::list(ctx, viewer, &next).await?;
        scanned += found.cursors.len() as i64;
        let exhausted = (found.cursors.len() as i64) < next.limit;
        let mut items = found.items.into_iter().peekable();
        for id in &found.cursors {
            // Filtered notifications are not in `items`; their ids still count.
            let Some(view) = items.next_if(|v| v.notification.id == *id) else {
                cursors.push(*id);
                continue;
            };
            let key = group_key(&view.notification, grouped);
            match groups.iter().position(|g| g.key == key) {
                Some(at) => groups[at].notifications.push(view),
                None if groups.len() == wanted => {
                    return Ok(GroupPage { groups, cursors });
                }
                None => groups.push(Group {
                    key,
                    kind: view.notification.kind.clone(),
                    notifications: vec![view],
                }),
            }
            cursors.push(*id);
        }
        match found.cursors.last() {
            Some(last) if !exhausted => next.max_id = Some(*last),
            _ => break,
        }
    }
    Ok(GroupPage { groups, cursors })
}

/// The group with `key`, from `viewer`'s recent notifications.
pub async fn one(
    ctx: &Context,
    viewer: &Account,
    key: &str,
    grouped: &[String],
) -> Result<Group, AppError> {
    let query = NotificationQuery {
        limit: 80,
        ..Default::default()
    };
    let mut found = page(ctx, viewer, &query, grouped).await?.groups;
    found.retain(|g| g.key == key);
    found.pop().ok_or(AppError::NotFound)
}

/// Removes every notification of the group with `key`.
pub async fn dismiss(
    ctx: &Context,
    viewer: &Account,
    key: &str,
    grouped: &[String],
) -> Result<(), AppError> {
    let group = one(ctx, viewer, key, grouped).await?;
    for n in &group.notifications {
        notifications::dismiss(ctx, viewer, n.notification.id).await?;
    }
    Ok(())
}

/// How many notifications (or, `grouped`, groups) came since `viewer`'s
/// notifications marker, at most `cap`.
pub async fn unread_count(
    ctx: &Context,
    viewer: &Account,
    cap: i64,
    grouped: Option<&[String]>,
) -> Result<i64, AppError> {
    let marker = crate::markers::of(ctx, viewer, &["notifications".to_owned()])
        .await?
        .first()
        .map_or(0, |m| m.last_read_id);
    let mut conn = ctx.db.conn().await?;
    let unread = moot_db::notifications::newer_than(&mut conn, viewer.id, marker, cap).await?;
    Ok(match grouped {
        None => unread.len() as i64,
        Some(grouped) => {
            let mut keys: Vec<String> = unread.iter().map(|n| group_key(n, grouped)).collect();
            keys.sort();
            keys.dedup();
            keys.len() as i64
        }
    })
}
