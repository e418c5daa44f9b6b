//! Live events for streaming clients. PostgreSQL announces new, edited and
//! deleted posts and new notifications at commit (triggers on `statuses`
//! and `notifications`), so every process serving clients hears of what
//! any process wrote. Each process looks the row up once, works out who it
//! concerns, and broadcasts it to its connections, which pick their own.

use std::sync::Arc;
use std::time::Duration;

use moot_db::accounts::Account;
use moot_db::notifications::Notification;
use moot_db::statuses::Status;
use moot_protocol::notes::Visibility;
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::Context;

/// The PostgreSQL channel the triggers notify on.
pub const CHANNEL: &str = "moot_stream";

/// Events a slow connection may fall behind by before it misses some.
const BACKLOG: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Edit,
    Delete,
}

/// Something that happened, with who it concerns.
#[derive(Debug)]
pub enum Event {
    Post(Box<PostEvent>),
    Notification {
        notification: Notification,
        from: Box<Account>,
    },
}

/// A post created, edited or deleted.
#[derive(Debug)]
pub struct PostEvent {
    pub op: Op,
    pub status: Status,
    pub author: Account,
    /// Local people whose home timeline shows it.
    pub home_of: Vec<i64>,
    /// Its hashtags.
    pub hashtags: Vec<String>,
    /// Whether it belongs in the public timelines.
    pub public: bool,
    /// Who shared it, when the event is a boost.
    pub boost: Option<moot_db::timelines::Boost>,
    /// The lists (and their owners) whose timelines show it.
    pub lists: Vec<(i64, i64)>,
}

impl Event {
    /// Whether `stream` (`user`, `public`, `public:local`, `public:remote`,
    /// `hashtag`, `hashtag:local`, `list`, `user:notification`) of `viewer`
    /// carries this event; `tag` is the hashtag streams' tag, or the list
    /// stream's list id.
    pub fn belongs_to(&self, stream: &str, viewer: Option<i64>, tag: Option<&str>) -> bool {
        match self {
            Event::Notification { notification, .. } => {
                matches!(stream, "user" | "user:notification")
                    && viewer == Some(notification.account_id)
            }
            Event::Post(post) => {
                let PostEvent {
                    home_of,
                    public,
                    author,
                    hashtags,
                    boost,
                    lists,
                    ..
                } = post.as_ref();
                // Boosts show in home timelines only.
                if boost.is_some() && stream != "user" {
                    return false;
                }
                match stream {
                    "user" => viewer.is_some_and(|v| home_of.contains(&v)),
                    "list" => lists.iter().any(|(list, owner)| {
                        Some(*owner) == viewer && tag == Some(list.to_string().as_str())
                    }),
                    "public" => *public,
                    "public:local" => *public && author.domain.is_none(),
                    "public:remote" => *public && author.domain.is_some(),
                    "hashtag" | "hashtag:local" => {
                        let local_only = stream == "hashtag:local";
                        *public
                            && (!local_only || author.domain.is_none())
                            && tag
                                .is_some_and(|t| hashtags.iter().any(|h| h.eq_ignore_ascii_case(t)))
                    }
                    _ => false,
                }
            }
        }
    }
}

/// The broadcaster of one process.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<Event>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(BACKLOG).0,
        }
    }
}

impl Hub {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
}

/// What a trigger announced: one row (`id`), or new posts inserted by one
/// statement (`ids`).
#[derive(Deserialize)]
struct Announcement {
    kind: String,
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    ids: Vec<i64>,
    op: Option<Op>,
}

/// Listens for the triggers' announcements and broadcasts them, looked up,
/// to this process's streaming connections, for as long as the task runs.
pub fn start(ctx: &Context) -> tokio::task::JoinHandle<()> {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let (queue, mut announcements) = tokio::sync::mpsc::unbounded_channel::<String>();
        let listener = {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                loop {
                    let error = ctx
                        .db
                        .listen(CHANNEL, |payload| {
                            // Nobody connected: nothing to look up.
                            if ctx.streams.sender.receiver_count() > 0 {
                                let _ = queue.send(payload.to_owned());
                            }
                        })
                        .await;
                    tracing::warn!(%error, "streaming: not listening for events; retrying in 5 s");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            })
        };
        // Aborting this task stops the listener with it.
        let _listener = crate::domain_policy::AbortOnDrop(listener);
        while let Some(payload) = announcements.recv().await {
            let Ok(announcement) = serde_json::from_str::<Announcement>(&payload) else {
                continue;
            };
            for id in announcement.id.iter().chain(&announcement.ids) {
                match resolve(&ctx, &announcement, *id).await {
                    Ok(Some(event)) => {
                        let _ = ctx.streams.sender.send(Arc::new(event));
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, %payload, "streaming: event not sent"),
                }
            }
        }
    })
}

async fn resolve(
    ctx: &Context,
    announcement: &Announcement,
    id: i64,
) -> Result<Option<Event>, crate::AppError> {
    let mut conn = ctx.db.conn().await?;
    match announcement.kind.as_str() {
        "status" => {
            let Some((status, author)) = moot_db::statuses::find(&mut conn, id).await? else {
                return Ok(None);
            };
            let home_of = moot_db::statuses::home_audience(&mut conn, &status).await?;
            let lists = match status.reaches_followers() {
                true => moot_db::lists::holding(&mut conn, author.id).await?,
                false => Vec::new(),
            };
            let visibility = Visibility::parse(&status.visibility);
            let heard = crate::views::rules::in_public_timelines(&ctx.policy, &author);
            Ok(Some(Event::Post(Box::new(PostEvent {
                op: announcement.op.unwrap_or(Op::Create),
                public: visibility == Some(Visibility::Public) && heard,
                hashtags: crate::statuses::hashtags_of(status.source.as_deref(), &status.content),
                status,
                author,
                home_of,
                boost: None,
                lists,
            }))))
        }
        "boost" => {
            let Some(entry) = moot_db::timelines::boost(&mut conn, id).await? else {
                return Ok(None);
            };
            let Some(boost) = entry.boost else {
                return Ok(None);
            };
            let home_of =
                moot_db::statuses::boost_audience(&mut conn, boost.by.id, &entry.status).await?;
            Ok(Some(Event::Post(Box::new(PostEvent {
                op: Op::Create,
                public: false,
                hashtags: Vec::new(),
                status: entry.status,
                author: entry.author,
                home_of,
                boost: Some(boost),
                lists: Vec::new(),
            }))))
        }
        "notification" => {
            Ok(moot_db::notifications::find(&mut conn, id)
                .await?
                .map(|(notification, from)| Event::Notification {
                    notification,
                    from: Box::new(from),
                }))
        }
        _ => Ok(None),
    }
}
