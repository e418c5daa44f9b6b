//! Events in the browser: a group's upcoming and past events, creating
//! one, an event's page with its attendee counts, answering going /
//! maybe / not going, and its calendar links. Times are entered and shown
//! in the event's time zone (UK time unless it says otherwise).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use maud::{html, Markup, PreEscaped};
use moot_app::events::{self, Answer, EventInput, EventView, NewEvent};
use moot_app::views::groups::GroupCard;
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, FieldError, Input};
use crate::pages::groups::{find, section, section_trail};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(new_form)
        .service(create)
        .service(save_answer);
}

/// The time zone events are entered in when none is given.
const HOME_ZONE: Tz = chrono_tz::Europe::London;

fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(HOME_ZONE)
}

/// A moment as people read it, in the event's zone.
fn local(at: DateTime<Utc>, zone_name: &str) -> Markup {
    let local = at.with_timezone(&zone(zone_name));
    html! { time datetime=(at.to_rfc3339()) { (local.format("%A %-d %B %Y, %H:%M")) } }
}

/// One event in a list.
fn summary(view: &EventView) -> Markup {
    let e = &view.event;
    html! {
        li {
            h3 { a href={ "/events/" (e.id) } { (e.title) } }
            p class="secondary" {
                (local(e.starts_at, &e.timezone))
                @if let Some(place) = &e.place_name { " · " (place) }
                @if e.online_url.is_some() { " · Online" }
            }
            p {
                @if e.status == "cancelled" { strong class="tag grey" { "Cancelled" } " " }
                @if e.status == "tentative" { strong class="tag" { "To be confirmed" } " " }
                (view.going) " going · " (view.maybe) " maybe"
            }
        }
    }
}

#[get("/groups/{handle}/events")]
async fn index(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let (_, all) =
        events::of_group(&ctx, me, group.account.id, DateTime::<Utc>::UNIX_EPOCH).await?;
    let now = Utc::now();
    let (upcoming, mut past): (Vec<&EventView>, Vec<&EventView>) = all
        .iter()
        .partition(|v| v.event.ends_at.unwrap_or(v.event.starts_at) >= now);
    past.reverse();
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("Events – {}", group.shown_name()),
        html! {
            (layout::breadcrumbs(&[("/groups", "Groups"), (&format!("/groups/{}", group.handle()), group.shown_name())]))
            h1 { span class="caption" { (group.shown_name()) } "Events" }
            @if group.membership.is_member() {
                p { a class="button" href={ "/groups/" (group.handle()) "/new-event" } { "Create an event" } }
            }
            @if group.is_local() {
                p { a href=(ctx.urls.events_feed(&group.account.username).as_str()) { "Add the group's events to your calendar (iCalendar feed)" } }
            }
            h2 { "Upcoming" }
            @if upcoming.is_empty() { p { "No upcoming events." } }
            ul class="feed" { @for v in &upcoming { (summary(v)) } }
            @if !past.is_empty() {
                h2 { "Past" }
                ul class="feed" { @for v in past.iter().take(50) { (summary(v)) } }
            }
        },
    ))
}

#[derive(Deserialize, Default)]
struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    place_name: String,
    #[serde(default)]
    place_address: String,
    #[serde(default)]
    online_url: String,
}

/// A `datetime-local` value (`2026-12-04T18:30`) in UK time, as UTC.
fn parse_local(raw: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    // In the hour the clocks go back, a time happens twice: take the first.
    HOME_ZONE
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn optional(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|v| !v.is_empty())
}

fn event_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    form: &EventForm,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Create an event",
        html! {
            (section_trail(group, "events", "Events"))
            h1 { "Create an event" }
            (layout::error_summary(errors))
            form method="post" action={ "/groups/" (group.handle()) "/new-event" } novalidate {
                (csrf_field(&session.csrf_token))
                (layout::input(&Input { value: &form.title, required: true, ..Input::new("title", "Title") }, errors))
                (layout::textarea(&Input { value: &form.description, hint: Some("What it is about and who should come. You can use Markdown."),
                    ..Input::new("description", "Description (optional)") }, 5, errors))
                (layout::input(&Input { kind: "datetime-local", value: &form.starts_at, required: true,
                    hint: Some("UK time. For example, 4 December 2026 at 14:00."), ..Input::new("starts_at", "Starts") }, errors))
                (layout::input(&Input { kind: "datetime-local", value: &form.ends_at,
                    hint: Some("UK time."), ..Input::new("ends_at", "Ends (optional)") }, errors))
                (layout::input(&Input { value: &form.place_name, ..Input::new("place_name", "Place (optional)") }, errors))
                (layout::input(&Input { value: &form.place_address, ..Input::new("place_address", "Address (optional)") }, errors))
                (layout::input(&Input { kind: "url", value: &form.online_url,
                    hint: Some("A link to join online, if people can."), ..Input::new("online_url", "Online link (optional)") }, errors))
                button type="submit" { "Create event" }
            }
        },
    ))
}

#[get("/groups/{handle}/new-event")]
async fn new_form(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    viewer.require(&req)?;
    let group = find(&ctx, &viewer, &handle).await?;
    event_page(&ctx, &req, &viewer, &group, &EventForm::default(), &[])
}

#[post("/groups/{handle}/new-event")]
async fn create(
    ctx: web::Data<Context>,
    req: HttpRequest,
    handle: web::Path<String>,
    posted: Posted<EventForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    let form = &posted.form;
    let mut errors = Vec::new();
    let starts_at = parse_local(&form.starts_at);
    if starts_at.is_none() {
        errors.push(FieldError {
            field: "starts_at",
            message: "Enter when the event starts, as a date and time".into(),
        });
    }
    let ends_at = match optional(&form.ends_at) {
        None => None,
        Some(raw) => match parse_local(&raw) {
            Some(at) => Some(at),
            None => {
                errors.push(FieldError {
                    field: "ends_at",
                    message: "Enter when the event ends as a date and time, or leave it empty"
                        .into(),
                });
                None
            }
        },
    };
    if let (Some(starts_at), true) = (starts_at, errors.is_empty()) {
        let input = EventInput {
            title: form.title.clone(),
            description: form.description.clone(),
            starts_at,
            ends_at,
            timezone: HOME_ZONE.name().to_owned(),
            place_name: optional(&form.place_name),
            place_address: optional(&form.place_address),
            online_url: optional(&form.online_url),
            status: "confirmed".into(),
        };
        match events::create(
            &ctx,
            &session.session.account,
            Some(group.account.id),
            input,
        )
        .await
        {
            Ok(NewEvent::Created(view)) => {
                return Ok(session::redirect_with_notice(
                    &ctx,
                    &format!("/events/{}", view.event.id),
                    "The event has been created.",
                ))
            }
            Ok(NewEvent::Proposed) => {
                return Ok(session::redirect_with_notice(
                    &ctx,
                    &format!("/groups/{}/events", group.handle()),
                    "Your event has been sent to the group's node. It appears here once that node has added it.",
                ))
            }
            Err(AppError::Invalid { field, message }) => {
                let (field, label) = match field {
                    "title" => ("title", "The title"),
                    "description" => ("description", "The description"),
                    "ends_at" => ("ends_at", "The end"),
                    "place_name" => ("place_name", "The place"),
                    "place_address" => ("place_address", "The address"),
                    "online_url" => ("online_url", "The online link"),
                    _ => ("starts_at", "The start"),
                };
                let message = message.replace("starts_at", "the start");
                errors.push(FieldError {
                    field,
                    message: format!("{label} {message}"),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    event_page(&ctx, &req, &posted.viewer, &group, form, &errors)
}

/// `/events/ID` for a browser: the event, its counts and the person's
/// answer (the ActivityPub document answers other clients at the same
/// address).
pub async fn event_page_for_browser(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = events::show(&ctx, me, id).await?;
    let e = &view.event;
    let group = match &view.group {
        Some(g) => Some(
            moot_app::views::groups::by_handle(&ctx, me, &moot_app::views::groups::handle_of(g))
                .await?,
        ),
        None => None,
    };
    let answers = [
        (Answer::Going, "Going"),
        (Answer::Maybe, "Maybe"),
        (Answer::NotGoing, "Not going"),
    ];
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &e.title,
        html! {
            @if let Some(group) = &group { (section_trail(group, "events", "Events")) }
            h1 { span class="caption" { "Event" } (e.title) }
            @if e.status == "cancelled" { p { strong class="tag grey" { "Cancelled" } } }
            dl class="summary-list" {
                div { dt { "Starts" } dd { (local(e.starts_at, &e.timezone)) } }
                @if let Some(end) = e.ends_at { div { dt { "Ends" } dd { (local(end, &e.timezone)) } } }
                @if let Some(place) = &e.place_name { div { dt { "Place" } dd { (place) @if let Some(a) = &e.place_address { br; (a) } } } }
                @if let Some(link) = &e.online_url { div { dt { "Online" } dd { a href=(link) rel="noopener nofollow" { (link) } } } }
                div { dt { "Organised by" } dd { a href=(posts::person_href(&view.organizer)) { (posts::shown_name(&view.organizer)) } } }
                div { dt { "Answers" } dd { (view.going) " going, " (view.maybe) " maybe" } }
            }
            @if !e.description_html.is_empty() { div { (PreEscaped(&e.description_html)) } }
            @if let Some(session) = &viewer.session {
                form method="post" action={ "/events/" (e.id) "/answer" } {
                    (csrf_field(&session.csrf_token))
                    fieldset {
                        legend { "Are you going?" }
                        div class="radios" {
                            @for (answer, label) in answers {
                                div {
                                    input type="radio" id={ "answer-" (answer.as_str()) } name="answer" value=(answer.as_str())
                                        checked[view.answer == Some(answer)];
                                    label for={ "answer-" (answer.as_str()) } { (label) }
                                }
                            }
                        }
                    }
                    button type="submit" { "Save answer" }
                }
            } @else {
                p { a href={ "/login?next=/events/" (e.id) } { "Sign in to answer" } }
            }
            p { a href={ "/events/" (e.id) ".ics" } { "Add to your calendar (.ics)" } }
            @if let Some(group) = &group { p { a href=(section(group, "events")) { "All events of " (group.shown_name()) } } }
        },
    ))
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

#[post("/events/{id}/answer")]
async fn save_answer(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    posted: Posted<AnswerForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let answer = Answer::parse(&posted.form.answer)
        .ok_or_else(|| WebError::bad_request("Choose going, maybe or not going."))?;
    events::rsvp(&ctx, &session.session.account, id, answer).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("/events/{id}"),
        "Your answer has been saved.",
    ))
}
