//! Events through Moot's own API (`/api/moot/v1/events`,
//! `/api/moot/v1/groups/{id}/events`): create, change, delete, answer
//! (going, maybe, not going); and as iCalendar files anyone's calendar can
//! read: one per event (`/events/{id}.ics`) and a feed per group
//! (`/users/{group}/events.ics`). Described in `crates/moot_api/openapi.json`.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use moot_app::events::{self, Answer, EventInput, EventView, NewEvent};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::render_accounts;
use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(show)
        .service(change)
        .service(remove)
        .service(rsvp)
        .service(of_group);
}

/// The iCalendar files: registered before the ActivityPub routes, whose
/// `/events/{id}` would take `/events/{id}.ics` too.
pub fn configure_calendars(cfg: &mut web::ServiceConfig) {
    cfg.service(ics).service(feed);
}

async fn event_json(ctx: &Context, view: &EventView) -> Result<Value, ApiError> {
    let e = &view.event;
    let organizer = render_accounts(ctx, std::slice::from_ref(&view.organizer))
        .await?
        .pop();
    Ok(json!({
        "id": e.id.to_string(),
        "uri": e.ap_id,
        "local": view.organizer.domain.is_none(),
        "group_id": view.group.as_ref().map(|g| g.id.to_string()),
        "organizer": organizer,
        "title": e.title,
        "description": e.description_html,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "timezone": e.timezone,
        "place": {
            "name": e.place_name,
            "address": e.place_address,
        },
        "online_url": e.online_url,
        "status": e.status,
        "going_count": view.going,
        "maybe_count": view.maybe,
        "answer": view.answer.map(Answer::as_str),
        "ics_url": e.ap_id.strip_suffix('/').unwrap_or(&e.ap_id).to_owned() + ".ics",
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }))
}

#[derive(Deserialize)]
struct EventParams {
    title: String,
    description: Option<String>,
    starts_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
    timezone: Option<String>,
    place_name: Option<String>,
    place_address: Option<String>,
    online_url: Option<String>,
    status: Option<String>,
    group_id: Option<String>,
}

impl EventParams {
    fn input(self) -> EventInput {
        EventInput {
            title: self.title,
            description: self.description.unwrap_or_default(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            timezone: self.timezone.unwrap_or_else(|| "UTC".to_owned()),
            place_name: self.place_name,
            place_address: self.place_address,
            online_url: self.online_url,
            status: self.status.unwrap_or_else(|| "confirmed".to_owned()),
        }
    }
}

#[post("/api/moot/v1/events")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: EventParams = crate::params::parse(&req, &body).await?;
    let group = params.group_id.as_deref().map(parse_id).transpose()?;
    match events::create(&ctx, &session.account, group, params.input()).await? {
        NewEvent::Created(view) => Ok(HttpResponse::Ok().json(event_json(&ctx, &view).await?)),
        NewEvent::Proposed => Ok(HttpResponse::Accepted().json(json!({ "state": "pending" }))),
    }
}

#[get("/api/moot/v1/events/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let view = events::show(&ctx, Some(&session.account), parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(event_json(&ctx, &view).await?))
}

#[put("/api/moot/v1/events/{id}")]
async fn change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: EventParams = crate::params::parse(&req, &body).await?;
    let view = events::update(&ctx, &session.account, parse_id(&id)?, params.input()).await?;
    Ok(HttpResponse::Ok().json(event_json(&ctx, &view).await?))
}

#[delete("/api/moot/v1/events/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    events::delete(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[derive(Deserialize)]
struct RsvpParams {
    answer: String,
}

#[post("/api/moot/v1/events/{id}/rsvp")]
async fn rsvp(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let params: RsvpParams = crate::params::parse(&req, &body).await?;
    let answer = Answer::parse(&params.answer).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "Validation failed: answer `{}` is not going, maybe or not_going",
            params.answer
        ))
    })?;
    let view = events::rsvp(&ctx, &session.account, parse_id(&id)?, answer).await?;
    Ok(HttpResponse::Ok().json(event_json(&ctx, &view).await?))
}

#[derive(Deserialize)]
struct FromQuery {
    from: Option<DateTime<Utc>>,
}

#[get("/api/moot/v1/groups/{id}/events")]
async fn of_group(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
    query: web::Query<FromQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let from = query.from.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let (_, views) = events::of_group(&ctx, Some(&session.account), parse_id(&id)?, from).await?;
    let mut body = Vec::with_capacity(views.len());
    for view in &views {
        body.push(event_json(&ctx, view).await?);
    }
    Ok(HttpResponse::Ok().json(body))
}

/// Events as an iCalendar document.
fn calendar(name: &str, views: &[EventView]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for view in views {
        let e = &view.event;
        let mut event = icalendar::Event::new();
        event
            .uid(&e.ap_id)
            .summary(&e.title)
            .description(&moot_core::text::plain_text(&e.description_html))
            .starts(e.starts_at)
            .timestamp(e.updated_at)
            .url(&e.ap_id)
            .status(match e.status.as_str() {
                "tentative" => EventStatus::Tentative,
                "cancelled" => EventStatus::Cancelled,
                _ => EventStatus::Confirmed,
            });
        if let Some(end) = e.ends_at {
            event.ends(end);
        }
        let place: Vec<&str> = [e.place_name.as_deref(), e.place_address.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        match (place.is_empty(), &e.online_url) {
            (false, _) => {
                event.location(&place.join(", "));
            }
            (true, Some(link)) => {
                event.location(link);
            }
            _ => {}
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

fn ics_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// One event, for calendars (no token: what anyone may see).
#[get("/events/{id}.ics")]
async fn ics(ctx: web::Data<Context>, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let view = events::show(&ctx, None, id).await?;
    if view.organizer.domain.is_some() {
        return Err(ApiError::not_found());
    }
    let title = view.event.title.clone();
    Ok(ics_response(calendar(&title, &[view])))
}

/// A group's events, for calendars to subscribe to.
#[get("/users/{name}/events.ics")]
async fn feed(ctx: web::Data<Context>, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (group, views) = events::feed(&ctx, &name).await?;
    let title = if group.display_name.is_empty() {
        group.username.clone()
    } else {
        group.display_name.clone()
    };
    Ok(ics_response(calendar(&title, &views)))
}
