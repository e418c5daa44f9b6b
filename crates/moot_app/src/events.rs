//! Events in a group or on a person's profile, and the answers to them
//! (going, maybe, not going) from local and remote people. The organizer's
//! node keeps the answers and the counts, and publishes the event (with
//! its counts) to the group's or organizer's followers whenever either
//! changes; other nodes keep that copy and send their people's answers to
//! it.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::text::render_markdown;
use moot_db::accounts::{self as account_queries, Account};
use moot_db::events::{self as queries, Event, EventFields};
use moot_db::{groups as group_queries, received};
use moot_protocol::events::{self as wire, RemoteEvent};
use serde_json::Value;
use url::Url;

use crate::follows::{actor_id, inbox_of};
use crate::groups::{check_can_post, check_can_see_content, group_by_id, MembershipMode};
use crate::{AppError, Context};

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 10_000;
pub const MAX_PLACE: usize = 500;

/// An answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Going,
    Maybe,
    NotGoing,
}

impl Answer {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "going" => Answer::Going,
            "maybe" => Answer::Maybe,
            "not_going" => Answer::NotGoing,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Going => "going",
            Answer::Maybe => "maybe",
            Answer::NotGoing => "not_going",
        }
    }

    /// The activity that carries it.
    fn activity(self) -> &'static str {
        match self {
            Answer::Going => "Join",
            Answer::Maybe => "TentativeAccept",
            Answer::NotGoing => "Leave",
        }
    }

    /// The answer an activity type carries, as Mobilizon, Friendica and
    /// others send them.
    pub fn of_activity(kind: &str) -> Option<Self> {
        Some(match kind {
            "Join" | "Accept" => Answer::Going,
            "TentativeAccept" => Answer::Maybe,
            "Leave" | "Reject" => Answer::NotGoing,
            _ => return None,
        })
    }
}

/// What an event says.
#[derive(Debug, Clone)]
pub struct EventInput {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: String,
    pub place_name: Option<String>,
    pub place_address: Option<String>,
    pub online_url: Option<String>,
    /// confirmed, tentative or cancelled.
    pub status: String,
}

/// An event with who organizes it, its group, its counts and the viewer's
/// answer.
pub struct EventView {
    pub event: Event,
    pub organizer: Account,
    pub group: Option<Account>,
    pub going: i64,
    pub maybe: i64,
    pub answer: Option<Answer>,
}

/// Whether `raw` looks like an IANA time zone name (`UTC`, `Europe/London`).
fn is_time_zone(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
        && !raw.starts_with('/')
        && !raw.ends_with('/')
}

fn check_input(input: &EventInput) -> Result<(), AppError> {
    if input.title.trim().is_empty() {
        return Err(AppError::invalid("title", "can't be blank"));
    }
    AppError::check_length("title", Some(input.title.trim()), MAX_TITLE)?;
    AppError::check_length("description", Some(&input.description), MAX_DESCRIPTION)?;
    AppError::check_length("place_name", input.place_name.as_deref(), MAX_PLACE)?;
    AppError::check_length("place_address", input.place_address.as_deref(), MAX_PLACE)?;
    if input.ends_at.is_some_and(|end| end < input.starts_at) {
        return Err(AppError::invalid("ends_at", "is before starts_at"));
    }
    if !is_time_zone(&input.timezone) {
        return Err(AppError::invalid(
            "timezone",
            "is not a time zone name such as Europe/London",
        ));
    }
    if let Some(link) = &input.online_url {
        let ok = Url::parse(link).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
        if !ok {
            return Err(AppError::invalid("online_url", "is not an http(s) link"));
        }
    }
    if !matches!(
        input.status.as_str(),
        "confirmed" | "tentative" | "cancelled"
    ) {
        return Err(AppError::invalid(
            "status",
            "is not confirmed, tentative or cancelled",
        ));
    }
    Ok(())
}

fn fields<'a>(input: &'a EventInput, html: &'a str) -> EventFields<'a> {
    let blank = |v: &'a Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty());
    EventFields {
        title: input.title.trim(),
        description_source: &input.description,
        description_html: html,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        timezone: &input.timezone,
        place_name: blank(&input.place_name),
        place_address: blank(&input.place_address),
        online_url: blank(&input.online_url),
        status: &input.status,
    }
}

/// Creates an event organized by `organizer`: in one of our groups (which
/// they are a member of) when `group_id` is given, else on their profile.
/// What became of a new event.
pub enum NewEvent {
    /// Made here: on the organizer's profile or in one of our groups.
    Created(Box<EventView>),
    /// Proposed to the node of the group, which decides; the event
    /// arrives with the group's publication.
    Proposed,
}

/// Creates an event organized by `organizer`: on their profile when no
/// group is given, in one of our groups (which they are a member of), or
/// proposed to the node of a group on another node.
pub async fn create(
    ctx: &Context,
    organizer: &Account,
    group_id: Option<i64>,
    input: EventInput,
) -> Result<NewEvent, AppError> {
    check_input(&input)?;
    let mut conn = ctx.db.conn().await?;
    let group = match group_id {
        Some(id) => Some(group_by_id(&mut conn, id).await?),
        None => None,
    };
    if let Some(group) = group.as_ref().filter(|g| g.domain.is_some()) {
        propose(ctx, &mut conn, organizer, group, &input).await?;
        return Ok(NewEvent::Proposed);
    }
    if let Some(group) = &group {
        check_can_post(&mut conn, group, organizer).await?;
    }
    let html = render_markdown(&input.description);
    let fields = fields(&input, &html);
    let event = conn
        .transaction::<_, AppError, _>(async |conn| {
            make(
                ctx,
                conn,
                organizer,
                group.as_ref(),
                &fields,
                &input.description,
            )
            .await
        })
        .await?;
    Ok(NewEvent::Created(Box::new(
        view(&mut conn, event, Some(organizer)).await?,
    )))
}

/// Makes an event here, publishes it and, in a group, announces it to the
/// group's members, in the caller's transaction.
async fn make(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    organizer: &Account,
    group: Option<&Account>,
    fields: &EventFields<'_>,
    about: &str,
) -> Result<Event, AppError> {
    let id = queries::next_id(conn).await?;
    let uri = ctx.urls.event(id);
    let event = queries::insert(
        conn,
        Some(id),
        uri.as_str(),
        organizer.id,
        group.map(|g| g.id),
        fields,
    )
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("event {id} exists")))?;
    publish(ctx, conn, &event, "Create").await?;
    if let Some(group) = group {
        let when = event.starts_at.format("%-d %B %Y, %H:%M UTC").to_string();
        let what = format!("New event on {when}");
        let text = crate::announcements::text(&what, &event.title, &uri, about);
        crate::announcements::announce(ctx, conn, group, &text, &uri).await?;
    }
    Ok(event)
}

/// Sends an event for a remote `group` to the group's node: a `Create` of
/// an `Event` of this node, attributed to the organizer, with the group
/// as its audience. The group's node decides as for its own members.
async fn propose(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    organizer: &Account,
    group: &Account,
    input: &EventInput,
) -> Result<(), AppError> {
    check_can_post(conn, group, organizer).await?;
    let html = render_markdown(&input.description);
    let group_uri = actor_id(ctx, group)?;
    let organizer_uri = actor_id(ctx, organizer)?;
    let activity_id = ctx.urls.new_activity();
    let event_id =
        Url::parse(&format!("{activity_id}/event")).map_err(|e| AppError::Internal(e.into()))?;
    let now = Utc::now();
    let status = input.status.to_ascii_uppercase();
    let mut event = wire::event(&wire::LocalEvent {
        id: &event_id,
        owner: &organizer_uri,
        organizer: &organizer_uri,
        followers: &group_uri,
        in_group: false,
        private: true,
        title: input.title.trim(),
        html: &html,
        markdown: &input.description,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        timezone: &input.timezone,
        place_name: input.place_name.as_deref(),
        place_address: input.place_address.as_deref(),
        online_url: input.online_url.as_deref(),
        status: &status,
        going: 0,
        maybe: 0,
        published: now,
        updated: now,
    });
    event["audience"] = serde_json::json!(group_uri);
    let activity = moot_protocol::notes::wrap("Create", &activity_id, &organizer_uri, &event);
    conn.transaction::<_, AppError, _>(async |conn| {
        crate::follows::send(ctx, conn, organizer, &activity, &[inbox_of(group)?]).await
    })
    .await
}

/// An event proposed to one of our groups by `organizer`, a member on
/// another node (origins checked by the federation layer). Returns whether
/// the event's audience is one of our groups. The group decides as for its
/// own members: the event is made here (and published), and the
/// organizer's node told `Accept`; or it is told `Reject` with the reason.
pub async fn receive_proposal(
    ctx: &Context,
    activity_id: &Url,
    organizer: &Account,
    remote: &RemoteEvent,
) -> Result<bool, AppError> {
    let Some(audience) = &remote.audience else {
        return Ok(false);
    };
    let mut conn = ctx.db.conn().await?;
    let addressed = [audience.to_string()];
    let Some(group) = crate::groups::find_addressed(ctx, &mut conn, &addressed).await? else {
        return Ok(false);
    };
    let cleaned = Received::of(remote);
    let fields = cleaned.fields(remote);
    let group_uri = ctx.urls.person(&group.username);
    let organizer_uri = actor_id(ctx, organizer)?;
    let organizer_inbox = inbox_of(organizer)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let (kind, result, reason) = match check_can_post(conn, &group, organizer).await {
            Ok(()) => {
                let event = make(ctx, conn, organizer, Some(&group), &fields, "").await?;
                ("Accept", Some(parse_stored(&event.ap_id)?), None)
            }
            Err(AppError::Forbidden(reason)) => ("Reject", None, Some(reason)),
            Err(other) => return Err(other),
        };
        let answer = moot_protocol::activities::answer_proposal(
            kind,
            &ctx.urls.new_activity(),
            &group_uri,
            activity_id,
            &organizer_uri,
            result.as_ref(),
            reason.as_deref(),
        );
        crate::follows::send(ctx, conn, &group, &answer, &[organizer_inbox]).await
    })
    .await?;
    Ok(true)
}

/// Changes an event: its organizer, or a moderator of its group.
pub async fn update(
    ctx: &Context,
    who: &Account,
    id: i64,
    input: EventInput,
) -> Result<EventView, AppError> {
    check_input(&input)?;
    let mut conn = ctx.db.conn().await?;
    let event = local_event(&mut conn, id).await?;
    check_can_manage(&mut conn, &event, who).await?;
    let html = render_markdown(&input.description);
    let event = conn
        .transaction::<_, AppError, _>(async |conn| {
            let event = queries::update(conn, event.id, &fields(&input, &html)).await?;
            publish(ctx, conn, &event, "Update").await?;
            Ok(event)
        })
        .await?;
    view(&mut conn, event, Some(who)).await
}

/// Deletes an event: its organizer, or a moderator of its group.
pub async fn delete(ctx: &Context, who: &Account, id: i64) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let event = local_event(&mut conn, id).await?;
    check_can_manage(&mut conn, &event, who).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::mark_deleted(conn, event.id).await?;
        let (owner, _) = owner_of(conn, &event).await?;
        let owner_uri = actor_id(ctx, &owner)?;
        let followers = followers_of(ctx, &owner);
        let activity = moot_protocol::notes::delete(
            &ctx.urls.new_activity(),
            &owner_uri,
            &parse_stored(&event.ap_id)?,
            &[moot_protocol::context::PUBLIC.to_owned()],
            &[followers.to_string()],
        );
        crate::outbound::to_followers(ctx, conn, &owner, &activity).await
    })
    .await
}

/// One of our events: its owner (its group, or its organizer) is ours. A
/// group's event may have an organizer on another node.
async fn local_event(conn: &mut AsyncPgConnection, id: i64) -> Result<Event, AppError> {
    let event = queries::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let (owner, _) = owner_of(conn, &event).await?;
    if owner.domain.is_some() {
        return Err(AppError::invalid(
            "id",
            "an event of another node is changed on that node",
        ));
    }
    Ok(event)
}

async fn check_can_manage(
    conn: &mut AsyncPgConnection,
    event: &Event,
    who: &Account,
) -> Result<(), AppError> {
    if event.organizer_id == who.id {
        return Ok(());
    }
    if let Some(group) = event.group_id {
        if group_queries::role_of(conn, group, who.id).await?.is_some() {
            return Ok(());
        }
    }
    Err(AppError::Forbidden(
        "only the organizer or the group's moderators can change this event".into(),
    ))
}

fn parse_stored(raw: &str) -> Result<Url, AppError> {
    Url::parse(raw).map_err(|e| AppError::Internal(anyhow::anyhow!("stored event id: {e}")))
}

/// Who publishes the event (its group, or its organizer) and its organizer.
async fn owner_of(
    conn: &mut AsyncPgConnection,
    event: &Event,
) -> Result<(Account, Account), AppError> {
    let organizer = account_queries::find_by_id(conn, event.organizer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owner = match event.group_id {
        Some(group) => group_by_id(conn, group).await?,
        None => organizer.clone(),
    };
    Ok((owner, organizer))
}

fn followers_of(ctx: &Context, account: &Account) -> Url {
    account
        .followers_url
        .as_deref()
        .and_then(|f| Url::parse(f).ok())
        .unwrap_or_else(|| ctx.urls.person_collection(&account.username, "followers"))
}

/// A local event as its ActivityPub document, with its counts now.
async fn event_json(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    event: &Event,
) -> Result<Value, AppError> {
    let (owner, organizer) = owner_of(conn, event).await?;
    let (going, maybe) = queries::counts(conn, event.id).await?;
    let private = match event.group_id {
        Some(group) => group_queries::find(conn, group)
            .await?
            .is_some_and(|g| g.membership_mode == MembershipMode::Private.as_str()),
        None => false,
    };
    let status = event.status.to_ascii_uppercase();
    Ok(wire::event(&wire::LocalEvent {
        id: &parse_stored(&event.ap_id)?,
        owner: &actor_id(ctx, &owner)?,
        organizer: &actor_id(ctx, &organizer)?,
        followers: &followers_of(ctx, &owner),
        in_group: event.group_id.is_some(),
        private,
        title: &event.title,
        html: &event.description_html,
        markdown: &event.description_source,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        timezone: &event.timezone,
        place_name: event.place_name.as_deref(),
        place_address: event.place_address.as_deref(),
        online_url: event.online_url.as_deref(),
        status: &status,
        going,
        maybe,
        published: event.created_at,
        updated: event.updated_at,
    }))
}

/// Sends the event as it now is (`Create` or `Update`) to its owner's
/// followers, in the caller's transaction.
async fn publish(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    event: &Event,
    kind: &str,
) -> Result<(), AppError> {
    let (owner, _) = owner_of(conn, event).await?;
    let object = event_json(ctx, conn, event).await?;
    let activity = moot_protocol::notes::wrap(
        kind,
        &ctx.urls.new_activity(),
        &actor_id(ctx, &owner)?,
        &object,
    );
    crate::outbound::to_followers(ctx, conn, &owner, &activity).await
}

async fn view(
    conn: &mut AsyncPgConnection,
    event: Event,
    viewer: Option<&Account>,
) -> Result<EventView, AppError> {
    let (owner, organizer) = owner_of(conn, &event).await?;
    let group = event.group_id.map(|_| owner.clone());
    let (going, maybe) = match owner.domain {
        None => queries::counts(conn, event.id).await?,
        Some(_) => (event.going_count as i64, event.maybe_count as i64),
    };
    let answer = match viewer {
        Some(viewer) => queries::answer_of(conn, event.id, viewer.id)
            .await?
            .and_then(|a| Answer::parse(&a)),
        None => None,
    };
    Ok(EventView {
        event,
        organizer,
        group,
        going,
        maybe,
        answer,
    })
}

/// Whether `viewer` may see the event (members only in a private group).
async fn check_can_see(
    conn: &mut AsyncPgConnection,
    event: &Event,
    viewer: Option<&Account>,
) -> Result<(), AppError> {
    if let Some(group) = event.group_id {
        let group = group_by_id(conn, group).await?;
        check_can_see_content(conn, &group, viewer).await?;
    }
    Ok(())
}

/// One event, for `viewer`.
pub async fn show(ctx: &Context, viewer: Option<&Account>, id: i64) -> Result<EventView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let event = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_can_see(&mut conn, &event, viewer).await?;
    view(&mut conn, event, viewer).await
}

/// A group's events from `from` on, soonest first.
pub async fn of_group(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    from: DateTime<Utc>,
) -> Result<(Account, Vec<EventView>), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = group_by_id(&mut conn, group_id).await?;
    check_can_see_content(&mut conn, &group, viewer).await?;
    let events = queries::of_group(&mut conn, group.id, from).await?;
    let mut views = Vec::with_capacity(events.len());
    for event in events {
        views.push(view(&mut conn, event, viewer).await?);
    }
    Ok((group, views))
}

/// A local group's events (all of them) by the group's name, for its
/// iCalendar feed.
pub async fn feed(ctx: &Context, group_name: &str) -> Result<(Account, Vec<EventView>), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = account_queries::find_local_any(&mut conn, group_name)
        .await?
        .filter(|a| a.actor_type == "Group")
        .ok_or(AppError::NotFound)?;
    drop(conn);
    of_group(ctx, None, group.id, DateTime::<Utc>::UNIX_EPOCH).await
}

/// The events of one of our groups from a month ago on, soonest first,
/// as their documents (its `events` collection).
pub async fn documents_of_group(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
) -> Result<Vec<Value>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::local_group_by_name(&mut conn, group_name, viewer).await?;
    let since = Utc::now() - chrono::Duration::days(31);
    let events = queries::of_group(&mut conn, group.id, since).await?;
    let mut documents = Vec::with_capacity(events.len());
    for event in events.iter().take(crate::library::MAX_LISTED as usize) {
        documents.push(event_json(ctx, &mut conn, event).await?);
    }
    Ok(documents)
}

/// `who` answers an event. A local event records it; a remote one records
/// it here and sends it to the event's node.
pub async fn rsvp(
    ctx: &Context,
    who: &Account,
    id: i64,
    answer: Answer,
) -> Result<EventView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let event = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_can_see(&mut conn, &event, Some(who)).await?;
    let (owner, _) = owner_of(&mut conn, &event).await?;
    let activity_id = ctx.urls.new_activity();
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::answer(
            conn,
            event.id,
            who.id,
            answer.as_str(),
            activity_id.as_str(),
        )
        .await?;
        if owner.domain.is_none() {
            publish(ctx, conn, &event, "Update").await?;
        } else {
            let activity = wire::rsvp(
                answer.activity(),
                &activity_id,
                &actor_id(ctx, who)?,
                &parse_stored(&event.ap_id)?,
                &actor_id(ctx, &owner)?,
            );
            crate::follows::send(ctx, conn, who, &activity, &[inbox_of(&owner)?]).await?;
        }
        Ok(())
    })
    .await?;
    view(&mut conn, event, Some(who)).await
}

/// What a received event says, cleaned and within this node's limits.
struct Received {
    title: String,
    html: String,
    place_name: Option<String>,
    place_address: Option<String>,
    online: Option<String>,
    timezone: String,
    status: String,
}

impl Received {
    fn of(remote: &RemoteEvent) -> Received {
        let title: String = remote.name.trim().chars().take(MAX_TITLE).collect();
        let (place_name, place_address) = remote.place();
        let clip = |v: Option<String>| v.map(|v| v.chars().take(MAX_PLACE).collect::<String>());
        Received {
            title: if title.is_empty() {
                "Event".into()
            } else {
                title
            },
            html: moot_core::text::sanitize_html(remote.content.as_deref().unwrap_or_default()),
            place_name: clip(place_name),
            place_address: clip(place_address),
            online: remote.online_url().map(|u| u.to_string()),
            timezone: remote
                .timezone
                .clone()
                .filter(|t| is_time_zone(t))
                .unwrap_or_else(|| "UTC".to_owned()),
            status: remote.status().to_ascii_lowercase(),
        }
    }

    fn fields<'a>(&'a self, remote: &RemoteEvent) -> EventFields<'a> {
        EventFields {
            title: &self.title,
            description_source: "",
            description_html: &self.html,
            starts_at: remote.start_time,
            ends_at: remote.end_time.filter(|end| *end >= remote.start_time),
            timezone: &self.timezone,
            place_name: self.place_name.as_deref(),
            place_address: self.place_address.as_deref(),
            online_url: self.online.as_deref(),
            status: &self.status,
        }
    }
}

/// An answer from another node's person to `event_uri`. Returns whether
/// that is one of our events (else the activity is someone else's
/// business). `Join` is confirmed with an `Accept`.
pub async fn receive_rsvp(
    ctx: &Context,
    activity_id: &Url,
    kind: &str,
    who: &Account,
    event_uri: &Url,
) -> Result<bool, AppError> {
    let Some(answer) = Answer::of_activity(kind) else {
        return Ok(false);
    };
    let mut conn = ctx.db.conn().await?;
    let Some(event) = queries::find_by_uri(&mut conn, event_uri.as_str()).await? else {
        return Ok(false);
    };
    let (owner, _) = owner_of(&mut conn, &event).await?;
    if owner.domain.is_some() {
        return Ok(false);
    }
    if event.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    check_can_see(&mut conn, &event, Some(who)).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        queries::answer(
            conn,
            event.id,
            who.id,
            answer.as_str(),
            activity_id.as_str(),
        )
        .await?;
        if kind == "Join" {
            let accept = moot_protocol::activities::accept(
                &ctx.urls.new_activity(),
                &actor_id(ctx, &owner)?,
                &actor_id(ctx, who)?,
                activity_id,
            );
            crate::follows::send(ctx, conn, &owner, &accept, &[inbox_of(who)?]).await?;
        }
        publish(ctx, conn, &event, "Update").await
    })
    .await?;
    Ok(true)
}

/// Whether `answered` is an answer to an event sent from here (then the
/// event's node has confirmed it; nothing more to do).
pub async fn is_sent_rsvp(ctx: &Context, answered: &Url) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::is_rsvp_activity(&mut conn, answered.as_str()).await?)
}

/// An event published by `owner` (a group, or the organizer), origins
/// checked by the federation layer.
pub async fn receive_event(
    ctx: &Context,
    owner: &Account,
    organizer: &Account,
    remote: &RemoteEvent,
) -> Result<(), AppError> {
    let cleaned = Received::of(remote);
    let fields = cleaned.fields(remote);
    let group_id = (owner.actor_type == "Group").then_some(owner.id);
    let count = |n: Option<i64>| n.unwrap_or(0).clamp(0, i32::MAX as i64) as i32;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let event = match queries::find_by_uri(conn, remote.id.as_str()).await? {
            Some(event) if event.deleted_at.is_some() => return Ok(()),
            Some(event) => {
                if event.organizer_id != organizer.id || event.group_id != group_id {
                    return Err(AppError::Forbidden(
                        "an event keeps its organizer and group".into(),
                    ));
                }
                queries::update(conn, event.id, &fields).await?
            }
            None => queries::insert(
                conn,
                None,
                remote.id.as_str(),
                organizer.id,
                group_id,
                &fields,
            )
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("event id taken")))?,
        };
        queries::set_counts(
            conn,
            event.id,
            count(remote.participant_count),
            count(remote.tentative_count),
        )
        .await?;
        Ok(())
    })
    .await
}

/// A `Delete` from `owner`: if `uri` is one of its events kept here, the
/// copy is marked deleted. Returns whether it was one.
pub async fn receive_delete(ctx: &Context, owner: &Account, uri: &Url) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(event) = queries::find_by_uri(&mut conn, uri.as_str()).await? else {
        return Ok(false);
    };
    if event.group_id != Some(owner.id) && event.organizer_id != owner.id {
        return Err(AppError::Forbidden(
            "only the event's group or organizer can delete it".into(),
        ));
    }
    queries::mark_deleted(&mut conn, event.id).await?;
    Ok(true)
}

/// A local event as its ActivityPub document, for `viewer`.
pub async fn document(ctx: &Context, viewer: Option<&Account>, id: i64) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let event = local_event(&mut conn, id).await?;
    check_can_see(&mut conn, &event, viewer).await?;
    let mut document = event_json(ctx, &mut conn, &event).await?;
    moot_protocol::context::set_context(&mut document);
    Ok(document)
}
