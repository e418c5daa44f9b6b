//! Posts received into this node's groups, stored by the batched writers
//! of `received_posts` with the same rules as one at a time: only members
//! who are not banned may post, never into a closed discussion; each post
//! stored is shared by its group and announced, unchanged, to the group's
//! followers on other nodes (FEP-1b12).
//!
//! A batch reads each rule once for all its posts (one query for where the
//! authors stand, one for closed threads, one for each group's audience)
//! and queues every announcement in one go, in the order the posts came.

use std::collections::HashMap;
use std::sync::Mutex;

use diesel_async::AsyncPgConnection;
use moot_db::accounts::Account;
use moot_db::statuses::Status;
use moot_protocol::notes::RemoteNote;

use crate::groups::Announcing;
use crate::{AppError, Context};

/// The group a received post is made in, and what it announces.
pub(crate) struct InGroup {
    pub group: Account,
    /// The activity as received: the group passes it on unchanged.
    pub activity: serde_json::Value,
}

/// Local accounts by name, once looked up: whether each is a group. A
/// local name and the kind of its account never change, so what is known
/// stays true; the writers check that the group is still there.
#[derive(Default)]
pub(crate) struct LocalGroups(Mutex<HashMap<String, Option<Account>>>);

impl LocalGroups {
    /// The local group `name` (any case), if it is one.
    async fn find(&self, ctx: &Context, name: &str) -> Result<Option<Account>, AppError> {
        let key = name.to_lowercase();
        if let Some(known) = self.0.lock().unwrap().get(&key) {
            return Ok(known.clone());
        }
        let mut conn = ctx.db.conn().await?;
        let Some(account) = moot_db::accounts::find_local_any(&mut conn, name).await? else {
            return Ok(None); // not (yet) a name here: not remembered
        };
        let group = crate::groups::local_group(&mut conn, &account).await?;
        let group = group.map(|_| account);
        self.0.lock().unwrap().insert(key, group.clone());
        Ok(group)
    }

    /// Forgets `name`, found not to be a group any more.
    pub fn forget(&self, name: &str) {
        self.0.lock().unwrap().remove(&name.to_lowercase());
    }
}

/// The local group `note` is made in, if that is all it concerns here:
/// everything it is addressed to on this node is that group (or its
/// followers), and it is not a poll. Posts that also mention people here
/// take the one-at-a-time path, which tells them.
pub(crate) async fn group_of(
    ctx: &Context,
    note: &RemoteNote,
) -> Result<Option<Account>, AppError> {
    if note.kind == "Question" {
        return Ok(None);
    }
    let ours = ctx.urls.base().as_str();
    let mut name: Option<&str> = None;
    let addressees = note.addressees();
    for uri in addressees.iter().filter(|uri| uri.starts_with(ours)) {
        let this = ctx.urls.local_username(uri).or_else(|| {
            let rest = uri.strip_prefix(ours)?.strip_prefix("users/")?;
            rest.strip_suffix("/followers").filter(|n| !n.contains('/'))
        });
        match (this, name) {
            (None, _) => return Ok(None),
            (Some(this), Some(name)) if !this.eq_ignore_ascii_case(name) => return Ok(None),
            (Some(this), _) => name = Some(this),
        }
    }
    match name {
        Some(name) => ctx.received_posts.groups.find(ctx, name).await,
        None => Ok(None),
    }
}

/// Whether each post may be stored: `Ok` for posts not made in a group
/// here, else the group's rules (as `groups::check_can_post` and
/// `statuses::check_thread_open` say them for one post). `None` marks a
/// post whose group is gone, to be taken the one-at-a-time way.
pub(crate) async fn admit(
    conn: &mut AsyncPgConnection,
    posts: &[(Option<&InGroup>, i64, Option<i64>)],
) -> Result<Vec<Option<Result<(), AppError>>>, AppError> {
    let pairs: Vec<(i64, i64)> = posts
        .iter()
        .filter_map(|(group, author, _)| group.map(|g| (g.group.id, *author)))
        .collect();
    if pairs.is_empty() {
        return Ok(posts.iter().map(|_| Some(Ok(()))).collect());
    }
    let mut standings = moot_db::groups::standings(conn, &pairs).await?.into_iter();
    let parents: Vec<i64> = posts
        .iter()
        .filter(|(group, _, _)| group.is_some())
        .filter_map(|(_, _, parent)| *parent)
        .collect();
    let closed = moot_db::moderation::in_locked_threads(conn, &parents).await?;
    Ok(posts
        .iter()
        .map(|(group, _, parent)| {
            let Some(group) = group else {
                return Some(Ok(()));
            };
            let standing = standings.next()?;
            let closed = parent.is_some_and(|p| closed.contains(&p));
            standing.group.then(|| {
                crate::groups::may_post(&group.group, standing).and_then(|()| {
                    if closed {
                        Err(crate::group_moderation::closed())
                    } else {
                        Ok(())
                    }
                })
            })
        })
        .collect())
}

/// What the new posts made in groups bring, in the transaction that stored
/// them: the group's share and mention of each, and its `Announce` to the
/// group's followers, queued in the order the posts came.
pub(crate) async fn after_store(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    created: &[(&Status, &InGroup)],
) -> Result<(), AppError> {
    if created.is_empty() {
        return Ok(());
    }
    // Inserts from here on: their foreign-key checks plan as usual (see
    // `store_planned`). Planned for each row's values, they took a fifth
    // of PostgreSQL's time in a batch of group posts.
    moot_db::plan_as_usual(conn).await?;
    let shares: Vec<(i64, i64)> = created.iter().map(|(s, g)| (g.group.id, s.id)).collect();
    moot_db::statuses::add_group_shares(conn, &shares).await?;
    // The group is mentioned too (apps list it), but not notified.
    let mentions: Vec<(i64, i64)> = shares.iter().map(|(group, post)| (*post, *group)).collect();
    moot_db::statuses::add_mentions_many(conn, &mentions).await?;

    let mut audiences: HashMap<i64, Announcing> = HashMap::new();
    let mut announcements = Vec::new();
    for (_, in_group) in created {
        let group = &in_group.group;
        let announcing = match audiences.entry(group.id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(Announcing::of(conn, group).await?)
            }
        };
        if let Some((id, body, inboxes)) = announcing.announcement(ctx, &in_group.activity) {
            announcements.push((group.id, id, body, inboxes));
        }
    }
    crate::outbound::queue_many(ctx, conn, &announcements).await?;
    Ok(())
}
