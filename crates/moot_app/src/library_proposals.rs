//! Files added to the library of a group on another node. The group's node
//! stays authoritative, as for wiki edits: the member's node keeps the file
//! and proposes it ([`propose`]); the group's node finds what it is for
//! ([`target`]), fetches the file, decides as for its own members
//! ([`accept`] or [`reject`]) and answers; the answer is recorded on the
//! member's node ([`receive_answer`]). The item then reaches every node with
//! the group's own publication.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::library::{self as queries, Item, ItemText, NewSubmission, Submission};
use moot_db::media::Media;
use moot_db::received;
use moot_protocol::library::{self as wire, RemoteUpload};
use url::Url;

use crate::follows::{actor_id, inbox_of};
use crate::library::{self, ItemInput, ItemView, MAX_DESCRIPTION, MAX_TITLE};
use crate::media::{Details, Received};
use crate::{AppError, Context};

/// What became of a file added to a library.
pub enum Added {
    /// Stored here: the group is this node's.
    Stored(Box<ItemView>),
    /// Proposed to the node of the group, which fetches the file and
    /// decides; the item arrives with the group's publication.
    Proposed(Submission),
}

/// Proposes `media` to a remote `group`'s library: a new item, or a new
/// version of `item`. What this node can tell already (membership) it
/// refuses at once.
pub(crate) async fn propose(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    uploader: &Account,
    group: &Account,
    item: Option<&Item>,
    media: &Media,
    text: &ItemText<'_>,
) -> Result<Submission, AppError> {
    crate::groups::check_can_post(conn, group, uploader).await?;
    let group_inbox = inbox_of(group)?;
    let group_uri = actor_id(ctx, group)?;
    let context = match item {
        Some(item) => Url::parse(&item.ap_id)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored item id: {e}")))?,
        None => group_uri.clone(),
    };
    let file = ctx.urls.media_file(&media.file_key);
    conn.transaction::<_, AppError, _>(async |conn| {
        let activity_id = ctx.urls.new_activity();
        let document_id =
            Url::parse(&format!("{activity_id}/file")).map_err(|e| AppError::Internal(e.into()))?;
        let activity = wire::upload(
            &activity_id,
            &wire::LocalUpload {
                id: &document_id,
                uploader: &actor_id(ctx, uploader)?,
                group: &group_uri,
                context: &context,
                title: text.title,
                description: text.description,
                folder: text.folder,
                tags: text.tags,
                url: &file,
                media_type: &media.content_type,
                size: media.file_size,
                sha256: &media.sha256,
                file_name: media.original_name.as_deref(),
                published: Utc::now(),
            },
        );
        let submission = queries::insert_submission(
            conn,
            &NewSubmission {
                group_id: group.id,
                item_id: item.map(|i| i.id),
                uploader_id: uploader.id,
                media_id: media.id,
                activity_id: activity_id.as_str(),
                title: text.title,
            },
        )
        .await?;
        crate::follows::send(ctx, conn, uploader, &activity, &[group_inbox]).await?;
        Ok(submission)
    })
    .await
}

/// What a received file is for, on this node.
pub struct Target {
    group: Account,
    /// The item a new version is for; None for a new item.
    item: Option<Item>,
}

impl Target {
    pub fn group(&self) -> &Account {
        &self.group
    }
}

/// Where a file proposed by `uploader` goes, before it is fetched. None
/// when there is nothing to fetch: the proposal was answered already, or
/// the group refuses it (the uploader's node is told why). An error when
/// it names nothing of ours.
pub async fn target(
    ctx: &Context,
    activity_id: &Url,
    uploader: &Account,
    upload: &RemoteUpload,
) -> Result<Option<Target>, AppError> {
    let mut conn = ctx.db.conn().await?;
    if received::seen(&mut conn, activity_id.as_str()).await? {
        return Ok(None);
    }
    let addressed = [upload.context.to_string()];
    let (group, item) = match crate::groups::find_addressed(ctx, &mut conn, &addressed).await? {
        Some(group) => (group, None),
        None => {
            let item = queries::find_by_uri(&mut conn, upload.context.as_str())
                .await?
                .filter(|i| i.current_version > 0)
                .ok_or(AppError::NotFound)?;
            let group = crate::groups::group_by_id(&mut conn, item.group_id).await?;
            (group, Some(item))
        }
    };
    drop(conn);
    if group.domain.is_some() {
        return Err(AppError::invalid(
            "context",
            "the library belongs to a group on another node",
        ));
    }
    let refusal = match check(ctx, &group, uploader, item.is_none(), upload).await? {
        Ok(()) => return Ok(Some(Target { group, item })),
        Err(reason) => reason,
    };
    reject(ctx, activity_id, &group, uploader, &refusal).await?;
    Ok(None)
}

/// Whether the group takes a file from `uploader`, as for its own members.
async fn check(
    ctx: &Context,
    group: &Account,
    uploader: &Account,
    new_item: bool,
    upload: &RemoteUpload,
) -> Result<Result<(), String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    match crate::groups::check_can_post(&mut conn, group, uploader).await {
        Ok(()) => {}
        Err(AppError::Forbidden(reason)) => return Ok(Err(reason)),
        Err(other) => return Err(other),
    }
    if new_item {
        if let Err(refused) = library::check_input(&input_of(upload)) {
            return Ok(Err(refused.to_string()));
        }
    }
    if upload.size < 0 || upload.size as u64 > ctx.settings.media.max_bytes {
        return Ok(Err(format!(
            "the file is larger than this node takes ({} bytes)",
            ctx.settings.media.max_bytes
        )));
    }
    Ok(Ok(()))
}

fn input_of(upload: &RemoteUpload) -> ItemInput {
    ItemInput {
        title: upload.name.trim().chars().take(MAX_TITLE + 1).collect(),
        description: upload
            .summary
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(MAX_DESCRIPTION + 1)
            .collect(),
        folder: upload.folder.clone().unwrap_or_default(),
        tags: upload.tags(),
    }
}

/// Stores a fetched file as the new item or version `target` names, and
/// tells the uploader's node `Accept`; a file this node does not take (its
/// type, its checksum) is answered `Reject`.
pub async fn accept(
    ctx: &Context,
    activity_id: &Url,
    uploader: &Account,
    upload: &RemoteUpload,
    target: Target,
    file: Received,
) -> Result<(), AppError> {
    if upload.sha256().is_some_and(|sha| sha != file.sha256) {
        let reason = "the file fetched does not match its digestMultibase";
        return reject(ctx, activity_id, &target.group, uploader, reason).await;
    }
    let media = match crate::media::create(ctx, uploader, file, Details::default()).await {
        Ok(media) => media,
        Err(refused @ AppError::Invalid { .. }) => {
            let reason = refused.to_string();
            return reject(ctx, activity_id, &target.group, uploader, &reason).await;
        }
        Err(other) => return Err(other),
    };
    let group = target.group;
    let uploader_inbox = inbox_of(uploader)?;
    let group_uri = ctx.urls.person(&group.username);
    let input = input_of(upload);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let item = match &target.item {
            Some(item) => queries::lock(conn, item.id)
                .await?
                .ok_or(AppError::NotFound)?,
            None => library::insert_item(ctx, conn, &group, uploader, &input).await?,
        };
        let item = library::record_version(ctx, conn, &group, &item, uploader, &media).await?;
        let result = ctx.urls.library_item(&group.username, item.id);
        let answer = moot_protocol::activities::answer_proposal(
            "Accept",
            &ctx.urls.new_activity(),
            &group_uri,
            activity_id,
            &actor_id(ctx, uploader)?,
            Some(&result),
            None,
        );
        crate::follows::send(ctx, conn, &group, &answer, &[uploader_inbox]).await
    })
    .await
}

/// Tells the uploader's node that the group does not take the file.
pub async fn reject(
    ctx: &Context,
    activity_id: &Url,
    group: &Account,
    uploader: &Account,
    reason: &str,
) -> Result<(), AppError> {
    let uploader_inbox = inbox_of(uploader)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let answer = moot_protocol::activities::answer_proposal(
            "Reject",
            &ctx.urls.new_activity(),
            &ctx.urls.person(&group.username),
            activity_id,
            &actor_id(ctx, uploader)?,
            None,
            Some(reason),
        );
        crate::follows::send(ctx, conn, group, &answer, &[uploader_inbox]).await
    })
    .await
}

/// The group's answer to a file proposed from here. Returns whether
/// `answered` was one of our proposals.
pub async fn receive_answer(
    ctx: &Context,
    group: &Account,
    answered: &Url,
    accepted: bool,
    reason: Option<&str>,
) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(submission) = queries::pending_submission(&mut conn, answered.as_str()).await? else {
        return Ok(false);
    };
    if submission.group_id != group.id {
        return Err(AppError::Forbidden(
            "only the group a file was proposed to can answer it".into(),
        ));
    }
    let reason: Option<String> = reason.map(|r| r.chars().take(500).collect());
    let state = if accepted { "accepted" } else { "rejected" };
    queries::decide_submission(&mut conn, submission.id, state, reason.as_deref()).await?;
    Ok(true)
}

/// `uploader`'s latest proposals to `group`, the newest first.
pub async fn of_uploader(
    ctx: &Context,
    uploader: &Account,
    group: &Account,
) -> Result<Vec<Submission>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::submissions_of(&mut conn, uploader.id, group.id, 10).await?)
}
