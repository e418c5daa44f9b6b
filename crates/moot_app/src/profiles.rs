//! A local person's profile: name, bio, pictures, whether follows need
//! approval; changes reach their followers on other nodes as `Update`.

use diesel_async::AsyncConnection;
use moot_db::accounts::{self as queries, Account, ProfileChange};

use crate::media::{Details, Received};
use crate::{AppError, Context};

/// Longest display name, in characters (Mastodon allows 30; names with a
/// council role run longer).
pub const MAX_NAME: usize = 100;
/// Longest bio, in characters (Mastodon's limit).
pub const MAX_NOTE: usize = 500;

/// What a person asks to change; `None` leaves it as it is.
#[derive(Default)]
pub struct ProfileInput {
    pub display_name: Option<String>,
    /// The bio as written (Markdown); shown rendered.
    pub note: Option<String>,
    pub locked: Option<bool>,
    /// Listed in the sector directory peers read.
    pub discoverable: Option<bool>,
    pub avatar: Option<Received>,
    pub header: Option<Received>,
    /// Back to the default picture.
    pub remove_avatar: bool,
    pub remove_header: bool,
}

/// Applies `input` to `who`'s profile and tells their followers elsewhere.
/// Pictures must be images; nothing changes if any part is refused.
pub async fn update(
    ctx: &Context,
    who: &Account,
    input: ProfileInput,
) -> Result<Account, AppError> {
    let display_name = input.display_name.map(|n| {
        n.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_owned()
    });
    AppError::check_length("display_name", display_name.as_deref(), MAX_NAME)?;
    AppError::check_length("note", input.note.as_deref(), MAX_NOTE)?;
    let avatar = picture(ctx, who, "avatar", input.avatar).await?;
    let header = match picture(ctx, who, "header", input.header).await {
        Ok(header) => header,
        Err(e) => {
            forget(ctx, who, &avatar).await;
            return Err(e);
        }
    };
    let change = ProfileChange {
        display_name,
        summary: input.note.as_deref().map(moot_core::text::render_markdown),
        note_source: input.note,
        manually_approves_followers: input.locked,
        discoverable: input.discoverable,
        avatar_url: match (&avatar, input.remove_avatar) {
            (Some((_, url)), _) => Some(Some(url.clone())),
            (None, true) => Some(None),
            (None, false) => None,
        },
        header_url: match (&header, input.remove_header) {
            (Some((_, url)), _) => Some(Some(url.clone())),
            (None, true) => Some(None),
            (None, false) => None,
        },
    };
    let mut conn = ctx.db.conn().await?;
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let updated = queries::update_profile(conn, who.id, &change).await?;
            let person = moot_protocol::actor::person(&ctx.urls, &actor_profile(&updated));
            crate::outbound::update_actor(ctx, conn, &updated, &person).await?;
            Ok(updated)
        })
        .await;
    match updated {
        Ok(updated) => Ok(updated),
        Err(e) => {
            forget(ctx, who, &avatar).await;
            forget(ctx, who, &header).await;
            Err(e)
        }
    }
}

/// Keeps an uploaded picture; returns its media id and URL. Anything but
/// an image is refused (and not kept).
async fn picture(
    ctx: &Context,
    who: &Account,
    field: &'static str,
    file: Option<Received>,
) -> Result<Option<(i64, String)>, AppError> {
    let Some(file) = file else {
        return Ok(None);
    };
    let stored = crate::media::create(ctx, who, file, Details::default()).await?;
    if stored.kind != "image" {
        crate::media::delete(ctx, who, stored.id).await?;
        return Err(AppError::invalid(field, "must be an image"));
    }
    Ok(Some((
        stored.id,
        ctx.urls.media_file(&stored.file_key).to_string(),
    )))
}

/// Removes a picture kept for a change that did not happen.
async fn forget(ctx: &Context, who: &Account, picture: &Option<(i64, String)>) {
    if let Some((id, _)) = picture {
        if let Err(e) = crate::media::delete(ctx, who, *id).await {
            tracing::warn!(error = %e, "an unused profile picture was not removed");
        }
    }
}

/// `who`'s private note on `target` (which only `who` sees).
pub async fn set_note(
    ctx: &Context,
    who: &Account,
    target: &Account,
    comment: &str,
) -> Result<(), AppError> {
    if comment.chars().count() > 2000 {
        return Err(AppError::invalid(
            "comment",
            "is longer than 2000 characters",
        ));
    }
    let mut conn = ctx.db.conn().await?;
    Ok(queries::set_note(&mut conn, who.id, target.id, comment.trim()).await?)
}

/// What `account`'s actor document shows of it (a local account).
pub fn actor_profile(account: &Account) -> moot_protocol::actor::Profile<'_> {
    moot_protocol::actor::Profile {
        username: &account.username,
        display_name: &account.display_name,
        summary: &account.summary,
        public_key_pem: &account.public_key_pem,
        manually_approves_followers: account.manually_approves_followers,
        created_at: account.created_at,
        avatar_url: account.avatar_url.as_deref(),
        header_url: account.header_url.as_deref(),
        suspended: account.suspended_at.is_some(),
    }
}

/// A local person or group as its actor document.
pub async fn actor_document(
    ctx: &Context,
    account: &Account,
) -> Result<moot_protocol::actor::Actor, AppError> {
    let profile = actor_profile(account);
    let mut conn = ctx.db.conn().await?;
    Ok(
        match crate::groups::local_group(&mut conn, account).await? {
            Some(group) => moot_protocol::actor::group(&ctx.urls, &profile, &group.membership_mode),
            None => moot_protocol::actor::person(&ctx.urls, &profile),
        },
    )
}
