//! Communities of practice as FEP-1b12 groups: creating them, deciding join
//! requests, and the rule for posting in them, which is the same for local
//! and remote authors.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::identifiers;
use moot_db::accounts::{self as account_queries, Account};
use moot_db::follows;
use moot_db::groups::{self as queries, Group};
use moot_protocol::activities::{self, FollowAnswer};

use crate::views::rules::Standing;
use crate::{keys, AppError, Context};

/// How people join a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipMode {
    /// Following is joining.
    Open,
    /// A moderator accepts or rejects each request.
    Approval,
    /// Approval, and the group's content is for members only.
    Private,
}

impl MembershipMode {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "open" => MembershipMode::Open,
            "approval" => MembershipMode::Approval,
            "private" => MembershipMode::Private,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MembershipMode::Open => "open",
            MembershipMode::Approval => "approval",
            MembershipMode::Private => "private",
        }
    }
}

/// Creates a local group owned by `owner_username`, who is its first member.
pub async fn create(
    ctx: &Context,
    name: &str,
    owner_username: &str,
    mode: MembershipMode,
) -> Result<Account, AppError> {
    let name = identifiers::normalize_username(name)
        .map_err(|e| AppError::invalid("name", e.to_string()))?;
    let (owner, _) = crate::accounts::find_local(&ctx.db, owner_username)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "owner",
                format!("no local person is called `{owner_username}`"),
            )
        })?;
    let pair = keys::generate().await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let group = queries::insert_local(
            conn,
            &name,
            &name,
            mode.as_str(),
            &pair.public_pem,
            &pair.private_pem,
            owner.id,
        )
        .await?
        .ok_or_else(|| AppError::AlreadyExists(format!("the name `{name}` is already taken")))?;
        let join = ctx.urls.new_activity();
        follows::insert_or_get(conn, owner.id, group.id, join.as_str(), true).await?;
        Ok(group)
    })
    .await
}

/// The group behind an account, if it is one of ours.
pub async fn local_group(
    conn: &mut AsyncPgConnection,
    account: &Account,
) -> Result<Option<Group>, AppError> {
    if account.domain.is_some() || account.actor_type != "Group" {
        return Ok(None);
    }
    Ok(queries::find(conn, account.id).await?)
}

/// The membership mode of a group, local or remote (as it publishes it).
pub async fn mode_of(
    conn: &mut AsyncPgConnection,
    group: &Account,
) -> Result<Option<MembershipMode>, AppError> {
    Ok(queries::find(conn, group.id)
        .await?
        .and_then(|g| MembershipMode::parse(&g.membership_mode)))
}

/// The group (local or remote) with this account id, or NotFound.
pub async fn group_by_id(conn: &mut AsyncPgConnection, id: i64) -> Result<Account, AppError> {
    account_queries::find_by_id(conn, id)
        .await?
        .filter(|a| a.actor_type == "Group")
        .ok_or(AppError::NotFound)
}

/// One of our groups by name, if `viewer` may see its content (else
/// NotFound, as for a group that does not exist).
pub(crate) async fn local_group_by_name(
    conn: &mut AsyncPgConnection,
    name: &str,
    viewer: Option<&Account>,
) -> Result<Account, AppError> {
    let group = account_queries::find_local_any(conn, name)
        .await?
        .filter(|a| a.actor_type == "Group")
        .ok_or(AppError::NotFound)?;
    check_can_see_content(conn, &group, viewer).await?;
    Ok(group)
}

/// Whether `who` is a member: their request to join was accepted.
pub async fn is_member(
    conn: &mut AsyncPgConnection,
    group: &Account,
    who: &Account,
) -> Result<bool, AppError> {
    Ok(follows::find(conn, who.id, group.id)
        .await?
        .is_some_and(|f| f.accepted))
}

/// Whether `viewer` may see what is kept in a group (its wiki, library,
/// events): anyone, unless the group is private; then its members (and
/// another node's instance actor fetching for members there). NotFound
/// otherwise: private content is not said to exist.
pub async fn check_can_see_content(
    conn: &mut AsyncPgConnection,
    group: &Account,
    viewer: Option<&Account>,
) -> Result<(), AppError> {
    let mode = queries::find(conn, group.id)
        .await?
        .and_then(|g| MembershipMode::parse(&g.membership_mode));
    let private = mode == Some(MembershipMode::Private);
    let mut standing = Standing {
        signed_in: viewer.is_some(),
        ..Standing::default()
    };
    if let (true, Some(viewer)) = (private, viewer) {
        standing.in_audience = is_member(conn, group, viewer).await?
            || queries::role_of(conn, group.id, viewer.id).await?.is_some()
            || match (&viewer.domain, viewer.actor_type.as_str()) {
                // Another node's instance actor fetching for members there.
                (Some(domain), "Application" | "Service") => {
                    follows::has_follower_on(conn, group.id, domain).await?
                }
                _ => false,
            };
    }
    match crate::views::rules::may_see_group_content(private, standing) {
        true => Ok(()),
        // Private content is not said to exist.
        false => Err(AppError::NotFound),
    }
}

/// May `author` post in `group`? Members who are not banned may.
pub async fn check_can_post(
    conn: &mut AsyncPgConnection,
    group: &Account,
    author: &Account,
) -> Result<(), AppError> {
    let standing = queries::standings(conn, &[(group.id, author.id)]).await?;
    match standing.first() {
        Some(standing) => may_post(group, *standing),
        None => Err(AppError::NotFound),
    }
}

/// Whether someone standing so in `group` may post in it: members who
/// are not banned.
pub(crate) fn may_post(group: &Account, standing: queries::Standing) -> Result<(), AppError> {
    if standing.banned {
        return Err(AppError::Forbidden("you are banned from this group".into()));
    }
    if !standing.member {
        return Err(AppError::Forbidden(format!(
            "only members can post in {}",
            group.username
        )));
    }
    Ok(())
}

/// The local group among `uris` (a post's audience, addressees and
/// mentions), if any.
pub async fn find_addressed(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    uris: &[String],
) -> Result<Option<Account>, AppError> {
    for uri in uris {
        let Some(name) = ctx.urls.local_username(uri) else {
            continue;
        };
        if let Some(account) = find_local_account(conn, name).await? {
            if local_group(conn, &account).await?.is_some() {
                return Ok(Some(account));
            }
        }
    }
    Ok(None)
}

/// A local account of any kind (person or group) by name.
async fn find_local_account(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> Result<Option<Account>, AppError> {
    Ok(account_queries::find_local_any(conn, name).await?)
}

/// The group re-distributes an activity made in it, unchanged inside an
/// `Announce`, to its followers on other nodes (FEP-1b12).
pub async fn announce(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    activity: &serde_json::Value,
) -> Result<(), AppError> {
    let announcing = Announcing::of(conn, group).await?;
    if let Some((id, body, inboxes)) = announcing.announcement(ctx, activity) {
        crate::outbound::queue(ctx, conn, group.id, &id, &body, &inboxes).await?;
    }
    Ok(())
}

/// What a local group needs to announce activities made in it: where its
/// followers are and whether it is private. Read once for many
/// announcements (a batch of received posts).
pub(crate) struct Announcing {
    username: String,
    inboxes: Vec<url::Url>,
    private: bool,
}

impl Announcing {
    pub async fn of(conn: &mut AsyncPgConnection, group: &Account) -> Result<Self, AppError> {
        Ok(Announcing {
            username: group.username.clone(),
            inboxes: crate::outbound::follower_inboxes(conn, group.id).await?,
            private: mode_of(conn, group).await? == Some(MembershipMode::Private),
        })
    }

    /// The group's `Announce` of `activity` (its id and body) and the
    /// inboxes it goes to; none when nobody is to be told.
    pub fn announcement(
        &self,
        ctx: &Context,
        activity: &serde_json::Value,
    ) -> Option<(String, String, Vec<url::Url>)> {
        // The server the activity came from has it already, and some (Lemmy)
        // refuse to be sent their own activity back.
        let origin = moot_protocol::notes::ids(&activity["actor"])
            .first()
            .and_then(|actor| url::Url::parse(actor).ok())
            .filter(|actor| actor.origin() != ctx.urls.base().origin());
        let inboxes: Vec<url::Url> = self
            .inboxes
            .iter()
            .filter(|inbox| origin.as_ref().is_none_or(|o| inbox.origin() != o.origin()))
            .cloned()
            .collect();
        if inboxes.is_empty() {
            return None;
        }
        let group_uri = ctx.urls.person(&self.username);
        let followers = ctx.urls.person_collection(&self.username, "followers");
        let mut inner = activity.clone();
        if let Some(map) = inner.as_object_mut() {
            map.remove("@context");
        }
        let id = ctx.urls.new_activity();
        let announce = activities::announce(&id, &group_uri, &followers, &inner, self.private);
        Some((id.to_string(), announce.to_string(), inboxes))
    }
}

/// Requests to join a group, for its moderators.
pub async fn pending_requests(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    Ok(follows::pending(&mut conn, group_id)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

pub(crate) async fn require_moderator(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    who: &Account,
) -> Result<(), AppError> {
    match queries::role_of(conn, group_id, who.id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::Forbidden(
            "only the group's owner and moderators can do this".into(),
        )),
    }
}

/// A moderator accepts or rejects a request to join; the answer goes to the
/// requester's node in the same transaction.
pub async fn answer_request(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    requester_id: i64,
    answer: FollowAnswer,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    let group = account_queries::find_by_id(&mut conn, group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    crate::follows::answer_request(ctx, &group, requester_id, answer).await
}

/// A moderator bans someone from a group: their membership ends, their
/// posts in it are refused, and a new request to join is rejected.
pub async fn ban(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    banned_id: i64,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    if queries::role_of(&mut conn, group_id, banned_id)
        .await?
        .as_deref()
        == Some("owner")
    {
        return Err(AppError::Forbidden("the owner cannot be banned".into()));
    }
    account_queries::find_by_id(&mut conn, banned_id)
        .await?
        .ok_or(AppError::NotFound)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::ban(conn, group_id, banned_id).await?;
        if let Some(membership) = follows::find(conn, banned_id, group_id).await? {
            follows::delete(conn, membership.id).await?;
        }
        Ok(())
    })
    .await
}

/// The owner makes a local member a moderator.
pub async fn appoint_moderator(
    ctx: &Context,
    owner: &Account,
    group_id: i64,
    member_id: i64,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    if queries::role_of(&mut conn, group_id, owner.id)
        .await?
        .as_deref()
        != Some("owner")
    {
        return Err(AppError::Forbidden(
            "only the group's owner can appoint moderators".into(),
        ));
    }
    let member = account_queries::find_by_id(&mut conn, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.domain.is_some() {
        return Err(AppError::invalid(
            "account_id",
            "moderators of a group are people of its node",
        ));
    }
    let is_member = follows::find(&mut conn, member.id, group_id)
        .await?
        .is_some_and(|f| f.accepted);
    if !is_member {
        return Err(AppError::invalid(
            "account_id",
            "only members can become moderators",
        ));
    }
    if queries::role_of(&mut conn, group_id, member.id)
        .await?
        .as_deref()
        == Some("owner")
    {
        return Ok(());
    }
    Ok(queries::set_role(&mut conn, group_id, member.id, "moderator").await?)
}

/// A local group as its members and moderators see it.
pub struct GroupView {
    pub account: Account,
    pub mode: MembershipMode,
    pub members: i64,
    pub moderators: Vec<Account>,
}

/// One of this node's groups; NotFound for anything else.
async fn own_group(
    conn: &mut AsyncPgConnection,
    group_id: i64,
) -> Result<(Account, MembershipMode), AppError> {
    let account = account_queries::find_by_id(conn, group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let group = local_group(conn, &account)
        .await?
        .ok_or(AppError::NotFound)?;
    let mode = MembershipMode::parse(&group.membership_mode).unwrap_or(MembershipMode::Approval);
    Ok((account, mode))
}

/// A local group, its mode, member count and moderators.
pub async fn view(ctx: &Context, group_id: i64) -> Result<GroupView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (account, mode) = own_group(&mut conn, group_id).await?;
    let counts = account_queries::counts_of(&mut conn, &[group_id]).await?;
    let moderators = queries::moderators(&mut conn, group_id).await?;
    Ok(GroupView {
        members: counts.get(&group_id).map_or(0, |c| c.0),
        account,
        mode,
        moderators,
    })
}

/// What a moderator may change about a group.
#[derive(Debug, Default)]
pub struct GroupChange {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mode: Option<MembershipMode>,
}

/// Longest group display name and description, in characters.
const MAX_DISPLAY_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 5000;

/// A moderator changes a local group's display name, description or mode;
/// the group's followers elsewhere are sent the group as it now is.
pub async fn change(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    change: GroupChange,
) -> Result<GroupView, AppError> {
    AppError::check_length(
        "display_name",
        change.display_name.as_deref(),
        MAX_DISPLAY_NAME,
    )?;
    AppError::check_length(
        "description",
        change.description.as_deref(),
        MAX_DESCRIPTION,
    )?;
    let mut conn = ctx.db.conn().await?;
    own_group(&mut conn, group_id).await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    // Descriptions are shown as HTML: what the moderator wrote, as text.
    let description = change
        .description
        .as_deref()
        .map(moot_core::text::render_markdown);
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::update_local(
            conn,
            group_id,
            change.display_name.as_deref(),
            description.as_deref(),
            change.mode.map(MembershipMode::as_str),
        )
        .await?;
        let (group, mode) = own_group(conn, group_id).await?;
        let actor = moot_protocol::actor::group(
            &ctx.urls,
            &crate::profiles::actor_profile(&group),
            mode.as_str(),
        );
        crate::outbound::update_actor(ctx, conn, &group, &actor).await
    })
    .await?;
    drop(conn);
    view(ctx, group_id).await
}

/// A member's role in a group.
pub fn role_name(role: Option<&str>) -> &'static str {
    match role {
        Some("owner") => "owner",
        Some("moderator") => "moderator",
        _ => "member",
    }
}

/// A page of a group's members with their roles; a private group's only
/// to its members.
pub async fn members(
    ctx: &Context,
    viewer: &Account,
    group_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, Account, &'static str)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (_, mode) = own_group(&mut conn, group_id).await?;
    if mode == MembershipMode::Private {
        let member = follows::find(&mut conn, viewer.id, group_id)
            .await?
            .is_some_and(|f| f.accepted);
        if !member {
            return Err(AppError::NotFound);
        }
    }
    Ok(queries::members_page(&mut conn, group_id, max_id, limit)
        .await?
        .into_iter()
        .map(|(cursor, account, role)| (cursor, account, role_name(role.as_deref())))
        .collect())
}

/// The owner makes a member a moderator or a moderator a member again.
pub async fn set_role(
    ctx: &Context,
    owner: &Account,
    group_id: i64,
    member_id: i64,
    moderator: bool,
) -> Result<(Account, &'static str), AppError> {
    if moderator {
        appoint_moderator(ctx, owner, group_id, member_id).await?;
    } else {
        let mut conn = ctx.db.conn().await?;
        if queries::role_of(&mut conn, group_id, owner.id)
            .await?
            .as_deref()
            != Some("owner")
        {
            return Err(AppError::Forbidden(
                "only the group's owner can change roles".into(),
            ));
        }
        queries::remove_moderator(&mut conn, group_id, member_id).await?;
    }
    let mut conn = ctx.db.conn().await?;
    let member = account_queries::find_by_id(&mut conn, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = queries::role_of(&mut conn, group_id, member_id).await?;
    Ok((member, role_name(role.as_deref())))
}

/// Who is banned from a group, for its moderators.
pub async fn bans(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
) -> Result<Vec<Account>, AppError> {
    let mut conn = ctx.db.conn().await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    Ok(queries::banned(&mut conn, group_id).await?)
}

/// A moderator lifts a ban; the person may ask to join again.
pub async fn unban(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    banned_id: i64,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    require_moderator(&mut conn, group_id, moderator).await?;
    queries::unban(&mut conn, group_id, banned_id).await?;
    Ok(())
}

/// The usernames of a local group's moderators, its owner included.
pub async fn moderator_names(ctx: &Context, group: &Account) -> Result<Vec<String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::groups::moderator_names(&mut conn, group.id).await?)
}
