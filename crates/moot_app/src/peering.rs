//! Peering between two nodes, decided by both admins.
//!
//! On the wire a peering is two ordinary follows between the nodes'
//! instance actors: A proposes by following B's instance actor; B's admin
//! accepts (an `Accept`, and B's own `Follow` of A, which A accepts at once)
//! or declines (a `Reject`). Either side ends it with an `Undo` of its
//! follow and a `Reject` of the other's. While A waits for B, and while
//! they are peered, the federation policy lets B through as if allowed
//! (a block still wins); in allow-list mode the peering also puts B on the
//! allow-list, and its end takes it off again unless the admin keeps it.
//! Every step is in the audit log, with `node:<domain>` as the actor when
//! the other node caused it.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::domain_rules::Mode;
use moot_db::peerings as store;
pub use moot_db::peerings::Peering;
use moot_protocol::activities::{self, FollowAnswer};
use serde_json::json;
use url::Url;

use crate::audit::Who;
use crate::domain_policy;
use crate::error::AppError;
use crate::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// This node asked and waits for the answer.
    Proposed,
    /// The other node asked; this node's admin has not answered.
    Received,
    Active,
    Declined,
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Received => "received",
            Status::Active => "active",
            Status::Declined => "declined",
            Status::Removed => "removed",
        }
    }

    fn of(row: &Peering) -> Status {
        match row.status.as_str() {
            "proposed" => Status::Proposed,
            "received" => Status::Received,
            "active" => Status::Active,
            "declined" => Status::Declined,
            _ => Status::Removed,
        }
    }
}

/// The longest message a proposal carries.
pub const MAX_MESSAGE: usize = 1_000;
/// Most proposals waiting for this node's admin; more are refused until
/// some are answered (so a flood of proposals cannot grow the table).
const MAX_WAITING: i64 = 100;

/// A proposal (a `Follow` of this node's instance actor) as received.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub domain: String,
    /// Their instance actor, and the inbox answers go to.
    pub actor: Url,
    pub inbox: Url,
    pub follow: Url,
    pub message: String,
}

/// The audit log's name for another node acting.
fn node(domain: &str) -> Who {
    Who(format!("node:{domain}"))
}

/// A peering's other node: not this one, and not blocked.
fn check_other_node(ctx: &Context, domain: &str) -> Result<Url, AppError> {
    if domain.eq_ignore_ascii_case(&ctx.urls.authority()) {
        return Err(AppError::invalid(
            "domain",
            "this is this node's own domain",
        ));
    }
    let url = Url::parse(&format!("https://{domain}/"))
        .map_err(|_| AppError::invalid("domain", "not a domain"))?;
    if ctx.policy.blocks(&url) {
        return Err(AppError::Forbidden(format!(
            "{domain} is blocked; a block wins over a peering"
        )));
    }
    Ok(url)
}

fn clean_message(message: &str) -> Result<String, AppError> {
    let message = message.trim();
    AppError::check_length("message", Some(message), MAX_MESSAGE)?;
    Ok(message.to_owned())
}

/// Writes the row and tells every process's policy that it changed.
async fn save(conn: &mut AsyncPgConnection, row: &Peering) -> Result<(), AppError> {
    store::save(conn, row).await?;
    moot_db::domain_rules::notify_changed(conn).await?;
    Ok(())
}

async fn audit(
    conn: &mut AsyncPgConnection,
    who: &Who,
    action: &str,
    row: &Peering,
) -> Result<(), AppError> {
    let details = json!({"status": row.status, "message": row.message});
    crate::audit::record(conn, who, action, &row.domain, details, "").await
}

/// Proposes peering with `domain`: finds its instance actor and follows it.
/// A proposal `domain` already sent here is accepted instead.
pub async fn propose(
    ctx: &Context,
    who: &Who,
    domain: &str,
    message: &str,
) -> Result<Peering, AppError> {
    let domain = domain_policy::parse_domain(domain)?;
    check_other_node(ctx, &domain)?;
    let message = clean_message(message)?;
    let mut conn = ctx.db.conn().await?;
    let before = store::get(&mut conn, &domain).await?;
    match before.as_ref().map(Status::of) {
        Some(Status::Received) => {
            drop(conn);
            return accept(ctx, who, &domain).await;
        }
        Some(Status::Active) => {
            return Err(AppError::conflict(format!("already peered with {domain}")))
        }
        _ => {}
    }
    // Let the other node (its actor, its answer) through while we wait.
    let mut row = before
        .clone()
        .unwrap_or_else(|| Peering::new(&domain, true));
    row.status = Status::Proposed.as_str().into();
    row.proposed_by_us = true;
    row.message = message;
    save(&mut conn, &row).await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;

    let actor = match find_instance_actor(ctx, &domain).await {
        Ok(actor) => actor,
        Err(e) => {
            let mut conn = ctx.db.conn().await?;
            match &before {
                Some(before) => save(&mut conn, before).await?,
                None => store::delete(&mut conn, &domain).await?,
            }
            drop(conn);
            ctx.policy.reload(&ctx.db).await?;
            return Err(e);
        }
    };
    let mut conn = ctx.db.conn().await?;
    let row = conn
        .transaction::<_, AppError, _>(async |conn| {
            row.actor_uri = Some(actor.0.to_string());
            row.inbox = Some(actor.1.to_string());
            send_follow(ctx, conn, &mut row).await?;
            save(conn, &row).await?;
            audit(conn, who, "peer_request", &row).await?;
            Ok(row)
        })
        .await?;
    Ok(row)
}

/// Another node's instance actor (its id and inbox), by WebFinger
/// (`host@host`, as Mastodon and Moot both answer).
async fn find_instance_actor(ctx: &Context, domain: &str) -> Result<(Url, Url), AppError> {
    let unreachable =
        |why: String| AppError::invalid("domain", format!("could not reach {domain}: {why}"));
    let remote = ctx
        .remote
        .get()
        .ok_or_else(|| unreachable("this process does not fetch from other nodes".into()))?;
    let handle = format!("{domain}@{domain}");
    let account = remote
        .account_by_handle(&handle)
        .await
        .map_err(unreachable)?;
    if !matches!(account.actor_type.as_str(), "Application" | "Service") {
        return Err(unreachable(format!(
            "{handle} is a {}, not a node's instance actor",
            account.actor_type
        )));
    }
    let id = account.ap_id.as_deref().and_then(|u| Url::parse(u).ok());
    let inbox = account
        .shared_inbox_url
        .as_deref()
        .or(account.inbox_url.as_deref())
        .and_then(|u| Url::parse(u).ok());
    match (id, inbox) {
        (Some(id), Some(inbox)) => Ok((id, inbox)),
        _ => Err(unreachable("its instance actor has no inbox".into())),
    }
}

fn their_inbox(row: &Peering) -> Result<Url, AppError> {
    row.inbox
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .ok_or_else(|| AppError::conflict(format!("no inbox is known for {}", row.domain)))
}

fn their_actor(row: &Peering) -> Result<Url, AppError> {
    row.actor_uri
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .ok_or_else(|| AppError::conflict(format!("no instance actor is known for {}", row.domain)))
}

/// Queues our instance actor's `Follow` of theirs (a new one each time).
async fn send_follow(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    row: &mut Peering,
) -> Result<(), AppError> {
    let id = ctx.urls.new_activity();
    let mut follow = activities::follow(&id, &ctx.urls.instance_actor(), &their_actor(row)?);
    if !row.message.is_empty() && row.proposed_by_us {
        follow["content"] = row.message.clone().into();
    }
    send(ctx, conn, row, &follow).await?;
    row.our_follow = Some(id.to_string());
    Ok(())
}

/// Queues our `Accept` or `Reject` of their instance actor's follow.
async fn answer_their_follow(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    row: &Peering,
    answer: FollowAnswer,
) -> Result<(), AppError> {
    let Some(follow) = row.their_follow.as_deref().and_then(|u| Url::parse(u).ok()) else {
        return Ok(());
    };
    let activity = activities::answer_follow(
        answer,
        &ctx.urls.new_activity(),
        &ctx.urls.instance_actor(),
        &follow,
        &their_actor(row)?,
    );
    send(ctx, conn, row, &activity).await
}

async fn send(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    row: &Peering,
    activity: &serde_json::Value,
) -> Result<(), AppError> {
    let id = activity["id"].as_str().unwrap_or_default();
    let inbox = their_inbox(row)?;
    crate::outbound::queue_as_node(ctx, conn, id, &activity.to_string(), &[inbox]).await?;
    Ok(())
}

/// Makes the peering active: on the allow-list in allow-list mode.
async fn activate(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    who: &Who,
    row: &mut Peering,
) -> Result<(), AppError> {
    row.status = Status::Active.as_str().into();
    row.active_since.get_or_insert_with(chrono::Utc::now);
    if domain_policy::mode(ctx) == Mode::Allowlist && !row.allow_added {
        let (_, added) = domain_policy::allow_in(conn, who, &row.domain).await?;
        row.allow_added = added;
    }
    Ok(())
}

/// Ends an active peering (or a proposal) here: off the allow-list if the
/// peering put it there and `keep_allow` is not asked, and its directory
/// forgotten.
async fn end(
    conn: &mut AsyncPgConnection,
    who: &Who,
    row: &mut Peering,
    keep_allow: bool,
) -> Result<(), AppError> {
    row.status = Status::Removed.as_str().into();
    row.active_since = None;
    if row.allow_added && !keep_allow {
        if let Some(allow) = moot_db::domain_rules::local_allow(conn, &row.domain).await? {
            moot_db::domain_rules::delete_allow(conn, allow.id).await?;
            crate::audit::record(
                conn,
                who,
                "remove_allow",
                &row.domain,
                json!({}),
                "peering ended",
            )
            .await?;
        }
    }
    row.allow_added = false;
    store::clear_directory(conn, &row.domain).await?;
    Ok(())
}

/// What this node's admin decides about a peering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Accept,
    Decline,
    /// End it (or withdraw a proposal), keeping the allow entry or not.
    Remove {
        keep_allow: bool,
    },
}

/// Applies an admin's decision on the peering with `domain` in one
/// transaction, then puts the policy it leaves in force in this process.
async fn decide(
    ctx: &Context,
    who: &Who,
    domain: &str,
    decision: Decision,
) -> Result<Peering, AppError> {
    let domain = domain_policy::parse_domain(domain)?;
    if decision == Decision::Accept {
        check_other_node(ctx, &domain)?;
    }
    let mut conn = ctx.db.conn().await?;
    let row = conn
        .transaction::<_, AppError, _>(async |conn| {
            let mut row = store::get(conn, &domain).await?.ok_or(AppError::NotFound)?;
            apply(ctx, conn, who, decision, &mut row).await?;
            save(conn, &row).await?;
            Ok(row)
        })
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(row)
}

async fn apply(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    who: &Who,
    decision: Decision,
    row: &mut Peering,
) -> Result<(), AppError> {
    let status = Status::of(row);
    let waiting = status == Status::Received;
    let conflict =
        |what: &str| AppError::conflict(format!("{} {what} (it is {})", row.domain, row.status));
    match decision {
        Decision::Accept | Decision::Decline if !waiting => {
            Err(conflict("has no proposal waiting"))
        }
        Decision::Remove { .. } if !matches!(status, Status::Active | Status::Proposed) => {
            Err(conflict("is not peered"))
        }
        Decision::Accept => {
            activate(ctx, conn, who, row).await?;
            answer_their_follow(ctx, conn, row, FollowAnswer::Accept).await?;
            send_follow(ctx, conn, row).await?;
            audit(conn, who, "peer_accept", row).await
        }
        Decision::Decline => {
            row.status = Status::Declined.as_str().into();
            answer_their_follow(ctx, conn, row, FollowAnswer::Reject).await?;
            audit(conn, who, "peer_decline", row).await
        }
        Decision::Remove { keep_allow } => {
            if let Some(follow) = row.our_follow.as_deref().and_then(|u| Url::parse(u).ok()) {
                let them = their_actor(row)?;
                let ours = activities::follow(&follow, &ctx.urls.instance_actor(), &them);
                let undo = activities::undo(
                    &ctx.urls.new_activity(),
                    &ctx.urls.instance_actor(),
                    ours,
                    &[&them],
                );
                send(ctx, conn, row, &undo).await?;
            }
            answer_their_follow(ctx, conn, row, FollowAnswer::Reject).await?;
            end(conn, who, row, keep_allow).await?;
            audit(conn, who, "peer_remove", row).await
        }
    }
}

/// This node's admin accepts a proposal: `Accept`, and a follow back.
pub async fn accept(ctx: &Context, who: &Who, domain: &str) -> Result<Peering, AppError> {
    decide(ctx, who, domain, Decision::Accept).await
}

/// This node's admin declines a proposal: a `Reject`.
pub async fn decline(ctx: &Context, who: &Who, domain: &str) -> Result<Peering, AppError> {
    decide(ctx, who, domain, Decision::Decline).await
}

/// This node's admin ends a peering (or withdraws a proposal): `Undo` of
/// our follow, `Reject` of theirs.
pub async fn remove(
    ctx: &Context,
    who: &Who,
    domain: &str,
    keep_allow: bool,
) -> Result<Peering, AppError> {
    decide(ctx, who, domain, Decision::Remove { keep_allow }).await
}

/// A proposal from another node. Kept for the admin, or accepted at once
/// when this node proposed too (or is peered already).
pub async fn receive_proposal(ctx: &Context, proposal: Proposal) -> Result<(), AppError> {
    check_other_node(ctx, &proposal.domain)?;
    let message: String = proposal.message.trim().chars().take(MAX_MESSAGE).collect();
    let who = node(&proposal.domain);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let before = store::get(conn, &proposal.domain).await?;
        let mut row = before
            .clone()
            .unwrap_or_else(|| Peering::new(&proposal.domain, false));
        row.actor_uri = Some(proposal.actor.to_string());
        row.inbox = Some(proposal.inbox.to_string());
        row.their_follow = Some(proposal.follow.to_string());
        match Status::of(&row) {
            Status::Proposed | Status::Active => {
                // Both admins agreed: the answer needs no one.
                activate(ctx, conn, &who, &mut row).await?;
                answer_their_follow(ctx, conn, &row, FollowAnswer::Accept).await?;
                audit(conn, &who, "peer_accepted", &row).await?;
            }
            Status::Received => {}
            Status::Declined | Status::Removed => {
                receive_new(conn, &who, &mut row, message).await?
            }
        }
        save(conn, &row).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(())
}

async fn receive_new(
    conn: &mut AsyncPgConnection,
    who: &Who,
    row: &mut Peering,
    message: String,
) -> Result<(), AppError> {
    if store::waiting_count(conn).await? >= MAX_WAITING {
        return Err(AppError::Busy);
    }
    row.status = Status::Received.as_str().into();
    row.proposed_by_us = false;
    row.message = message;
    row.our_follow = None;
    audit(conn, who, "peer_proposal", row).await
}

/// What the other node said about one of the two follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heard {
    /// `Accept` (true) or `Reject` of our follow.
    Answer(bool),
    /// `Undo` of theirs.
    Undo,
}

/// The other node's `Accept` or `Reject` of our instance actor's follow
/// (`follow`). False when that follow is no peering's.
pub async fn receive_answer(
    ctx: &Context,
    domain: &str,
    follow: &Url,
    accepted: bool,
) -> Result<bool, AppError> {
    receive_about_follow(ctx, domain, follow, Heard::Answer(accepted)).await
}

/// The other node's `Undo` of its follow (`follow`): the peering, or its
/// proposal, ends. False when that follow is no peering's.
pub async fn receive_undo(ctx: &Context, domain: &str, follow: &Url) -> Result<bool, AppError> {
    receive_about_follow(ctx, domain, follow, Heard::Undo).await
}

async fn receive_about_follow(
    ctx: &Context,
    domain: &str,
    follow: &Url,
    heard: Heard,
) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let found = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(mut row) = store::by_follow(conn, follow.as_str()).await? else {
                return Ok(false);
            };
            // Only the node the peering is with speaks for it.
            if !row.domain.eq_ignore_ascii_case(domain) {
                return Err(AppError::Forbidden(
                    "this peering is with another node".into(),
                ));
            }
            let before = row.clone();
            let who = node(domain);
            let ours = row.our_follow.as_deref() == Some(follow.as_str());
            match (heard, Status::of(&row)) {
                (Heard::Answer(true), Status::Proposed) if ours => {
                    activate(ctx, conn, &who, &mut row).await?;
                    audit(conn, &who, "peer_accepted", &row).await?;
                }
                (Heard::Answer(false), Status::Proposed) if ours => {
                    row.status = Status::Declined.as_str().into();
                    audit(conn, &who, "peer_declined", &row).await?;
                }
                (Heard::Answer(false), Status::Active) if ours => {
                    end(conn, &who, &mut row, false).await?;
                    audit(conn, &who, "peer_removed", &row).await?;
                }
                (Heard::Undo, Status::Active | Status::Received) if !ours => {
                    end(conn, &who, &mut row, false).await?;
                    audit(conn, &who, "peer_removed", &row).await?;
                }
                _ => {}
            }
            if row != before {
                save(conn, &row).await?;
            }
            Ok(true)
        })
        .await?;
    drop(conn);
    if found {
        ctx.policy.reload(&ctx.db).await?;
    }
    Ok(found)
}

/// Every peering, newest change first.
pub async fn list(ctx: &Context) -> Result<Vec<Peering>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::list(&mut conn).await?)
}

pub fn is_active(row: &Peering) -> bool {
    Status::of(row) == Status::Active
}

/// A peer as the admin sees it: the peering, what the policy makes of it,
/// how fresh its directory is and how well it takes deliveries.
#[derive(Debug, Clone)]
pub struct PeerView {
    pub peering: Peering,
    /// The status, or `blocked` when a block overrides an active peering.
    pub state: &'static str,
    /// Groups and people its directory lists.
    pub listed: i64,
    pub delivery: Option<crate::delivery_health::PeerHealth>,
}

/// Every peering, newest change first, as the admin sees it.
pub async fn views(ctx: &Context) -> Result<Vec<PeerView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let rows = store::list(&mut conn).await?;
    let listed = store::listed_counts(&mut conn).await?;
    drop(conn);
    let mut health = crate::delivery_health::peers(ctx).await?;
    Ok(rows
        .into_iter()
        .map(|peering| {
            let blocked = Url::parse(&format!("https://{}/", peering.domain))
                .is_ok_and(|u| ctx.policy.blocks(&u));
            let state = match Status::of(&peering) {
                Status::Active if blocked => "blocked",
                status => status.as_str(),
            };
            let delivery = health
                .iter()
                .position(|h| h.status.domain == peering.domain)
                .map(|i| health.swap_remove(i));
            PeerView {
                listed: listed.get(&peering.domain).copied().unwrap_or(0),
                state,
                delivery,
                peering,
            }
        })
        .collect())
}

/// Applies the retention setting and the per-peer budget to what peers'
/// groups published here (see `federation.peered_retention_days`).
/// Returns how many things went.
pub async fn prune_peered(ctx: &Context) -> Result<i64, AppError> {
    let federation = &ctx.settings.federation;
    let before = (federation.peered_retention_days > 0).then(|| {
        chrono::Utc::now() - chrono::Duration::days(federation.peered_retention_days.into())
    });
    let budget = i64::from(federation.peered_budget_mib) * 1024 * 1024;
    let mut conn = ctx.db.conn().await?;
    let mut gone = 0;
    for peer in store::all_domains(&mut conn).await? {
        gone += store::prune_peered(&mut conn, &peer, before, budget).await?;
    }
    Ok(gone)
}

/// Prunes peered content every hour, in the background.
pub fn spawn_pruner(ctx: Context) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            match prune_peered(&ctx).await {
                Ok(0) => {}
                Ok(gone) => tracing::info!(gone, "peered content past its retention removed"),
                Err(e) => tracing::warn!(error = %e, "pruning peered content failed"),
            }
        }
    })
}
