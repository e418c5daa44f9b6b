//! Polls, as Mastodon makes and federates them: a post of type `Question`
//! with its options as `oneOf` (one choice) or `anyOf` (several). A vote is
//! a `Create` of a `Note` named after the option, in reply to the poll,
//! sent to its author only (one per option chosen). The poll's node counts
//! the votes and sends the post again (`Update`) with the totals.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::polls::{self as queries, Poll};
use moot_db::statuses::Status;
use moot_protocol::notes::RemoteNote;
use serde_json::Value;
use url::Url;

use crate::follows::{actor_id, inbox_of};
use crate::{AppError, Context};

/// As Mastodon's defaults, which clients read from the instance document.
pub const MAX_OPTIONS: usize = 4;
pub const MAX_OPTION_CHARS: usize = 50;
pub const MIN_EXPIRATION: i64 = 300;
pub const MAX_EXPIRATION: i64 = 2_629_746;

/// A poll as a local author asks for it.
#[derive(Debug, Clone)]
pub struct PollInput {
    pub options: Vec<String>,
    /// Seconds until it closes.
    pub expires_in: i64,
    pub multiple: bool,
}

pub fn check(input: &PollInput) -> Result<(), AppError> {
    if input.options.len() < 2 || input.options.len() > MAX_OPTIONS {
        return Err(AppError::invalid(
            "poll",
            format!("needs 2 to {MAX_OPTIONS} options"),
        ));
    }
    for option in &input.options {
        if option.trim().is_empty() || option.chars().count() > MAX_OPTION_CHARS {
            return Err(AppError::invalid(
                "poll",
                format!("options are 1 to {MAX_OPTION_CHARS} characters"),
            ));
        }
    }
    let mut seen: Vec<&str> = input.options.iter().map(|o| o.trim()).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != input.options.len() {
        return Err(AppError::invalid("poll", "has the same option twice"));
    }
    if !(MIN_EXPIRATION..=MAX_EXPIRATION).contains(&input.expires_in) {
        return Err(AppError::invalid(
            "poll",
            format!("expires in {MIN_EXPIRATION} to {MAX_EXPIRATION} seconds"),
        ));
    }
    Ok(())
}

/// Stores a local post's poll, in the caller's transaction.
pub async fn create(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    input: &PollInput,
) -> Result<(), AppError> {
    queries::upsert(
        conn,
        &Poll {
            status_id,
            options: input.options.iter().map(|o| o.trim().to_owned()).collect(),
            multiple: input.multiple,
            expires_at: Some(Utc::now() + Duration::seconds(input.expires_in)),
            remote_counts: None,
            remote_voters: None,
        },
    )
    .await?;
    Ok(())
}

/// A poll with its totals and what the viewer chose.
#[derive(Debug, Clone)]
pub struct PollView {
    pub poll: Poll,
    pub counts: Vec<i64>,
    pub voters: i64,
    pub own_votes: Vec<i32>,
}

impl PollView {
    pub fn expired(&self) -> bool {
        self.poll.expires_at.is_some_and(|at| at <= Utc::now())
    }
}

/// The polls of `statuses` (those that are `Question`s) as `viewer` sees
/// them, by post id.
pub async fn views(
    conn: &mut AsyncPgConnection,
    statuses: &[&Status],
    viewer: Option<&Account>,
) -> Result<HashMap<i64, PollView>, AppError> {
    let ids: Vec<i64> = statuses
        .iter()
        .filter(|s| s.kind == "Question")
        .map(|s| s.id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut own: HashMap<i64, Vec<i32>> = HashMap::new();
    if let Some(viewer) = viewer {
        for (status_id, choice) in queries::own_votes(conn, &ids, viewer.id).await? {
            own.entry(status_id).or_default().push(choice);
        }
    }
    let mut views = HashMap::new();
    for poll in queries::of_statuses(conn, &ids).await? {
        let (counts, voters) = totals(conn, &poll).await?;
        views.insert(
            poll.status_id,
            PollView {
                own_votes: own.remove(&poll.status_id).unwrap_or_default(),
                counts,
                voters,
                poll,
            },
        );
    }
    Ok(views)
}

/// Votes per option and voters: counted here for our polls, as published
/// for others'.
async fn totals(conn: &mut AsyncPgConnection, poll: &Poll) -> Result<(Vec<i64>, i64), AppError> {
    Ok(match &poll.remote_counts {
        Some(counts) => {
            let mut counts: Vec<i64> = counts.iter().map(|c| *c as i64).collect();
            counts.resize(poll.options.len(), 0);
            let voters = poll
                .remote_voters
                .map(i64::from)
                .unwrap_or_else(|| counts.iter().sum());
            (counts, voters)
        }
        None => queries::tally(conn, poll.status_id, poll.options.len()).await?,
    })
}

/// Adds a local poll's options and totals to its post's ActivityPub object.
pub async fn decorate(
    conn: &mut AsyncPgConnection,
    object: &mut Value,
    status_id: i64,
) -> Result<(), AppError> {
    let Some(poll) = queries::find(conn, status_id).await? else {
        return Ok(());
    };
    let (counts, voters) = totals(conn, &poll).await?;
    let options: Vec<(String, i64)> = poll.options.iter().cloned().zip(counts).collect();
    moot_protocol::notes::poll_totals(object, &options, poll.multiple, voters, poll.expires_at);
    Ok(())
}

/// Stores what a remote `Question` says of its options and totals.
pub async fn store_remote(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let (options, multiple) = match (&note.one_of, &note.any_of) {
        (Value::Array(one), _) if !one.is_empty() => (one, false),
        (_, Value::Array(any)) if !any.is_empty() => (any, true),
        _ => return Ok(()),
    };
    let options: Vec<&Value> = options.iter().take(20).collect();
    let names: Vec<String> = options
        .iter()
        .map(|o| {
            o["name"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect()
        })
        .collect();
    let counts: Vec<i32> = options
        .iter()
        .map(|o| {
            o["replies"]["totalItems"]
                .as_i64()
                .unwrap_or(0)
                .clamp(0, i32::MAX as i64) as i32
        })
        .collect();
    let voters = note
        .voters_count
        .map(|v| v.clamp(0, i32::MAX as i64) as i32);
    queries::upsert(
        conn,
        &Poll {
            status_id,
            options: names,
            multiple,
            expires_at: note.end_time.or(note.closed_time()),
            remote_counts: Some(counts),
            remote_voters: voters,
        },
    )
    .await?;
    Ok(())
}

/// Which options `choices` (indexes) are, checked against the poll.
fn check_choices(view: &PollView, choices: &[i32]) -> Result<(), AppError> {
    if view.expired() {
        return Err(AppError::invalid("poll", "has closed"));
    }
    if choices.is_empty() {
        return Err(AppError::invalid("choices", "can't be blank"));
    }
    if !view.poll.multiple && choices.len() > 1 {
        return Err(AppError::invalid("choices", "this poll takes one choice"));
    }
    let mut unique = choices.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != choices.len()
        || choices
            .iter()
            .any(|c| *c < 0 || *c as usize >= view.poll.options.len())
    {
        return Err(AppError::invalid(
            "choices",
            "names an option the poll has not",
        ));
    }
    Ok(())
}

/// `voter` votes in the poll of post `status_id`. Our poll counts it and
/// publishes the new totals; another node's poll is sent the vote (one
/// `Note` per choice) and counts it there.
pub async fn vote(
    ctx: &Context,
    voter: &Account,
    status_id: i64,
    choices: &[i32],
) -> Result<(Status, Account), AppError> {
    let (status, author) = crate::statuses::get_visible(ctx, Some(voter), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    let view = views(&mut conn, &[&status], Some(voter))
        .await?
        .remove(&status.id)
        .ok_or(AppError::NotFound)?;
    check_choices(&view, choices)?;
    if author.id == voter.id {
        return Err(AppError::invalid("poll", "is yours: you cannot vote in it"));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let notes: Vec<(Url, Value)> = match &status.ap_id {
            None => Vec::new(),
            Some(poll_uri) => {
                let mut notes = Vec::new();
                for choice in choices {
                    let id = ctx.urls.new_activity();
                    let note = moot_protocol::notes::vote(
                        &format!("{id}/vote"),
                        &actor_id(ctx, voter)?,
                        &view.poll.options[*choice as usize],
                        poll_uri,
                        &actor_id(ctx, &author)?,
                    );
                    notes.push((id, note));
                }
                notes
            }
        };
        let ap_ids: Vec<Option<String>> = match notes.is_empty() {
            true => vec![None; choices.len()],
            false => notes
                .iter()
                .map(|(_, n)| n["id"].as_str().map(str::to_owned))
                .collect(),
        };
        queries::lock(conn, status.id).await?;
        if !queries::vote(conn, status.id, voter.id, choices, &ap_ids).await? {
            return Err(AppError::invalid("poll", "you have voted already"));
        }
        if status.ap_id.is_none() {
            return crate::statuses::republish(ctx, conn, &status, &author, &[]).await;
        }
        let inbox = inbox_of(&author)?;
        for (id, note) in notes {
            let activity = moot_protocol::notes::wrap("Create", &id, &actor_id(ctx, voter)?, &note);
            crate::follows::send(ctx, conn, voter, &activity, std::slice::from_ref(&inbox)).await?;
        }
        Ok(())
    })
    .await?;
    Ok((status, author))
}

/// Whether a received note is a vote: named, without text, in reply to a
/// post (the poll).
pub fn is_vote(note: &RemoteNote) -> bool {
    note.name.as_deref().is_some_and(|n| !n.is_empty())
        && note
            .content
            .as_deref()
            .is_none_or(|c| moot_core::text::plain_text(c).trim().is_empty())
        && note.in_reply_to().is_some()
}

/// A vote from another node's person in one of our polls: counted, and the
/// poll published again with its totals (to the voter's node too).
pub async fn receive_vote(
    ctx: &Context,
    voter: &Account,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let Some(poll_uri) = note.in_reply_to() else {
        return Ok(());
    };
    let Some(status_id) = crate::statuses::local_status_id(ctx, &poll_uri) else {
        return Err(AppError::invalid(
            "inReplyTo",
            "votes go to the poll's own node",
        ));
    };
    let (status, author) = crate::statuses::get_visible(ctx, Some(voter), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    let view = views(&mut conn, &[&status], Some(voter))
        .await?
        .remove(&status.id)
        .ok_or_else(|| AppError::invalid("inReplyTo", "is not a poll"))?;
    let name = note.name.as_deref().unwrap_or_default();
    let choice = view
        .poll
        .options
        .iter()
        .position(|o| o == name)
        .ok_or_else(|| AppError::invalid("name", "is not one of the poll's options"))?
        as i32;
    if view.expired() {
        return Err(AppError::invalid("poll", "has closed"));
    }
    let ap_id = [Some(note.id.to_string())];
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::lock(conn, status.id).await?;
        let counted = if view.poll.multiple {
            queries::add_choice(conn, status.id, voter.id, &[choice], &ap_id).await?;
            true
        } else {
            queries::vote(conn, status.id, voter.id, &[choice], &ap_id).await?
        };
        if counted {
            let voter_inbox = inbox_of(voter)?;
            crate::statuses::republish(ctx, conn, &status, &author, &[voter_inbox]).await?;
        }
        Ok(())
    })
    .await
}

/// The poll of post `id`, which `viewer` must be able to see.
pub async fn view(ctx: &Context, viewer: Option<&Account>, id: i64) -> Result<PollView, AppError> {
    let (status, _) = crate::statuses::get_visible(ctx, viewer, id).await?;
    let mut conn = ctx.db.conn().await?;
    views(&mut conn, &[&status], viewer)
        .await?
        .remove(&status.id)
        .ok_or(AppError::NotFound)
}
