//! Group document libraries. Members add files they uploaded (through the
//! same upload path as post attachments, with its type and size limits) as
//! items with a title, description, tags and folder; a new upload of an
//! item is a new version, the old ones kept. The uploader or a moderator
//! deletes. The group's node publishes each item to the group's followers
//! (`Create`, then `Update` for each version, `Delete`); other nodes keep
//! a copy with every version, linking to the origin's files.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::{self as account_queries, Account};
use moot_db::groups as group_queries;
use moot_db::library::{self as queries, Item, ItemText, NewVersion, Version};
use moot_db::media::{self as media_queries, Media};
use moot_protocol::library::{self as wire, RemoteItem, RemoteVersion};
use serde_json::Value;
use url::Url;

use crate::follows::actor_id;
use crate::groups::{check_can_post, check_can_see_content, group_by_id, MembershipMode};
use crate::library_proposals as proposals;
pub use crate::library_proposals::Added;
use crate::{AppError, Context};

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_TAGS: usize = 20;
/// Folder names are at most this long, and at most this deep.
pub const MAX_FOLDER_NAME: usize = 100;
pub const MAX_FOLDER_DEPTH: usize = 8;
/// Most versions read from an item's history in one sync.
pub const MAX_VERSIONS: usize = 1_000;

/// What describes an item.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub title: String,
    pub description: String,
    pub folder: String,
    pub tags: Vec<String>,
}

/// An item with its group and every version, oldest first.
pub struct ItemView {
    pub item: Item,
    pub group: Account,
    pub versions: Vec<Version>,
}

/// `raw` as a folder path: names without control characters or slashes,
/// trimmed, joined by `/`; "" is the top of the library.
pub fn folder_path(raw: &str) -> Result<String, AppError> {
    let names: Vec<String> = raw
        .split('/')
        .map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    if names.len() > MAX_FOLDER_DEPTH {
        return Err(AppError::invalid(
            "folder",
            format!("is more than {MAX_FOLDER_DEPTH} folders deep"),
        ));
    }
    if names.iter().any(|n| n.chars().count() > MAX_FOLDER_NAME) {
        return Err(AppError::invalid(
            "folder",
            format!("has a name longer than {MAX_FOLDER_NAME} characters"),
        ));
    }
    Ok(names.join("/"))
}

/// Tags as hashtags are kept: without `#`, lower case, each once.
fn clean_tags(raw: &[String]) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw {
        let tag = tag.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > 50 || !tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(AppError::invalid(
                "tags",
                format!("`{tag}` is not a tag (letters, digits and _, at most 50)"),
            ));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(AppError::invalid("tags", format!("more than {MAX_TAGS}")));
    }
    Ok(tags)
}

pub(crate) fn check_input(input: &ItemInput) -> Result<(String, Vec<String>), AppError> {
    if input.title.trim().is_empty() {
        return Err(AppError::invalid("title", "can't be blank"));
    }
    AppError::check_length("title", Some(input.title.trim()), MAX_TITLE)?;
    AppError::check_length("description", Some(&input.description), MAX_DESCRIPTION)?;
    Ok((folder_path(&input.folder)?, clean_tags(&input.tags)?))
}

/// One of `uploader`'s uploads that no post and no library item uses yet.
async fn free_upload(
    conn: &mut AsyncPgConnection,
    uploader: &Account,
    media_id: i64,
) -> Result<Media, AppError> {
    let media = media_queries::find(conn, media_id)
        .await?
        .filter(|m| m.account_id == uploader.id)
        .ok_or_else(|| AppError::invalid("media_id", "is not one of your uploads"))?;
    if media.status_id.is_some() || queries::uses_media(conn, media.id).await? {
        return Err(AppError::invalid(
            "media_id",
            "is in use already (on a post or in a library)",
        ));
    }
    Ok(media)
}

async fn local_group(conn: &mut AsyncPgConnection, group_id: i64) -> Result<Account, AppError> {
    let group = group_by_id(conn, group_id).await?;
    if group.domain.is_some() {
        return Err(AppError::invalid(
            "group",
            "files of a group on another node are added on that node",
        ));
    }
    Ok(group)
}

/// Adds an upload of `uploader` (a member) to a group's library as a new
/// item: stored here for one of our groups, proposed to the group's node
/// otherwise.
pub async fn add(
    ctx: &Context,
    uploader: &Account,
    group_id: i64,
    media_id: i64,
    input: ItemInput,
) -> Result<Added, AppError> {
    let (folder, tags) = check_input(&input)?;
    let mut conn = ctx.db.conn().await?;
    let group = group_by_id(&mut conn, group_id).await?;
    if group.domain.is_none() {
        check_can_post(&mut conn, &group, uploader).await?;
    }
    let media = free_upload(&mut conn, uploader, media_id).await?;
    if group.domain.is_some() {
        let text = ItemText {
            title: input.title.trim(),
            description: &input.description,
            folder: &folder,
            tags: &tags,
        };
        let submission =
            proposals::propose(ctx, &mut conn, uploader, &group, None, &media, &text).await?;
        return Ok(Added::Proposed(submission));
    }
    let item = conn
        .transaction::<_, AppError, _>(async |conn| {
            let item = insert_item(ctx, conn, &group, uploader, &input).await?;
            record_version(ctx, conn, &group, &item, uploader, &media).await
        })
        .await?;
    Ok(Added::Stored(Box::new(view(&mut conn, group, item).await?)))
}

/// A new item of one of our groups, with no version yet, in the caller's
/// transaction (`input` checked by the caller).
pub(crate) async fn insert_item(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    uploader: &Account,
    input: &ItemInput,
) -> Result<Item, AppError> {
    let (folder, tags) = check_input(input)?;
    let id = queries::next_item_id(conn).await?;
    let uri = ctx.urls.library_item(&group.username, id);
    let text = ItemText {
        title: input.title.trim(),
        description: &input.description,
        folder: &folder,
        tags: &tags,
    };
    queries::insert_item(
        conn,
        Some(id),
        group.id,
        uri.as_str(),
        uploader.id,
        &text,
        Utc::now(),
    )
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("item {id} exists")))
}

/// A new version of an item of a group: stored here for one of our
/// groups, proposed to the group's node otherwise.
pub async fn add_version(
    ctx: &Context,
    uploader: &Account,
    group_id: i64,
    item_id: i64,
    media_id: i64,
) -> Result<Added, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = group_by_id(&mut conn, group_id).await?;
    let item = queries::find(&mut conn, item_id)
        .await?
        .filter(|i| i.group_id == group.id && i.current_version > 0)
        .ok_or(AppError::NotFound)?;
    if group.domain.is_none() {
        check_can_post(&mut conn, &group, uploader).await?;
    }
    let media = free_upload(&mut conn, uploader, media_id).await?;
    if group.domain.is_some() {
        let text = ItemText {
            title: &item.title,
            description: "",
            folder: &item.folder,
            tags: &[],
        };
        let submission =
            proposals::propose(ctx, &mut conn, uploader, &group, Some(&item), &media, &text)
                .await?;
        return Ok(Added::Proposed(submission));
    }
    let item = conn
        .transaction::<_, AppError, _>(async |conn| {
            let item = queries::lock(conn, item.id)
                .await?
                .ok_or(AppError::NotFound)?;
            record_version(ctx, conn, &group, &item, uploader, &media).await
        })
        .await?;
    Ok(Added::Stored(Box::new(view(&mut conn, group, item).await?)))
}

async fn view(
    conn: &mut AsyncPgConnection,
    group: Account,
    item: Item,
) -> Result<ItemView, AppError> {
    let versions = queries::versions(conn, item.id).await?;
    Ok(ItemView {
        item,
        group,
        versions,
    })
}

/// Stores `media` as the item's next version and publishes the item to the
/// group's followers (`Create` for the first version, `Update` after), in
/// the caller's transaction.
pub(crate) async fn record_version(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    item: &Item,
    uploader: &Account,
    media: &Media,
) -> Result<Item, AppError> {
    let number = item.current_version + 1;
    let id = ctx.urls.library_version(&group.username, item.id, number);
    let url = ctx.urls.media_file(&media.file_key);
    queries::add_version(
        conn,
        &NewVersion {
            item_id: item.id,
            number,
            ap_id: id.as_str(),
            media_id: Some(media.id),
            url: url.as_str(),
            media_type: &media.content_type,
            size: media.file_size,
            sha256: &media.sha256,
            file_name: media.original_name.as_deref(),
            uploader_id: uploader.id,
            created_at: Utc::now(),
        },
    )
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("version {number} exists")))?;
    let item = queries::find(conn, item.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let versions = queries::versions(conn, item.id).await?;
    let current = versions
        .last()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no version")))?;
    let document = item_json(ctx, conn, group, &item, &versions).await?;
    let kind = if number == 1 { "Create" } else { "Update" };
    let version = version_json(ctx, conn, group, &item, current).await?;
    let activity = moot_protocol::activities::group_publishes(
        &ctx.urls.new_activity(),
        kind,
        &ctx.urls.person(&group.username),
        &document,
        &version,
    );
    crate::outbound::to_followers(ctx, conn, group, &activity).await?;
    let what = if number == 1 {
        "New document".to_owned()
    } else {
        format!("New version ({number}) of a document")
    };
    let link = ctx.urls.library_item(&group.username, item.id);
    let text = crate::announcements::text(&what, &item.title, &link, &item.description);
    crate::announcements::announce(ctx, conn, group, &text, &link).await?;
    Ok(item)
}

async fn version_json(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    item: &Item,
    version: &Version,
) -> Result<Value, AppError> {
    let uploader = account_queries::find_by_id(conn, version.uploader_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = ctx
        .urls
        .library_version(&group.username, item.id, version.number);
    let item_uri = ctx.urls.library_item(&group.username, item.id);
    Ok(wire::version(&wire::LocalVersion {
        id: &id,
        item: &item_uri,
        number: version.number,
        url: &version.url,
        media_type: &version.media_type,
        size: version.size,
        sha256: &version.sha256,
        file_name: version.file_name.as_deref(),
        uploader: &actor_id(ctx, &uploader)?,
        published: version.created_at,
    }))
}

async fn item_json(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    item: &Item,
    versions: &[Version],
) -> Result<Value, AppError> {
    let current = versions.last().ok_or(AppError::NotFound)?;
    let current = version_json(ctx, conn, group, item, current).await?;
    let private = group_queries::find(conn, group.id)
        .await?
        .is_some_and(|g| g.membership_mode == MembershipMode::Private.as_str());
    let uploader = account_queries::find_by_id(conn, item.uploader_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tags: Vec<(Url, String)> = item
        .tags
        .iter()
        .map(|t| (ctx.urls.tag(t), t.clone()))
        .collect();
    Ok(wire::item(&wire::LocalItem {
        id: &ctx.urls.library_item(&group.username, item.id),
        group: &ctx.urls.person(&group.username),
        followers: &ctx.urls.person_collection(&group.username, "followers"),
        history: &ctx.urls.library_versions(&group.username, item.id),
        uploader: &actor_id(ctx, &uploader)?,
        title: &item.title,
        description: &item.description,
        folder: &item.folder,
        tags: &tags,
        private,
        current: &current,
        published: item.created_at,
        updated: item.updated_at,
    }))
}

/// A page of a group's library for `viewer`: items with their versions,
/// the newest first, ids below `max_id`; one folder, one tag when asked.
pub async fn list(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    (folder, tag): (Option<&str>, Option<&str>),
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ItemView>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = group_by_id(&mut conn, group_id).await?;
    check_can_see_content(&mut conn, &group, viewer).await?;
    let folder = folder.map(folder_path).transpose()?;
    let tag = tag.map(|t| t.trim().trim_start_matches('#').to_lowercase());
    let items = queries::of_group(
        &mut conn,
        group.id,
        folder.as_deref(),
        tag.as_deref(),
        max_id,
        limit,
    )
    .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut versions: std::collections::HashMap<i64, Vec<Version>> =
        std::collections::HashMap::new();
    for version in queries::versions_of(&mut conn, &ids).await? {
        versions.entry(version.item_id).or_default().push(version);
    }
    Ok(items
        .into_iter()
        .map(|item| ItemView {
            versions: versions.remove(&item.id).unwrap_or_default(),
            item,
            group: group.clone(),
        })
        .collect())
}

/// One item of a group's library, with its versions.
pub async fn show(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    item_id: i64,
) -> Result<ItemView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = group_by_id(&mut conn, group_id).await?;
    check_can_see_content(&mut conn, &group, viewer).await?;
    let item = queries::find(&mut conn, item_id)
        .await?
        .filter(|i| i.group_id == group.id && i.current_version > 0)
        .ok_or(AppError::NotFound)?;
    view(&mut conn, group, item).await
}

/// Deletes an item of one of our groups: its uploader or a moderator may.
/// Other nodes are told (`Delete`); the files stay for the versions'
/// links already given out until an admin clears them.
pub async fn delete(
    ctx: &Context,
    who: &Account,
    group_id: i64,
    item_id: i64,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = local_group(&mut conn, group_id).await?;
    let item = queries::find(&mut conn, item_id)
        .await?
        .filter(|i| i.group_id == group.id)
        .ok_or(AppError::NotFound)?;
    let moderator = group_queries::role_of(&mut conn, group.id, who.id)
        .await?
        .is_some();
    if item.uploader_id != who.id && !moderator {
        return Err(AppError::Forbidden(
            "only the uploader or a moderator can delete a file".into(),
        ));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        queries::mark_deleted(conn, item.id).await?;
        let group_uri = ctx.urls.person(&group.username);
        let followers = ctx.urls.person_collection(&group.username, "followers");
        let item_uri = ctx.urls.library_item(&group.username, item.id);
        let activity = moot_protocol::notes::delete(
            &ctx.urls.new_activity(),
            &group_uri,
            &item_uri,
            &[moot_protocol::context::PUBLIC.to_owned()],
            &[followers.to_string()],
        );
        crate::outbound::to_followers(ctx, conn, &group, &activity).await
    })
    .await
}

/// An item of one of our groups as its ActivityPub document.
pub async fn document(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
    item_id: i64,
) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, item) = local_item(&mut conn, viewer, group_name, item_id).await?;
    let versions = queries::versions(&mut conn, item.id).await?;
    let mut document = item_json(ctx, &mut conn, &group, &item, &versions).await?;
    moot_protocol::context::set_context(&mut document);
    Ok(document)
}

/// Most items, pages or events listed in a group's knowledge collection.
pub const MAX_LISTED: i64 = 200;

/// The items of one of our groups' library as they are now, the newest
/// first (its `resources` collection).
pub async fn documents(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
) -> Result<Vec<Value>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::local_group_by_name(&mut conn, group_name, viewer).await?;
    let items = queries::of_group(&mut conn, group.id, None, None, None, MAX_LISTED).await?;
    let mut documents = Vec::with_capacity(items.len());
    for item in items {
        let versions = queries::versions(&mut conn, item.id).await?;
        if !versions.is_empty() {
            documents.push(item_json(ctx, &mut conn, &group, &item, &versions).await?);
        }
    }
    Ok(documents)
}

/// Every version of an item of one of our groups, oldest first.
pub async fn history(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
    item_id: i64,
) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, item) = local_item(&mut conn, viewer, group_name, item_id).await?;
    let versions = queries::versions(&mut conn, item.id).await?;
    let mut items = Vec::with_capacity(versions.len());
    for version in &versions {
        items.push(version_json(ctx, &mut conn, &group, &item, version).await?);
    }
    let collection = moot_protocol::collection::OrderedCollection::new(
        ctx.urls.library_versions(&group.username, item.id),
        items.len() as i64,
        items,
    );
    serde_json::to_value(collection).map_err(|e| AppError::Internal(e.into()))
}

async fn local_item(
    conn: &mut AsyncPgConnection,
    viewer: Option<&Account>,
    group_name: &str,
    item_id: i64,
) -> Result<(Account, Item), AppError> {
    let group = crate::groups::local_group_by_name(conn, group_name, viewer).await?;
    let item = queries::find(conn, item_id)
        .await?
        .filter(|i| i.group_id == group.id && i.current_version > 0)
        .ok_or(AppError::NotFound)?;
    Ok((group, item))
}

/// What a received item still needs after [`receive_item`].
#[derive(Debug, PartialEq, Eq)]
pub enum Sync {
    Done,
    /// Versions are missing: fetch the item's history from its origin and
    /// give it to [`receive_versions`].
    NeedsHistory(i64),
}

/// An item of a remote `group` as the group published it (origins checked
/// by the federation layer), with the version that came with it.
pub async fn receive_item(
    ctx: &Context,
    group: &Account,
    uploader: &Account,
    remote: &RemoteItem,
    version: Option<(&RemoteVersion, &Account)>,
) -> Result<Sync, AppError> {
    if group.actor_type != "Group" {
        return Err(AppError::invalid("actor", "library items belong to groups"));
    }
    let title: String = remote.name.trim().chars().take(MAX_TITLE).collect();
    let description: String = remote
        .summary
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(MAX_DESCRIPTION)
        .collect();
    let folder = folder_path(remote.folder.as_deref().unwrap_or_default()).unwrap_or_default();
    let mut tags = clean_tags(&remote.tags()).unwrap_or_default();
    tags.truncate(MAX_TAGS);
    let text = ItemText {
        title: &title,
        description: &description,
        folder: &folder,
        tags: &tags,
    };
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let item = match queries::find_by_uri(conn, remote.id.as_str()).await? {
            Some(item) if item.group_id != group.id => {
                return Err(AppError::Forbidden(
                    "an item is published by its own group only".into(),
                ))
            }
            Some(item) if item.deleted_at.is_some() => return Ok(Sync::Done),
            Some(item) => {
                queries::update_text(conn, item.id, &text).await?;
                item
            }
            None => {
                let created = remote.published.unwrap_or_else(Utc::now);
                queries::insert_item(
                    conn,
                    None,
                    group.id,
                    remote.id.as_str(),
                    uploader.id,
                    &text,
                    created,
                )
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("item id taken")))?
            }
        };
        let item = queries::lock(conn, item.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some((version, by)) = version {
            add_remote_version(conn, &item, version, by).await?;
        }
        let known = queries::versions(conn, item.id).await?.len();
        Ok(if known < remote.version.max(0) as usize {
            Sync::NeedsHistory(item.id)
        } else {
            Sync::Done
        })
    })
    .await
}

/// Adds a remote version unless the copy has it already.
async fn add_remote_version(
    conn: &mut AsyncPgConnection,
    item: &Item,
    version: &RemoteVersion,
    uploader: &Account,
) -> Result<(), AppError> {
    let Some(href) = version.href() else {
        return Ok(());
    };
    if version.version < 1 || version.size < 0 {
        return Ok(());
    }
    let file_name: Option<String> = version
        .name
        .as_deref()
        .map(|n| n.chars().filter(|c| !c.is_control()).take(255).collect());
    queries::add_version(
        conn,
        &NewVersion {
            item_id: item.id,
            number: version.version,
            ap_id: version.id.as_str(),
            media_id: None,
            url: href.as_str(),
            media_type: &version.media_type.chars().take(255).collect::<String>(),
            size: version.size,
            sha256: &version.sha256().unwrap_or_default(),
            file_name: file_name.as_deref(),
            uploader_id: uploader.id,
            created_at: version.published.unwrap_or_else(Utc::now),
        },
    )
    .await?;
    Ok(())
}

/// A remote item's versions as its origin lists them, each with its
/// uploader here: the ones the copy lacks are added.
pub async fn receive_versions(
    ctx: &Context,
    item_id: i64,
    versions: &[(RemoteVersion, Account)],
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let item = queries::lock(conn, item_id)
            .await?
            .ok_or(AppError::NotFound)?;
        for (version, uploader) in versions {
            add_remote_version(conn, &item, version, uploader).await?;
        }
        Ok(())
    })
    .await
}

/// A `Delete` from `group`: if `uri` is one of its library items kept
/// here, the copy is marked deleted. Returns whether it was one.
pub async fn receive_delete(ctx: &Context, group: &Account, uri: &Url) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(item) = queries::find_by_uri(&mut conn, uri.as_str()).await? else {
        return Ok(false);
    };
    if item.group_id != group.id {
        return Err(AppError::Forbidden(
            "only the item's group can delete it".into(),
        ));
    }
    queries::mark_deleted(&mut conn, item.id).await?;
    Ok(true)
}
