//! Plain posts received from other nodes are stored in batches.
//!
//! Under a burst, one transaction per received post spends most of the
//! database's time on round trips and commits. Here each inbox request
//! hands its post to a few writers and waits; a writer takes every post
//! waiting (up to [`MOST_PER_BATCH`]) and stores them together: one
//! statement inserts the posts, a few more link replies, tags and
//! subscribers' notifications, one commit. The post's own id is what makes
//! a repeated delivery a no-op (posts are never removed, only marked
//! deleted), so these activities' ids need not be recorded besides.
//! The request is answered only after that commit, so an accepted post is
//! a stored one. When nothing else is waiting a batch is one post, with no
//! added wait.
//!
//! Plain posts (no local side effects beyond storage, see
//! [`ReceivedPost::plain`]) and posts made in one of this node's groups
//! (checked against its rules and announced, see `received_in_groups`)
//! come here; the rest take `statuses::receive_create` one at a time.
//! Either way a post is checked into a [`ReceivedPost`] and stored by
//! [`store_in`]: one path for every received or fetched post.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::urls::Urls;
use moot_db::accounts::Account;
use moot_db::media::NewRemoteMedia;
use moot_db::statuses::{self as queries, NewStatus, Status};
use moot_db::{follows, notifications};
use moot_protocol::media::RemoteMedia;
use moot_protocol::notes::{RemoteNote, Visibility};
use tokio::sync::{mpsc, oneshot, Mutex};
use url::Url;

use crate::received_in_groups::{InGroup, LocalGroups};
use crate::{AppError, Context};

/// Writers storing batches at once: one can fill its next batch while the
/// other waits on a commit (measured: two take as many posts a second as
/// four, eight take fewer), and connections are left to everything else.
const WRITERS: usize = 2;

/// The writers' name for PostgreSQL (`application_name`).
pub const WRITER_NAME: &str = "moot: received posts";

/// Most posts stored in one transaction.
const MOST_PER_BATCH: usize = 64;

/// A received post, checked and sanitized, ready to store.
pub struct ReceivedPost {
    ap_id: String,
    account_id: i64,
    in_reply_to_id: Option<i64>,
    in_reply_to_ap_id: Option<String>,
    kind: String,
    content: String,
    spoiler_text: String,
    sensitive: bool,
    visibility: Visibility,
    language: Option<String>,
    url: Option<String>,
    created_at: chrono::DateTime<Utc>,
    /// Whom it is addressed to (its audience first): a group followed here
    /// makes it wanted.
    addressees: Vec<String>,
    /// Whom it mentions, by ActivityPub id.
    mentions: Vec<String>,
    /// Its files, where they live on their server.
    media: Vec<RemoteMedia>,
    /// The hashtags it is tagged with (besides those in its text).
    hashtags: Vec<String>,
    /// Its custom emoji: (`shortcode`, picture).
    emojis: Vec<(String, String)>,
    /// The post it quotes.
    quote_ap_id: Option<String>,
    /// The group here it is made in, if it goes through the writers.
    group: Option<InGroup>,
}

impl ReceivedPost {
    /// A post by `author` (whose ActivityPub id is `author_uri`) as it is
    /// stored: refused unless it is attributed to the actor that sent it;
    /// `content` is its sanitized HTML.
    pub fn from_note(
        urls: &Urls,
        author: &Account,
        author_uri: &Url,
        note: &RemoteNote,
        content: String,
    ) -> Result<ReceivedPost, AppError> {
        if note.author().as_ref() != Some(author_uri) {
            return Err(AppError::Forbidden(
                "a post can only be created by its author".into(),
            ));
        }
        let parent = note.in_reply_to();
        let media = note.media();
        Ok(ReceivedPost {
            ap_id: note.id.to_string(),
            account_id: author.id,
            in_reply_to_id: parent
                .as_ref()
                .and_then(|uri| crate::statuses::local_status_id_in(urls, uri)),
            in_reply_to_ap_id: parent.map(String::from),
            kind: note.kind.clone(),
            content,
            spoiler_text: note.summary.clone().unwrap_or_default(),
            sensitive: note.sensitive.unwrap_or(false) || media.iter().any(|m| m.sensitive),
            visibility: Visibility::from_addressing(
                &note.to(),
                &note.cc(),
                author.followers_url.as_deref(),
            ),
            language: note.language(),
            url: note.url(),
            created_at: note.published.unwrap_or_else(Utc::now),
            addressees: note.addressees(),
            mentions: note.mentions(),
            media,
            hashtags: note.hashtags(),
            emojis: note.emojis(),
            quote_ap_id: note.quoted().map(String::from),
            group: None,
        })
    }

    /// `from_note`, without the files of a domain whose media this node
    /// rejects.
    pub fn checked(
        ctx: &Context,
        author: &Account,
        author_uri: &Url,
        note: &RemoteNote,
        content: String,
    ) -> Result<ReceivedPost, AppError> {
        let post = ReceivedPost::from_note(&ctx.urls, author, author_uri, note, content)?;
        Ok(match crate::statuses::media_rejected(ctx, author) {
            true => post.without_media(),
            false => post,
        })
    }

    /// The post as made in the local `group`, which announces `activity`.
    pub(crate) fn in_group(mut self, group: Account, activity: serde_json::Value) -> Self {
        self.group = Some(InGroup { group, activity });
        self
    }

    /// The post without its files (from a domain whose media this node
    /// rejects).
    pub fn without_media(mut self) -> Self {
        self.media.clear();
        self
    }

    /// Whether storing `note` is all there is to do: not a poll, and
    /// addressed to nobody and no group on this node (those notify,
    /// announce and check membership).
    pub fn is_plain(urls: &Urls, note: &RemoteNote) -> bool {
        let ours = urls.base().as_str();
        note.kind != "Question" && !note.addressees().iter().any(|uri| uri.starts_with(ours))
    }

    /// The post, if it is plain (see `is_plain`) and attributed to the
    /// actor that sent it.
    pub fn plain(
        ctx: &Context,
        author: &Account,
        author_uri: &Url,
        note: &RemoteNote,
        content: impl FnOnce() -> String,
    ) -> Option<ReceivedPost> {
        if !ReceivedPost::is_plain(&ctx.urls, note) {
            return None;
        }
        ReceivedPost::checked(ctx, author, author_uri, note, content()).ok()
    }

    /// The stored post it replies to: a local one, or among `stored` (see
    /// `stored_parents`).
    fn parent_id(&self, stored: &HashMap<String, i64>) -> Option<i64> {
        let parent = self.in_reply_to_ap_id.as_deref();
        self.in_reply_to_id.or_else(|| stored.get(parent?).copied())
    }

    fn row(&self, in_reply_to_id: Option<i64>) -> NewStatus<'_> {
        NewStatus {
            ap_id: Some(&self.ap_id),
            account_id: self.account_id,
            in_reply_to_id,
            in_reply_to_ap_id: self.in_reply_to_ap_id.as_deref(),
            kind: &self.kind,
            content: &self.content,
            source: None,
            spoiler_text: &self.spoiler_text,
            sensitive: self.sensitive,
            visibility: self.visibility.as_str(),
            language: self.language.as_deref(),
            url: self.url.as_deref(),
            created_at: self.created_at,
            group_id: self.group.as_ref().map(|g| g.group.id),
            quote_ap_id: self.quote_ap_id.as_deref(),
        }
    }
}

/// What a writer answers for one post: stored (or known already), refused,
/// or not taken (its group is gone: the one-at-a-time path decides).
type Answer = Result<bool, AppError>;

struct Job {
    post: ReceivedPost,
    done: oneshot::Sender<Answer>,
}

/// The queue to the writers, started on first use.
#[derive(Default)]
pub struct ReceivedPosts {
    queue: OnceLock<mpsc::Sender<Job>>,
    /// This node's groups, by name, for telling group posts apart.
    pub(crate) groups: LocalGroups,
}

impl ReceivedPosts {
    /// Starts the writers on the current runtime (if not yet started).
    pub fn start(&self, ctx: &Context) {
        self.sender(ctx);
    }

    fn sender(&self, ctx: &Context) -> &mpsc::Sender<Job> {
        self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(WRITERS * MOST_PER_BATCH);
            let receiver = Arc::new(Mutex::new(receiver));
            for _ in 0..WRITERS {
                tokio::spawn(write_batches(ctx.clone(), receiver.clone()));
            }
            sender
        })
    }

    /// Stores `post` with others waiting; returns once it is committed:
    /// true, or false if it was not taken (see [`Answer`]).
    pub async fn store(&self, ctx: &Context, post: ReceivedPost) -> Answer {
        let (done, answer) = oneshot::channel();
        self.sender(ctx)
            .send(Job { post, done })
            .await
            .map_err(|_| AppError::Busy)?;
        answer.await.map_err(|_| AppError::Busy)?
    }
}

/// One writer: takes what is waiting, stores it, answers, and again.
async fn write_batches(ctx: Context, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    // Its own connection, so that PostgreSQL's answers are read on this
    // runtime (see `OwnConnection`): two writers on pooled connections
    // stored a quarter to a half fewer posts a second.
    let mut own = moot_db::OwnConnection::named(WRITER_NAME);
    loop {
        let mut jobs = Vec::with_capacity(MOST_PER_BATCH);
        {
            let mut queue = queue.lock().await;
            if queue.recv_many(&mut jobs, MOST_PER_BATCH).await == 0 {
                return; // the queue is closed
            }
        }
        let posts: Vec<&ReceivedPost> = jobs.iter().map(|j| &j.post).collect();
        match store_on_own(&ctx, &mut own, &posts).await {
            Ok(answers) => {
                for (job, answer) in jobs.into_iter().zip(answers) {
                    let _ = job.done.send(answer);
                }
            }
            Err(e) if jobs.len() == 1 => drop(jobs.pop().map(|j| j.done.send(Err(e)))),
            Err(e) => {
                // One bad post must not fail the others: each on its own.
                tracing::info!(error = %e, posts = jobs.len(), "a batch of received posts failed; storing them one by one");
                for job in jobs {
                    let answer = match store_on_own(&ctx, &mut own, &[&job.post]).await {
                        Ok(mut answers) => answers.pop().unwrap_or(Err(AppError::Busy)),
                        Err(e) => Err(e),
                    };
                    let _ = job.done.send(answer);
                }
            }
        }
    }
}

/// Stores a batch on the writer's own connection; once more on a new one
/// if the connection broke under it (the database restarted, the backend
/// killed: the client may learn of it only from the batch's first
/// statement), rather than fail every request waiting. Storing again is
/// safe: a post already stored is known by its id.
async fn store_on_own(
    ctx: &Context,
    own: &mut moot_db::OwnConnection,
    posts: &[&ReceivedPost],
) -> Result<Vec<Answer>, AppError> {
    let first = match own.get(&ctx.db).await {
        Ok(conn) => store_batch(ctx, conn, posts).await,
        Err(e) => Err(e.into()),
    };
    match first {
        Err(e) if own.is_broken() => {
            tracing::info!(error = %e, "a writer's database connection broke; storing on a new one");
            store_batch(ctx, own.get(&ctx.db).await?, posts).await
        }
        stored => stored,
    }
}

/// Stores a batch in one transaction; each post's answer, in order.
async fn store_batch(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
) -> Result<Vec<Answer>, AppError> {
    let (verdicts, created) = conn
        .transaction::<_, AppError, _>(async |conn| {
            // Replies in groups are checked against closed threads: their
            // parents are looked up here (the others' when they are stored).
            let in_groups: Vec<&ReceivedPost> = posts
                .iter()
                .copied()
                .filter(|p| p.group.is_some())
                .collect();
            moot_db::plan_for_these_values(conn).await?;
            let parents = stored_parents(conn, &in_groups).await?;
            let checks: Vec<_> = posts
                .iter()
                .map(|p| (p.group.as_ref(), p.account_id, p.parent_id(&parents)))
                .collect();
            let verdicts = crate::received_in_groups::admit(conn, &checks).await?;
            let admitted: Vec<&ReceivedPost> = posts
                .iter()
                .zip(&verdicts)
                .filter(|(_, verdict)| matches!(verdict, Some(Ok(()))))
                .map(|(p, _)| *p)
                .collect();
            let wanted = wanted(conn, &admitted).await?;
            if wanted.len() < admitted.len() {
                tracing::debug!(
                    dropped = admitted.len() - wanted.len(),
                    "posts from people nobody here follows, to nobody here"
                );
            }
            let created = store_planned(conn, &wanted).await?;
            let in_groups: Vec<(&Status, &InGroup)> = received_for(&wanted, &created)
                .filter_map(|(status, post)| Some((status, post.group.as_ref()?)))
                .collect();
            crate::received_in_groups::after_store(ctx, conn, &in_groups).await?;
            Ok((verdicts, created))
        })
        .await?;
    for status in &created {
        crate::cards::attach_later(ctx, status);
    }
    Ok(verdicts
        .into_iter()
        .map(|verdict| match verdict {
            Some(Ok(())) => Ok(true),
            Some(Err(refused)) => Err(refused),
            None => Ok(false),
        })
        .collect())
}

/// The posts someone here wants, as Mastodon decides it: their author is
/// followed here (or asked to be), they reply to a post stored here, or
/// they are made in a group followed here or in one of this node's groups
/// (and admitted by its rules). A public post from a stranger to nobody
/// here is left out: otherwise anyone could fill the node's timelines and
/// search. (Posts to someone here do not come this way: see
/// `ReceivedPost::is_plain`.)
async fn wanted<'a>(
    conn: &mut AsyncPgConnection,
    posts: &[&'a ReceivedPost],
) -> Result<Vec<&'a ReceivedPost>, AppError> {
    let authors: Vec<i64> = posts.iter().map(|p| p.account_id).collect();
    let followed: HashSet<i64> = follows::followed_here(conn, &authors)
        .await?
        .into_iter()
        .collect();
    let known = |p: &ReceivedPost| {
        followed.contains(&p.account_id) || p.in_reply_to_id.is_some() || p.group.is_some()
    };
    let strangers: Vec<&ReceivedPost> = posts.iter().copied().filter(|p| !known(p)).collect();
    if strangers.is_empty() {
        return Ok(posts.to_vec());
    }
    let parents = stored_parents(conn, &strangers).await?;
    let uris: Vec<&str> = strangers
        .iter()
        .flat_map(|p| p.addressees.iter().map(String::as_str))
        .collect();
    let groups: HashSet<String> = follows::groups_followed_here(conn, &uris)
        .await?
        .into_iter()
        .collect();
    // In the order they came.
    Ok(posts
        .iter()
        .copied()
        .filter(|p| {
            known(p)
                || p.in_reply_to_ap_id
                    .as_ref()
                    .is_some_and(|parent| parents.contains_key(parent))
                || p.addressees.iter().any(|a| groups.contains(a))
        })
        .collect())
}

/// Stores `posts` in the transaction `conn` is in, with what each new one
/// brings (see `after_insert`); the posts that were new. A post already
/// stored (a repeated delivery, or the same post in another activity) is
/// left out, and so is all that follows.
pub async fn store_in(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
) -> Result<Vec<Status>, AppError> {
    moot_db::plan_for_these_values(conn).await?;
    store_planned(conn, posts).await
}

/// [`store_in`] in a transaction already under
/// [`moot_db::plan_for_these_values`] (a batch writer's): one round trip
/// fewer per batch.
async fn store_planned(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
) -> Result<Vec<Status>, AppError> {
    let parents = stored_parents(conn, posts).await?;
    let rows: Vec<NewStatus> = posts.iter().map(|p| p.row(p.parent_id(&parents))).collect();
    // The insert's foreign-key checks and triggers plan as usual: their
    // plans suit any values, and planning them anew for every row and
    // batch cost PostgreSQL about a tenth of its time per post.
    moot_db::plan_as_usual(conn).await?;
    let created = queries::insert_remote_many(conn, &rows).await?;
    moot_db::plan_for_these_values(conn).await?;
    after_insert(conn, &created).await?;
    add_remote_mentions(conn, posts, &created).await?;
    add_remote_media(conn, posts, &created).await?;
    add_tagged(conn, posts, &created).await?;
    let emojis: Vec<(i64, &str, &str)> = received_for(posts, &created)
        .flat_map(|(s, post)| {
            post.emojis
                .iter()
                .map(move |(name, url)| (s.id, name.as_str(), url.as_str()))
        })
        .collect();
    queries::add_emojis(conn, &emojis).await?;
    Ok(created)
}

/// Each new post with what was received for it.
fn received_for<'a>(
    posts: &'a [&'a ReceivedPost],
    created: &'a [Status],
) -> impl Iterator<Item = (&'a Status, &'a ReceivedPost)> {
    created.iter().filter_map(|status| {
        let post = posts
            .iter()
            .find(|p| status.ap_id.as_deref() == Some(&p.ap_id))?;
        Some((status, *post))
    })
}

/// The hashtags new posts are tagged with but do not show in their text
/// (some servers put them in `tag` alone), for tag timelines.
async fn add_tagged(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
    created: &[Status],
) -> Result<(), AppError> {
    let pairs: Vec<(i64, &str)> = received_for(posts, created)
        .flat_map(|(s, post)| post.hashtags.iter().map(move |t| (s.id, t.as_str())))
        .collect();
    Ok(queries::add_tags_of_many(conn, &pairs).await?)
}

/// Keeps the addresses of new posts' files, as their media.
async fn add_remote_media(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
    created: &[Status],
) -> Result<(), AppError> {
    let mut rows = Vec::new();
    for (status, post) in received_for(posts, created) {
        rows.extend(post.media.iter().enumerate().map(|(n, m)| NewRemoteMedia {
            account_id: status.account_id,
            status_id: Some(status.id),
            file_key: format!("remote/{}#{n}", post.ap_id),
            content_type: m.media_type.clone().unwrap_or_default(),
            kind: m.kind.to_owned(),
            file_size: 0,
            sha256: String::new(),
            description: m.description.chars().take(1500).collect(),
            focus_x: m.focus.map(|f| f.0),
            focus_y: m.focus.map(|f| f.1),
            remote_url: Some(m.url.clone()),
            remote_preview_url: m.preview_url.clone(),
            blurhash: m.blurhash.clone(),
            width: m.width,
            height: m.height,
        }));
    }
    moot_db::media::insert_remote(conn, &rows).await?;
    Ok(())
}

/// Lists the people on other nodes a new post mentions (those known here;
/// none is fetched for this), as Mastodon lists them. People here are
/// added, and told, where the post is received (`statuses`).
async fn add_remote_mentions(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
    created: &[Status],
) -> Result<(), AppError> {
    let hrefs: Vec<&str> = posts
        .iter()
        .flat_map(|p| p.mentions.iter().map(String::as_str))
        .collect();
    if hrefs.is_empty() {
        return Ok(());
    }
    let known: HashMap<String, i64> = moot_db::accounts::remote_ids_by_ap_ids(conn, &hrefs)
        .await?
        .into_iter()
        .map(|(id, ap_id)| (ap_id, id))
        .collect();
    for (status, post) in received_for(posts, created) {
        let ids: Vec<i64> = post
            .mentions
            .iter()
            .filter_map(|m| known.get(m).copied())
            .collect();
        queries::add_mentions(conn, status.id, &ids).await?;
    }
    Ok(())
}

/// Ids of the remote parents of `posts` that are stored, by their ids.
async fn stored_parents(
    conn: &mut AsyncPgConnection,
    posts: &[&ReceivedPost],
) -> Result<HashMap<String, i64>, AppError> {
    let unresolved: Vec<&str> = posts
        .iter()
        .filter(|p| p.in_reply_to_id.is_none())
        .filter_map(|p| p.in_reply_to_ap_id.as_deref())
        .collect();
    if unresolved.is_empty() {
        return Ok(HashMap::new());
    }
    let found = queries::ids_by_ap_ids(conn, &unresolved).await?;
    Ok(found.into_iter().map(|(id, ap_id)| (ap_id, id)).collect())
}

/// What a new post brings with it: its hashtags, the replies that were
/// waiting for it, and notifications to those subscribed to its author
/// (for every received post, batched or not).
async fn after_insert(conn: &mut AsyncPgConnection, created: &[Status]) -> Result<(), AppError> {
    let tags: Vec<(i64, String)> = created
        .iter()
        .flat_map(|s| {
            crate::statuses::tags_of(s)
                .into_iter()
                .map(move |t| (s.id, t))
        })
        .collect();
    let tag_pairs: Vec<(i64, &str)> = tags.iter().map(|(id, t)| (*id, t.as_str())).collect();
    queries::add_tags_of_many(conn, &tag_pairs).await?;

    let ap_ids: Vec<&str> = created.iter().filter_map(|s| s.ap_id.as_deref()).collect();
    for awaited in queries::awaited_parents(conn, &ap_ids).await? {
        if let Some(parent) = created.iter().find(|s| s.ap_id.as_ref() == Some(&awaited)) {
            queries::link_orphans(conn, parent.id, &awaited).await?;
        }
    }

    let announcing: Vec<&Status> = created
        .iter()
        .filter(|s| crate::statuses::tells_subscribers(s))
        .collect();
    let authors: Vec<i64> = announcing.iter().map(|s| s.account_id).collect();
    if authors.is_empty() {
        return Ok(());
    }
    let subscribers = follows::subscribers_of_many(conn, &authors).await?;
    for status in announcing {
        let theirs: Vec<i64> = subscribers
            .iter()
            .filter(|(author, _)| *author == status.account_id)
            .map(|(_, subscriber)| *subscriber)
            .collect();
        notifications::add(conn, &theirs, "status", status.account_id, Some(status.id)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

    /// This node's address of `path`.
    fn here(path: &str) -> String {
        urls().base().join(path).unwrap().to_string()
    }

    fn urls() -> Urls {
        let mut settings = moot_core::Settings::defaults();
        settings.server.hostname = "council-a.example".into();
        Urls::new(&settings)
    }

    fn author() -> (Account, Url) {
        let mut sam = crate::model::test_account(7, "sam", Some("council-b.example"));
        sam.followers_url = Some("https://council-b.example/users/sam/followers".into());
        (
            sam,
            Url::parse("https://council-b.example/users/sam").unwrap(),
        )
    }

    fn note(extra: serde_json::Value) -> RemoteNote {
        let mut note = json!({
            "id": "https://council-b.example/notes/1",
            "type": "Note",
            "attributedTo": "https://council-b.example/users/sam",
            "content": "<p>Hello</p>",
            "to": [PUBLIC],
            "cc": ["https://council-b.example/users/sam/followers"],
        });
        note.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(note).unwrap()
    }

    #[test]
    fn a_post_is_stored_only_as_its_authors() {
        let (sam, sam_uri) = author();
        let forged = note(json!({"attributedTo": "https://council-b.example/users/jo"}));
        let refused = ReceivedPost::from_note(&urls(), &sam, &sam_uri, &forged, String::new());
        assert!(matches!(refused, Err(AppError::Forbidden(_))));
        let own = ReceivedPost::from_note(&urls(), &sam, &sam_uri, &note(json!({})), "x".into());
        let own = own.unwrap();
        assert_eq!(own.account_id, 7);
        assert_eq!(own.visibility, Visibility::Public);
    }

    #[test]
    fn addressing_decides_visibility() {
        let (sam, sam_uri) = author();
        let followers =
            note(json!({"to": ["https://council-b.example/users/sam/followers"], "cc": []}));
        let post = ReceivedPost::from_note(&urls(), &sam, &sam_uri, &followers, String::new());
        assert_eq!(post.unwrap().visibility, Visibility::Private);
        let direct = note(json!({"to": [here("users/jo")], "cc": []}));
        let post = ReceivedPost::from_note(&urls(), &sam, &sam_uri, &direct, String::new());
        assert_eq!(post.unwrap().visibility, Visibility::Direct);
    }

    #[test]
    fn a_reply_to_a_local_post_points_at_it() {
        let (sam, sam_uri) = author();
        let reply = note(json!({"inReplyTo": here("statuses/42")}));
        let post = ReceivedPost::from_note(&urls(), &sam, &sam_uri, &reply, String::new()).unwrap();
        assert_eq!(post.in_reply_to_id, Some(42));
        let remote = note(json!({"inReplyTo": "https://council-c.example/notes/9"}));
        let post =
            ReceivedPost::from_note(&urls(), &sam, &sam_uri, &remote, String::new()).unwrap();
        assert_eq!(post.in_reply_to_id, None, "found when stored, if it is");
        assert_eq!(
            post.in_reply_to_ap_id.as_deref(),
            Some("https://council-c.example/notes/9")
        );
    }

    #[test]
    fn posts_that_concern_this_node_are_not_plain() {
        assert!(ReceivedPost::is_plain(&urls(), &note(json!({}))));
        let mention = note(json!({"cc": [here("users/jo")]}));
        assert!(
            !ReceivedPost::is_plain(&urls(), &mention),
            "a local mention"
        );
        let group = note(json!({"audience": here("users/housing"),
                                "to": [PUBLIC, here("users/housing")]}));
        assert!(!ReceivedPost::is_plain(&urls(), &group), "a local group");
        let poll = note(json!({"type": "Question"}));
        assert!(!ReceivedPost::is_plain(&urls(), &poll), "a poll");
    }
}
