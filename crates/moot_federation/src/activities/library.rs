//! Library items of other nodes' groups (`Create`/`Update` of a `Document`
//! with the version that came with it as `result`), and files other nodes'
//! people propose to our groups' libraries (`Create` of a `Document` of
//! their node whose `context` is the group or an item).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use actix_web::http::StatusCode;
use moot_app::library::{self, Sync, MAX_VERSIONS};
use moot_app::Context;
use moot_protocol::library::{RemoteItem, RemoteUpload, RemoteVersion};
use serde_json::Value;
use url::Url;

use super::group_content::{check_sent_by_group, fetch_history, parse};
use crate::error::FederationError;
use crate::files::{self, FetchFailed};
use crate::objects::actor::ApActor;
use crate::origin::require_same_origin;

/// Checks an item sent by `actor`: the item is the group's own, on its
/// node, and so is the version with it.
pub(crate) fn parse_item(
    object: &Value,
    result: Option<&Value>,
    actor: &Url,
) -> Result<(RemoteItem, Option<RemoteVersion>), FederationError> {
    let item: RemoteItem = parse(object, "Document")?;
    check_sent_by_group(
        &item.id,
        item.audience.as_ref(),
        item.attributed_to.as_ref(),
        item.history.as_ref(),
        actor,
        "library item",
    )?;
    let version = match result {
        Some(result) if result.is_object() => {
            let version: RemoteVersion = parse(result, "version")?;
            require_same_origin(&version.id, actor, "version and group")?;
            if version.context.as_ref().is_some_and(|c| c != &item.id) {
                return Err(FederationError::refused(
                    StatusCode::BAD_REQUEST,
                    "the version is of another item",
                ));
            }
            Some(version)
        }
        _ => None,
    };
    Ok((item, version))
}

async fn account_of(
    data: &Data<Context>,
    uri: &Url,
) -> Result<moot_app::model::Account, FederationError> {
    let actor = ObjectId::<ApActor>::from(uri.clone())
        .dereference(data)
        .await?;
    Ok(actor.account()?.clone())
}

/// Stores an item of another node's group with the version that came with
/// it, and fetches the item's versions from its origin if some are missing.
pub(crate) async fn receive_item(
    data: &Data<Context>,
    actor: &ObjectId<ApActor>,
    item: &RemoteItem,
    version: Option<&RemoteVersion>,
) -> Result<(), FederationError> {
    let group = actor.dereference(data).await?;
    let uploader = match &item.actor {
        Some(uri) => account_of(data, uri).await?,
        None => group.account()?.clone(),
    };
    let with_uploader = match version {
        Some(v) => Some((v, account_of(data, &v.attributed_to).await?)),
        None => None,
    };
    let ctx = data.app_data();
    let sync = library::receive_item(
        ctx,
        group.account()?,
        &uploader,
        item,
        with_uploader.as_ref().map(|(v, a)| (*v, a)),
    )
    .await?;
    if let (Sync::NeedsHistory(id), Some(history)) = (sync, &item.history) {
        let mut versions = Vec::new();
        for entry in fetch_history(data, history, MAX_VERSIONS).await? {
            let Ok(version) = serde_json::from_value::<RemoteVersion>(entry) else {
                continue;
            };
            let by = account_of(data, &version.attributed_to).await?;
            versions.push((version, by));
        }
        library::receive_versions(ctx, id, &versions).await?;
    }
    Ok(())
}

/// Checks a file proposed by `actor`: the proposal and the file are on the
/// actor's own node (this node fetches nothing on another's say-so), and
/// it is the actor's.
pub(crate) fn parse_upload(object: &Value, actor: &Url) -> Result<RemoteUpload, FederationError> {
    let upload: RemoteUpload = parse(object, "Document")?;
    require_same_origin(&upload.id, actor, "file and actor")?;
    if &upload.attributed_to != actor {
        return Err(FederationError::bad_request(
            "the file is not attributed to the actor that sent it",
        ));
    }
    let (url, _) = upload
        .file()
        .ok_or_else(|| FederationError::bad_request("the file has no url"))?;
    require_same_origin(&url, actor, "file url and actor")?;
    Ok(upload)
}

/// A file proposed to one of our groups: the group decides, fetches it and
/// answers. A peer that cannot be reached is an error, so its node sends
/// the proposal again later.
pub(crate) async fn receive_upload(
    data: &Data<Context>,
    activity_id: &Url,
    actor: &ObjectId<ApActor>,
    upload: &RemoteUpload,
) -> Result<(), FederationError> {
    let uploader = actor.dereference(data).await?;
    let uploader = uploader.account()?;
    let ctx = data.app_data();
    let Some(target) =
        moot_app::library_proposals::target(ctx, activity_id, uploader, upload).await?
    else {
        return Ok(());
    };
    let (url, file_name) = upload
        .file()
        .ok_or_else(|| FederationError::bad_request("the file has no url"))?;
    match files::fetch(ctx, &url, file_name).await {
        Ok(file) => {
            moot_app::library_proposals::accept(ctx, activity_id, uploader, upload, target, file)
                .await?
        }
        Err(FetchFailed::Refused(reason)) => {
            moot_app::library_proposals::reject(ctx, activity_id, target.group(), uploader, &reason)
                .await?
        }
        Err(FetchFailed::Unreachable(reason)) => {
            return Err(FederationError::refused(StatusCode::BAD_GATEWAY, reason));
        }
    }
    Ok(())
}
