//! Posting, editing and deleting posts, and taking in those of other nodes.
//! Local posts and remote ones go through the same checks here.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::text;
use moot_db::accounts::Account;
use moot_db::statuses::{self as queries, NewStatus, Status};
use moot_db::{follows, outbox, received};
use moot_protocol::notes::{self, LocalNote, RemoteNote, Visibility};
use url::Url;

use crate::follows::actor_id;
use crate::{AppError, Context};

/// Longest post, in characters.
pub const MAX_CHARS: usize = 5000;

/// What a local author writes.
#[derive(Debug, Clone)]
pub struct PostInput {
    pub text: String,
    pub visibility: Visibility,
    pub in_reply_to_id: Option<i64>,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("{e}"))
}

fn check_input(input: &PostInput) -> Result<(), AppError> {
    if input.text.trim().is_empty() {
        return Err(AppError::invalid("status", "can't be blank"));
    }
    if input.text.chars().count() + input.spoiler_text.chars().count() > MAX_CHARS {
        return Err(AppError::invalid(
            "status",
            format!("is longer than {MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The ActivityPub id of any post.
pub fn status_uri(ctx: &Context, status: &Status) -> Result<Url, AppError> {
    match &status.ap_id {
        Some(id) => Url::parse(id).map_err(internal),
        None => Ok(ctx.urls.status(status.id)),
    }
}

/// The id of a local post named by its ActivityPub id, if it is ours.
pub fn local_status_id(ctx: &Context, uri: &Url) -> Option<i64> {
    uri.as_str()
        .strip_prefix(ctx.urls.base().as_str())?
        .strip_prefix("statuses/")?
        .parse()
        .ok()
}

/// Whether `viewer` (None: anonymous) may see `status` by `author`.
pub async fn can_view(
    ctx: &Context,
    viewer: Option<&Account>,
    status: &Status,
    author: &Account,
) -> Result<bool, AppError> {
    if status.deleted_at.is_some() {
        return Ok(false);
    }
    match Visibility::parse(&status.visibility) {
        Some(Visibility::Public | Visibility::Unlisted) => Ok(true),
        _ if viewer.is_some_and(|v| v.id == author.id) => Ok(true),
        Some(Visibility::Private) => {
            let Some(viewer) = viewer else {
                return Ok(false);
            };
            let mut conn = ctx.db.conn().await?;
            Ok(follows::find(&mut conn, viewer.id, author.id)
                .await?
                .is_some_and(|f| f.accepted))
        }
        // Mentions are not tracked yet: direct posts are for their author only.
        _ => Ok(false),
    }
}

/// A post and its author, if `viewer` may see it; NotFound otherwise.
pub async fn get_visible(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
) -> Result<(Status, Account), AppError> {
    let mut conn = ctx.db.conn().await?;
    let (status, author) = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if can_view(ctx, viewer, &status, &author).await? {
        Ok((status, author))
    } else {
        Err(AppError::NotFound)
    }
}

/// Who hears about a local post: its addressing and the inboxes to deliver to.
struct Audience {
    to: Vec<String>,
    cc: Vec<String>,
    inboxes: Vec<Url>,
}

async fn audience(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    visibility: Visibility,
    parent_author: Option<&Account>,
) -> Result<Audience, AppError> {
    let followers = ctx.urls.person_collection(&author.username, "followers");
    let mentioned: Vec<Url> = match parent_author {
        Some(parent) if parent.id != author.id => vec![actor_id(ctx, parent)?],
        _ => Vec::new(),
    };
    let (to, cc) = visibility.addressing(&followers, &mentioned);
    let mut inboxes: Vec<Url> = Vec::new();
    if visibility != Visibility::Direct {
        for inbox in queries::follower_inboxes(conn, author.id).await? {
            inboxes.extend(Url::parse(&inbox).ok());
        }
    }
    if let Some(parent) = parent_author.filter(|p| p.domain.is_some()) {
        let inbox = parent
            .shared_inbox_url
            .as_deref()
            .or(parent.inbox_url.as_deref());
        inboxes.extend(inbox.and_then(|i| Url::parse(i).ok()));
    }
    inboxes.sort();
    inboxes.dedup();
    Ok(Audience { to, cc, inboxes })
}

fn render_local(
    ctx: &Context,
    author: &Account,
    status: &Status,
    audience: &Audience,
    in_reply_to: Option<Url>,
) -> serde_json::Value {
    notes::note(&LocalNote {
        id: ctx.urls.status(status.id),
        kind: &status.kind,
        author: ctx.urls.person(&author.username),
        url: ctx.urls.status_page(&author.username, status.id),
        content: &status.content,
        source: status.source.as_deref(),
        summary: &status.spoiler_text,
        sensitive: status.sensitive,
        language: status.language.as_deref(),
        published: status.created_at,
        updated: status.edited_at,
        in_reply_to,
        to: audience.to.clone(),
        cc: audience.cc.clone(),
    })
}

/// The parent of a reply, with its author, if `author` may see it.
async fn parent_of(
    ctx: &Context,
    author: &Account,
    id: Option<i64>,
) -> Result<Option<(Status, Account)>, AppError> {
    match id {
        None => Ok(None),
        Some(id) => get_visible(ctx, Some(author), id)
            .await
            .map(Some)
            .map_err(|_| AppError::invalid("in_reply_to_id", "the post replied to was not found")),
    }
}

/// A local post as the ActivityPub object served at its id.
pub async fn object_json(
    ctx: &Context,
    status: &Status,
    author: &Account,
) -> Result<serde_json::Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let parent = match status.in_reply_to_id {
        Some(parent_id) => queries::find(&mut conn, parent_id).await?,
        None => None,
    };
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let audience = audience(
        ctx,
        &mut conn,
        author,
        visibility,
        parent.as_ref().map(|(_, a)| a),
    )
    .await?;
    let parent_uri = status
        .in_reply_to_ap_id
        .as_deref()
        .and_then(|u| Url::parse(u).ok());
    Ok(render_local(ctx, author, status, &audience, parent_uri))
}

/// Publishes a local post; the `Create` goes to the outbox in the same
/// transaction.
pub async fn create(ctx: &Context, author: &Account, input: PostInput) -> Result<Status, AppError> {
    check_input(&input)?;
    let parent = parent_of(ctx, author, input.in_reply_to_id).await?;
    let content = text::render_markdown(&input.text);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let parent_uri = parent
            .as_ref()
            .map(|(s, _)| status_uri(ctx, s))
            .transpose()?;
        let status = queries::insert(
            conn,
            &NewStatus {
                ap_id: None,
                account_id: author.id,
                in_reply_to_id: parent.as_ref().map(|(s, _)| s.id),
                in_reply_to_ap_id: parent_uri.as_ref().map(Url::as_str),
                kind: "Note",
                content: &content,
                source: Some(&input.text),
                spoiler_text: &input.spoiler_text,
                sensitive: input.sensitive,
                visibility: input.visibility.as_str(),
                language: input.language.as_deref(),
                url: None,
                created_at: Utc::now(),
            },
        )
        .await?;
        let audience = audience(
            ctx,
            conn,
            author,
            input.visibility,
            parent.as_ref().map(|(_, a)| a),
        )
        .await?;
        let object = render_local(ctx, author, &status, &audience, parent_uri);
        publish(ctx, conn, author, "Create", &object, &audience.inboxes).await?;
        Ok(status)
    })
    .await
}

async fn publish(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    kind: &str,
    object: &serde_json::Value,
    inboxes: &[Url],
) -> Result<(), AppError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let activity = notes::wrap(
        kind,
        &ctx.urls.new_activity(),
        &ctx.urls.person(&author.username),
        object,
    );
    let id = activity["id"].as_str().unwrap_or_default().to_owned();
    outbox::enqueue(conn, author.id, &id, &activity.to_string(), inboxes).await?;
    Ok(())
}

/// A local post of `author`, for editing or deleting.
async fn own_post(
    ctx: &Context,
    author: &Account,
    id: i64,
) -> Result<(Status, Option<(Status, Account)>), AppError> {
    let mut conn = ctx.db.conn().await?;
    let (status, owner) = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner.id != author.id || status.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let parent = match status.in_reply_to_id {
        Some(parent_id) => queries::find(&mut conn, parent_id).await?,
        None => None,
    };
    Ok((status, parent))
}

/// Edits a local post; the `Update` reaches everyone who got the post.
pub async fn edit(
    ctx: &Context,
    author: &Account,
    id: i64,
    input: PostInput,
) -> Result<Status, AppError> {
    check_input(&input)?;
    let (status, parent) = own_post(ctx, author, id).await?;
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let content = text::render_markdown(&input.text);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let edited = queries::update_content(
            conn,
            status.id,
            &content,
            Some(&input.text),
            &input.spoiler_text,
            input.sensitive,
        )
        .await?;
        let audience = audience(
            ctx,
            conn,
            author,
            visibility,
            parent.as_ref().map(|(_, a)| a),
        )
        .await?;
        let parent_uri = edited
            .in_reply_to_ap_id
            .as_deref()
            .and_then(|u| Url::parse(u).ok());
        let object = render_local(ctx, author, &edited, &audience, parent_uri);
        publish(ctx, conn, author, "Update", &object, &audience.inboxes).await?;
        Ok(edited)
    })
    .await
}

/// Deletes a local post; a `Delete` with a `Tombstone` follows it out.
pub async fn delete(ctx: &Context, author: &Account, id: i64) -> Result<Status, AppError> {
    let (status, parent) = own_post(ctx, author, id).await?;
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::mark_deleted(conn, status.id).await?;
        let audience = audience(
            ctx,
            conn,
            author,
            visibility,
            parent.as_ref().map(|(_, a)| a),
        )
        .await?;
        if !audience.inboxes.is_empty() {
            let activity = notes::delete(
                &ctx.urls.new_activity(),
                &ctx.urls.person(&author.username),
                &ctx.urls.status(status.id),
                &audience.to,
                &audience.cc,
            );
            let activity_id = activity["id"].as_str().unwrap_or_default().to_owned();
            outbox::enqueue(
                conn,
                author.id,
                &activity_id,
                &activity.to_string(),
                &audience.inboxes,
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    Ok(status)
}

/// A post received from `actor`'s node (its origin already checked by the
/// federation layer). Stored once, however often it arrives.
pub async fn receive_create(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if received::first_time(conn, activity_id.as_str()).await? {
            store_remote_in(ctx, conn, actor, note).await?;
        }
        Ok(())
    })
    .await
}

/// Stores a remote post by `author` that was fetched (not delivered), e.g.
/// the parent of a reply or a search result. Returns the stored row.
pub async fn store_remote(
    ctx: &Context,
    author: &Account,
    note: &RemoteNote,
) -> Result<Status, AppError> {
    let mut conn = ctx.db.conn().await?;
    store_remote_in(ctx, &mut conn, author, note).await
}

async fn store_remote_in(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    note: &RemoteNote,
) -> Result<Status, AppError> {
    let author_uri = actor_id(ctx, author)?;
    if note.author().as_ref() != Some(&author_uri) {
        return Err(AppError::Forbidden(
            "a post can only be created by its author".into(),
        ));
    }
    let visibility =
        Visibility::from_addressing(&note.to(), &note.cc(), author.followers_url.as_deref());
    let parent_uri = note.in_reply_to();
    let content = text::sanitize_html(&note.html());
    let parent_id = match &parent_uri {
        Some(uri) => match local_status_id(ctx, uri) {
            Some(id) => Some(id),
            None => queries::find_by_ap_id(conn, uri.as_str())
                .await?
                .map(|s| s.id),
        },
        None => None,
    };
    let (status, created) = queries::insert_remote(
        conn,
        &NewStatus {
            ap_id: Some(note.id.as_str()),
            account_id: author.id,
            in_reply_to_id: parent_id,
            in_reply_to_ap_id: parent_uri.as_ref().map(Url::as_str),
            kind: &note.kind,
            content: &content,
            source: None,
            spoiler_text: note.summary.as_deref().unwrap_or_default(),
            sensitive: note.sensitive.unwrap_or(false),
            visibility: visibility.as_str(),
            language: note.language().as_deref(),
            url: note.url().as_deref(),
            created_at: note.published.unwrap_or_else(Utc::now),
        },
    )
    .await?;
    if created {
        queries::adopt_orphans(conn, status.id, note.id.as_str()).await?;
    }
    Ok(status)
}

/// A stored post by its ActivityPub id (local or remote), with its author.
pub async fn find_by_uri(ctx: &Context, uri: &Url) -> Result<Option<(Status, Account)>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let id = match local_status_id(ctx, uri) {
        Some(id) => Some(id),
        None => queries::find_by_ap_id(&mut conn, uri.as_str())
            .await?
            .map(|s| s.id),
    };
    match id {
        Some(id) => Ok(queries::find(&mut conn, id).await?),
        None => Ok(None),
    }
}

/// An edit of a remote post by its author.
pub async fn receive_update(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let content = text::sanitize_html(&note.html());
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let Some(status) = queries::find_by_ap_id(conn, note.id.as_str()).await? else {
            // An edit of a post we never had: nothing to change.
            return Ok(());
        };
        if status.account_id != actor.id {
            return Err(AppError::Forbidden(
                "only the author can edit a post".into(),
            ));
        }
        if status.deleted_at.is_none() {
            queries::update_content(
                conn,
                status.id,
                &content,
                None,
                note.summary.as_deref().unwrap_or_default(),
                note.sensitive.unwrap_or(status.sensitive),
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// The deletion of a remote post by its author: it becomes a tombstone.
pub async fn receive_delete(
    ctx: &Context,
    activity_id: &Url,
    actor: &Account,
    object: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let Some(status) = queries::find_by_ap_id(conn, object.as_str()).await? else {
            return Ok(());
        };
        if status.account_id != actor.id {
            return Err(AppError::Forbidden(
                "only the author can delete a post".into(),
            ));
        }
        queries::mark_deleted(conn, status.id).await?;
        Ok(())
    })
    .await
}
