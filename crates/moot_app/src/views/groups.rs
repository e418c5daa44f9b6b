//! Groups as people browse them: the groups the node knows (local and
//! remote), a person's own groups, and one group with where the person
//! stands in it.

use moot_db::accounts::{self as account_queries, Account};
use moot_db::groups as queries;

use crate::groups::MembershipMode;
use crate::{AppError, Context};

/// Where a person stands with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    None,
    /// Asked to join; a moderator has not decided yet.
    Requested,
    Member,
    Moderator,
    Owner,
}

impl Membership {
    pub fn is_member(self) -> bool {
        matches!(
            self,
            Membership::Member | Membership::Moderator | Membership::Owner
        )
    }

    pub fn moderates(self) -> bool {
        matches!(self, Membership::Moderator | Membership::Owner)
    }
}

/// A group as listed.
#[derive(Debug, Clone)]
pub struct GroupCard {
    pub account: Account,
    /// How people join it; unknown for some remote groups.
    pub mode: Option<MembershipMode>,
    /// Members this node knows of (all of them, for a local group).
    pub members: i64,
    pub posts: i64,
    pub membership: Membership,
}

impl GroupCard {
    pub fn is_local(&self) -> bool {
        self.account.domain.is_none()
    }

    /// `name` for a local group, `name@host` for another node's.
    pub fn handle(&self) -> String {
        handle_of(&self.account)
    }

    pub fn shown_name(&self) -> &str {
        if self.account.display_name.is_empty() {
            &self.account.username
        } else {
            &self.account.display_name
        }
    }
}

/// How a group is named in this node's addresses: `name` for a local
/// group, `name@host` for another node's.
pub fn handle_of(group: &Account) -> String {
    match &group.domain {
        None => group.username.clone(),
        Some(host) => format!("{}@{host}", group.username),
    }
}

/// Where a person stands from their follow of a group (accepted or not)
/// and their role in it.
fn membership(standing: Option<(bool, Option<String>)>) -> Membership {
    match standing {
        None => Membership::None,
        Some((false, _)) => Membership::Requested,
        Some((true, Some(role))) if role == "owner" => Membership::Owner,
        Some((true, Some(role))) if role == "moderator" => Membership::Moderator,
        Some((true, _)) => Membership::Member,
    }
}

/// Cards for `groups`, with counts and `viewer`'s standing, in few queries.
async fn cards(
    ctx: &Context,
    viewer: Option<&Account>,
    groups: Vec<(Account, Option<String>)>,
) -> Result<Vec<GroupCard>, AppError> {
    let ids: Vec<i64> = groups.iter().map(|(a, _)| a.id).collect();
    let mut conn = ctx.db.conn().await?;
    let counts = account_queries::counts_of(&mut conn, &ids).await?;
    let standing = match viewer {
        Some(viewer) => queries::standing_in(&mut conn, viewer.id, &ids).await?,
        None => Default::default(),
    };
    Ok(groups
        .into_iter()
        .map(|(account, mode)| {
            let (members, _, posts) = counts.get(&account.id).copied().unwrap_or_default();
            let membership = membership(standing.get(&account.id).cloned());
            GroupCard {
                mode: mode.as_deref().and_then(MembershipMode::parse),
                members,
                posts,
                membership,
                account,
            }
        })
        .collect())
}

/// Groups the node knows whose name or description holds `text`.
pub async fn known(
    ctx: &Context,
    viewer: Option<&Account>,
    text: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<GroupCard>, AppError> {
    let text = text.trim();
    AppError::check_length("q", Some(text), 200)?;
    // A group's handle (`name@host`, `@name@host` or Lemmy's `!name@host`)
    // finds it on its node too, for a signed-in person, when it is not
    // known here yet.
    let handle = text.trim_start_matches(['@', '!']);
    if let (Some(_), true) = (viewer, offset == 0 && is_handle(handle)) {
        if let Some(found) = super::search::account_by_handle(ctx, handle, true).await? {
            if found.actor_type == "Group" {
                let mut conn = ctx.db.conn().await?;
                let mode = queries::find(&mut conn, found.id)
                    .await?
                    .map(|g| g.membership_mode);
                drop(conn);
                return cards(ctx, viewer, vec![(found, mode)]).await;
            }
        }
    }
    let mut conn = ctx.db.conn().await?;
    let groups = queries::known(&mut conn, text, limit.clamp(1, 100), offset.max(0)).await?;
    drop(conn);
    cards(ctx, viewer, groups).await
}

/// `name@host`, the way a group on another node is named.
fn is_handle(text: &str) -> bool {
    text.split_once('@').is_some_and(|(name, host)| {
        !name.is_empty() && (host.contains('.') || host.contains(':')) && !host.contains('@')
    })
}

/// The groups `person` belongs to or asked to join, with their standing
/// (read in one query; the counts are left at 0: lists of one's own
/// groups do not show them).
pub async fn of_person(ctx: &Context, person: &Account) -> Result<Vec<GroupCard>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let groups = queries::of_member(&mut conn, person.id).await?;
    Ok(groups
        .into_iter()
        .map(|(account, accepted, mode, role)| GroupCard {
            mode: mode.as_deref().and_then(MembershipMode::parse),
            members: 0,
            posts: 0,
            membership: membership(Some((accepted, role))),
            account,
        })
        .collect())
}

/// One group by its handle (`name`, or `name@host` for another node's).
pub async fn by_handle(
    ctx: &Context,
    viewer: Option<&Account>,
    handle: &str,
) -> Result<GroupCard, AppError> {
    let account = crate::directory::by_acct(ctx, handle)
        .await?
        .filter(|a| a.actor_type == "Group")
        .ok_or(AppError::NotFound)?;
    card_of(ctx, viewer, account).await
}

/// One group by its account id (a post's `group_id`).
pub async fn by_id(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
) -> Result<GroupCard, AppError> {
    let account = Some(crate::directory::by_id(ctx, group_id).await?)
        .filter(|a| a.actor_type == "Group")
        .ok_or(AppError::NotFound)?;
    card_of(ctx, viewer, account).await
}

async fn card_of(
    ctx: &Context,
    viewer: Option<&Account>,
    account: Account,
) -> Result<GroupCard, AppError> {
    let mut conn = ctx.db.conn().await?;
    let mode = queries::modes(&mut conn, &[account.id])
        .await?
        .remove(&account.id);
    drop(conn);
    cards(ctx, viewer, vec![(account, mode)])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}
