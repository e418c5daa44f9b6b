//! The streaming API: a WebSocket at `/api/v1/streaming` with subscribe and
//! unsubscribe messages, the same streams as server-sent events under
//! `/api/v1/streaming/...`, and `/api/v1/streaming/health`. Events come from
//! `moot_app::streaming`; each connection renders them for its viewer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, Session};
use futures_util::StreamExt;
use moot_app::model::{Account, Entry};
use moot_app::streaming::{Event, Op};
use moot_app::views::filtering::FilterContext;
use moot_app::views::{notifications, timelines};
use moot_app::Context;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use tokio::sync::mpsc;

use crate::errors::ApiError;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health)
        .service(websocket)
        .service(server_sent_events);
}

/// How often an idle connection hears from the server.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often an open stream checks that its token still works (revoked,
/// or its person suspended, it ends).
const RECHECK: Duration = Duration::from_secs(3);
/// Streams one WebSocket may subscribe to.
const MAX_SUBSCRIPTIONS: usize = 32;

#[get("/api/v1/streaming/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("OK")
}

/// One subscription: a stream name and, for hashtag streams, the tag (for
/// list streams, the list id).
#[derive(Debug, Clone, PartialEq)]
struct Subscription {
    stream: String,
    tag: Option<String>,
}

impl Subscription {
    /// Checks a stream name and its parameter.
    fn new(stream: &str, tag: Option<String>) -> Result<Subscription, String> {
        match stream {
            "user" | "user:notification" | "public" | "public:local" | "public:remote" => {
                Ok(Subscription {
                    stream: stream.to_owned(),
                    tag: None,
                })
            }
            "list" => match tag.filter(|t| t.parse::<i64>().is_ok()) {
                Some(list) => Ok(Subscription {
                    stream: stream.to_owned(),
                    tag: Some(list),
                }),
                None => Err("Missing list parameter".into()),
            },
            "hashtag" | "hashtag:local" => match tag.filter(|t| !t.trim().is_empty()) {
                Some(tag) => Ok(Subscription {
                    stream: stream.to_owned(),
                    tag: Some(tag.trim().trim_start_matches('#').to_owned()),
                }),
                None => Err("Missing tag name parameter".into()),
            },
            _ => Err(format!("Unknown stream type `{stream}`")),
        }
    }

    /// The stream as Mastodon names it in messages: `["hashtag", "tag"]`.
    fn names(&self) -> Vec<String> {
        let mut names = vec![self.stream.clone()];
        names.extend(self.tag.clone());
        names
    }
}

/// One message to send: the stream it is on, the event, its payload.
struct Message {
    stream: Vec<String>,
    event: &'static str,
    payload: String,
}

/// The streams one connection is subscribed to, changed by its client's
/// messages while its listener runs.
type Subscriptions = Arc<Mutex<Vec<Subscription>>>;

/// A connection's view of the node's events.
struct Listener {
    ctx: web::Data<Context>,
    /// The token the connection was opened with.
    token: String,
    viewer: Account,
    events: Receiver<Arc<Event>>,
    subscriptions: Subscriptions,
}

impl Listener {
    /// Runs the listener in a task of its own, its messages in the channel
    /// returned, until the connection drops the channel. Rendering an event
    /// reads the database; a task of its own lets the connection wait on
    /// its client and the channel at once without ever dropping an event
    /// half rendered.
    fn start(mut self) -> mpsc::Receiver<Message> {
        let (sender, messages) = mpsc::channel(16);
        let mut revoked = self.watch_token();
        actix_web::rt::spawn(async move {
            loop {
                tokio::select! {
                    _ = sender.closed() => break,
                    // The connection ends: an event being rendered for it
                    // is dropped with it.
                    _ = &mut revoked => break,
                    message = self.next() => {
                        let Some(message) = message else { break };
                        if sender.send(message).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
        messages
    }

    /// Resolves once the connection's token no longer works. A task of its
    /// own checks it every `RECHECK` (from the read cache, which a
    /// revocation or a suspension empties at once), so that the listener's
    /// own loop is never interrupted but to end.
    fn watch_token(&self) -> tokio::sync::oneshot::Receiver<()> {
        let (revoked, heard) = tokio::sync::oneshot::channel();
        let (ctx, token) = (self.ctx.clone(), self.token.clone());
        actix_web::rt::spawn(async move {
            while !revoked.is_closed() {
                tokio::time::sleep(RECHECK).await;
                let valid = moot_app::tokens::authenticate(&ctx, &token).await;
                if matches!(valid, Ok(None)) || matches!(&valid, Ok(Some(s)) if !s.user.approved) {
                    let _ = revoked.send(());
                    return;
                }
            }
        });
        heard
    }

    /// The next event for one of this connection's streams; None when the
    /// node stops.
    async fn next(&mut self) -> Option<Message> {
        loop {
            let event = match self.events.recv().await {
                Ok(event) => event,
                // A slow client misses what it fell behind by.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            let viewer = Some(self.viewer.id);
            let on = self
                .subscriptions
                .lock()
                .expect("subscriptions lock")
                .iter()
                .find(|s| event.belongs_to(&s.stream, viewer, s.tag.as_deref()))
                .cloned();
            let Some(on) = on else {
                continue;
            };
            let stream = on.names();
            match self.render(&event, &on.stream).await {
                Ok(Some((event, payload))) => {
                    return Some(Message {
                        stream,
                        event,
                        payload,
                    })
                }
                Ok(None) => continue,
                Err(e) => tracing::warn!(error = %e, "streaming: event not rendered"),
            }
        }
    }

    /// The event as this connection's viewer sees it on `stream`: None
    /// when they may not see it or their filters hide it.
    async fn render(
        &self,
        event: &Event,
        stream: &str,
    ) -> Result<Option<(&'static str, String)>, ApiError> {
        let ctx = &self.ctx;
        let viewer = &self.viewer;
        Ok(match event {
            Event::Post(post) if post.op == Op::Delete => {
                Some(("delete", post.status.id.to_string()))
            }
            Event::Post(post) => {
                let name = match post.op {
                    Op::Edit => "status.update",
                    _ => "update",
                };
                let line = Entry {
                    id: post.boost.as_ref().map_or(post.status.id, |b| b.id),
                    status: post.status.clone(),
                    author: post.author.clone(),
                    boost: post.boost.clone(),
                };
                timelines::arriving(ctx, viewer, filter_context(stream), line)
                    .await?
                    .map(|shown| {
                        let body = presenter::entry(ctx, &shown, true);
                        (name, serde_json::to_string(&body).unwrap_or_default())
                    })
            }
            Event::Notification { notification, from } => {
                let (notification, from) = (notification.clone(), from.as_ref().clone());
                notifications::arriving(ctx, viewer, notification, from)
                    .await?
                    .map(|shown| {
                        let body = presenter::notification(ctx, &shown);
                        let body = serde_json::to_string(&body).unwrap_or_default();
                        ("notification", body)
                    })
            }
        })
    }
}

/// The filter context of what a stream carries: a person's home and lists
/// are `home`, the public and hashtag streams `public`.
fn filter_context(stream: &str) -> FilterContext {
    match stream {
        "user" | "list" => FilterContext::Home,
        _ => FilterContext::Public,
    }
}

/// The access token: `Authorization: Bearer`, the `access_token` query
/// parameter, or (browsers' WebSockets) `Sec-WebSocket-Protocol`.
fn token_of(req: &HttpRequest, query: &StreamQuery) -> (Option<String>, bool) {
    if let Some(token) = crate::auth::bearer_token(req) {
        return (Some(token), false);
    }
    if let Some(token) = query.access_token.clone().filter(|t| !t.is_empty()) {
        return (Some(token), false);
    }
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    (protocol.clone(), protocol.is_some())
}

async fn listener(ctx: web::Data<Context>, token: Option<String>) -> Result<Listener, ApiError> {
    use actix_web::http::StatusCode;
    let invalid = || ApiError::new(StatusCode::UNAUTHORIZED, "Error: Missing access token");
    let token = token.ok_or_else(invalid)?;
    let session = moot_app::tokens::authenticate(&ctx, &token)
        .await?
        .filter(|s| s.user.approved)
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Error: Invalid access token"))?;
    if !session.scopes.allows("read:statuses") && !session.scopes.allows("read:notifications") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Error: Access token does not cover required scopes",
        ));
    }
    let events = ctx.streams.subscribe();
    Ok(Listener {
        ctx,
        token,
        viewer: session.account,
        events,
        subscriptions: Default::default(),
    })
}

#[derive(Deserialize)]
struct StreamQuery {
    access_token: Option<String>,
    stream: Option<String>,
    tag: Option<String>,
    list: Option<String>,
}

impl StreamQuery {
    /// The stream's parameter: a hashtag or a list id.
    fn parameter(&self) -> Option<String> {
        self.tag.clone().or_else(|| self.list.clone())
    }
}

/// Server-sent events: `/api/v1/streaming/user`, `/public/local`, ...
/// (and the older `/api/v1/streaming?stream=user` without an upgrade).
#[get("/api/v1/streaming/{stream:.+}")]
async fn server_sent_events(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<StreamQuery>,
) -> Result<HttpResponse, ApiError> {
    let stream = path.replace('/', ":");
    sse_response(ctx, &req, &stream, &query).await
}

async fn sse_response(
    ctx: web::Data<Context>,
    req: &HttpRequest,
    stream: &str,
    query: &StreamQuery,
) -> Result<HttpResponse, ApiError> {
    let subscription =
        Subscription::new(stream, query.parameter()).map_err(ApiError::bad_request)?;
    let (token, _) = token_of(req, query);
    let listener = listener(ctx, token).await?;
    listener
        .subscriptions
        .lock()
        .expect("subscriptions lock")
        .push(subscription);
    let messages = listener.start();
    let body = futures_util::stream::unfold(messages, |mut messages| async move {
        let chunk = tokio::select! {
            message = messages.recv() => {
                let message = message?;
                Bytes::from(format!("event: {}\ndata: {}\n\n", message.event, message.payload))
            }
            _ = tokio::time::sleep(HEARTBEAT) => Bytes::from_static(b":thump\n\n"),
        };
        Some((Ok::<_, actix_web::Error>(chunk), messages))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// What a WebSocket client sends.
#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    stream: String,
    tag: Option<String>,
    list: Option<String>,
}

#[get("/api/v1/streaming")]
async fn websocket(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Payload,
    query: web::Query<StreamQuery>,
) -> Result<HttpResponse, ApiError> {
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        let stream = query.stream.clone().unwrap_or_else(|| "user".into());
        return sse_response(ctx, &req, &stream, &query).await;
    }
    let (token, by_protocol) = token_of(&req, &query);
    let listener = listener(ctx, token.clone()).await?;
    if let Some(stream) = &query.stream {
        let subscription =
            Subscription::new(stream, query.parameter()).map_err(ApiError::bad_request)?;
        listener
            .subscriptions
            .lock()
            .expect("subscriptions lock")
            .push(subscription);
    }
    let (mut response, session, incoming) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError::bad_request(format!("WebSocket handshake failed: {e}")))?;
    if let (true, Some(token)) = (by_protocol, token) {
        // The client offered its token as the protocol: it must be chosen.
        if let Ok(value) = header::HeaderValue::from_str(&token) {
            response
                .headers_mut()
                .insert(header::SEC_WEBSOCKET_PROTOCOL, value);
        }
    }
    let incoming = incoming
        .max_frame_size(64 * 1024)
        .aggregate_continuations()
        .max_continuation_size(64 * 1024);
    actix_web::rt::spawn(serve_websocket(listener, session, incoming));
    Ok(response)
}

async fn serve_websocket(
    listener: Listener,
    mut session: Session,
    mut incoming: actix_ws::AggregatedMessageStream,
) {
    let subscriptions = listener.subscriptions.clone();
    let mut messages = listener.start();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    loop {
        tokio::select! {
            message = messages.recv() => {
                let Some(message) = message else { break };
                let frame = json!({
                    "stream": message.stream,
                    "event": message.event,
                    "payload": message.payload,
                });
                if session.text(frame.to_string()).await.is_err() {
                    break;
                }
            }
            received = incoming.next() => match received {
                Some(Ok(AggregatedMessage::Text(text))) => {
                    if let Some(error) = handle_client_message(&subscriptions, &text) {
                        let frame = json!({"error": error, "status": 400});
                        if session.text(frame.to_string()).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(AggregatedMessage::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        break;
                    }
                }
                Some(Ok(AggregatedMessage::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = heartbeat.tick() => {
                if session.ping(b"").await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = session.close(None).await;
}

/// Applies a subscribe or unsubscribe message; the error to send, if any.
fn handle_client_message(subscriptions: &Subscriptions, text: &str) -> Option<String> {
    let message: ClientMessage = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(e) => return Some(format!("Malformed message: {e}")),
    };
    let subscription = match Subscription::new(&message.stream, message.tag.or(message.list)) {
        Ok(subscription) => subscription,
        Err(e) => return Some(e),
    };
    let mut subscriptions = subscriptions.lock().expect("subscriptions lock");
    match message.kind.as_str() {
        "subscribe" if subscriptions.contains(&subscription) => None,
        "subscribe" if subscriptions.len() >= MAX_SUBSCRIPTIONS => Some(format!(
            "At most {MAX_SUBSCRIPTIONS} subscriptions per connection"
        )),
        "subscribe" => {
            subscriptions.push(subscription);
            None
        }
        "unsubscribe" => {
            subscriptions.retain(|s| *s != subscription);
            None
        }
        other => Some(format!("Unknown message type `{other}`")),
    }
}
