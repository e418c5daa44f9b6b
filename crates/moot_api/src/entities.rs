//! The one place that turns rows into Mastodon API entities.

use chrono::{DateTime, SecondsFormat, Utc};
use moot_app::Context;
use moot_db::accounts::Account;
use serde::Serialize;
use serde_json::{json, Value};

/// Mastodon's `Account` entity.
#[derive(Debug, Clone, Serialize)]
pub struct AccountEntity {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    /// Whether public posts may be found by full-text search (none yet).
    pub indexable: bool,
    pub group: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<String>,
    pub emojis: Vec<Value>,
    pub fields: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
    /// The signed-in person's role, on their own account only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An account's `acct` (`name` here, `name@host` elsewhere), profile page
/// and ActivityPub id.
fn addresses(ctx: &Context, account: &Account) -> (String, String, String) {
    match &account.domain {
        None => (
            account.username.clone(),
            ctx.urls.person_page(&account.username).to_string(),
            ctx.urls.person(&account.username).to_string(),
        ),
        Some(domain) => {
            let uri = account.ap_id.clone().unwrap_or_default();
            (
                format!("{}@{domain}", account.username),
                account.profile_url.clone().unwrap_or_else(|| uri.clone()),
                uri,
            )
        }
    }
}

/// Mastodon's `Status::Mention`: an account a post mentions.
pub fn mention(ctx: &Context, account: &Account) -> Value {
    let (acct, url, _) = addresses(ctx, account);
    json!({"id": account.id.to_string(), "username": account.username, "url": url, "acct": acct})
}

/// Mastodon's `Tag`, as posts and searches show it.
pub fn tag(ctx: &Context, name: &str) -> Value {
    // Tags have no row of their own here: the name is the id.
    json!({"id": name, "name": name, "url": ctx.urls.tag(name).to_string(), "history": [], "following": false})
}

/// `counts` are (followers, following, statuses).
pub fn account(ctx: &Context, account: &Account, counts: (i64, i64, i64)) -> AccountEntity {
    let (acct, url, uri) = addresses(ctx, account);
    let missing = |path: &str| {
        ctx.urls
            .base()
            .join(path)
            .map(|u| u.to_string())
            .unwrap_or_default()
    };
    let avatar = account
        .avatar_url
        .clone()
        .unwrap_or_else(|| missing("avatars/original/missing.png"));
    let header = account
        .header_url
        .clone()
        .unwrap_or_else(|| missing("headers/original/missing.png"));
    AccountEntity {
        id: account.id.to_string(),
        username: account.username.clone(),
        acct,
        display_name: account.display_name.clone(),
        locked: account.manually_approves_followers,
        bot: matches!(account.actor_type.as_str(), "Service" | "Application"),
        discoverable: true,
        indexable: false,
        group: account.actor_type == "Group",
        created_at: timestamp(account.created_at),
        note: account.summary.clone(),
        url,
        uri,
        avatar_static: avatar.clone(),
        avatar,
        header_static: header.clone(),
        header,
        followers_count: counts.0,
        following_count: counts.1,
        statuses_count: counts.2,
        last_status_at: None,
        emojis: Vec::new(),
        fields: Vec::new(),
        source: None,
        role: None,
    }
}

/// The signed-in person's own account, with its `source`.
pub fn credential_account(
    ctx: &Context,
    account: &Account,
    is_admin: bool,
    counts: (i64, i64, i64),
) -> AccountEntity {
    let mut entity = self::account(ctx, account, counts);
    // Mastodon's roles: everyone's (id -99, no permissions), or an
    // administrator's (the "administrator" permission bit, 1).
    entity.role = Some(match is_admin {
        true => {
            json!({"id": "1", "name": "Admin", "color": "", "permissions": "1", "highlighted": true})
        }
        false => {
            json!({"id": "-99", "name": "", "color": "", "permissions": "0", "highlighted": false})
        }
    });
    entity.source = Some(json!({
        "privacy": "public",
        "sensitive": false,
        "language": null,
        "note": account.note_source.clone().unwrap_or_default(),
        "fields": [],
        "follow_requests_count": 0,
        "indexable": false,
    }));
    entity
}

/// Mastodon's `MediaAttachment` entity. Documents are `unknown`, as
/// Mastodon types any file it cannot preview; images preview as themselves.
pub fn media(ctx: &Context, media: &moot_db::media::Media) -> Value {
    let url = ctx.urls.media_file(&media.file_key).to_string();
    let preview = (media.kind == "image").then(|| url.clone());
    let focus = match (media.focus_x, media.focus_y) {
        (Some(x), Some(y)) => json!({ "x": x, "y": y }),
        _ => Value::Null,
    };
    json!({
        "id": media.id.to_string(),
        "type": media.kind,
        "url": url,
        "preview_url": preview,
        "remote_url": null,
        "text_url": null,
        "meta": { "focus": focus },
        "description": (!media.description.is_empty()).then_some(&media.description),
        "blurhash": null,
    })
}

/// Mastodon's `Status` entity for a post by `author` (whose account entity
/// the caller has built).
pub fn status(
    ctx: &Context,
    status: &moot_db::statuses::Status,
    author: AccountEntity,
    in_reply_to_account_id: Option<i64>,
) -> Value {
    let uri = moot_app::statuses::status_uri(ctx, status)
        .map(|u| u.to_string())
        .unwrap_or_default();
    let url = status.url.clone().unwrap_or_else(|| {
        if status.ap_id.is_none() {
            ctx.urls
                .status_page(&author.username, status.id)
                .to_string()
        } else {
            uri.clone()
        }
    });
    json!({
        "id": status.id.to_string(),
        "uri": uri,
        "url": url,
        "created_at": timestamp(status.created_at),
        "edited_at": status.edited_at.map(timestamp),
        "account": author,
        "content": status.content,
        "visibility": status.visibility,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "language": status.language,
        "in_reply_to_id": status.in_reply_to_id.map(|id| id.to_string()),
        "in_reply_to_account_id": in_reply_to_account_id.map(|id| id.to_string()),
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblog": null,
        "poll": null,
        "card": null,
        "application": null,
        "favourited": false,
        "reblogged": false,
        "muted": false,
        "bookmarked": false,
        "pinned": false,
    })
}

/// Mastodon's `Status` entity for a boost: the booster's line in a
/// timeline, the boosted post (already rendered) inside it.
pub fn boost(boost: &moot_db::timelines::Boost, booster: AccountEntity, post: Value) -> Value {
    json!({
        "id": boost.id.to_string(),
        "uri": boost.ap_id,
        "url": null,
        "created_at": timestamp(boost.created_at),
        "edited_at": null,
        "account": booster,
        "content": "",
        "visibility": "public",
        "sensitive": false,
        "spoiler_text": "",
        "language": null,
        "in_reply_to_id": null,
        "in_reply_to_account_id": null,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "poll": null,
        "card": null,
        "application": null,
        "favourited": post["favourited"],
        "reblogged": post["reblogged"],
        "muted": false,
        "bookmarked": post["bookmarked"],
        "pinned": false,
        "reblog": post,
    })
}

/// A poll as Mastodon shows it; `voted` and `own_votes` only to a signed-in
/// viewer.
pub fn poll(view: &moot_app::polls::PollView, signed_in: bool) -> Value {
    let options: Vec<Value> = view
        .poll
        .options
        .iter()
        .zip(&view.counts)
        .map(|(title, votes)| json!({ "title": title, "votes_count": votes }))
        .collect();
    let mut poll = json!({
        "id": view.poll.status_id.to_string(),
        "expires_at": view.poll.expires_at.map(timestamp),
        "expired": view.expired(),
        "multiple": view.poll.multiple,
        "votes_count": view.counts.iter().sum::<i64>(),
        "voters_count": view.voters,
        "options": options,
        "emojis": [],
    });
    if signed_in {
        poll["voted"] = json!(!view.own_votes.is_empty());
        poll["own_votes"] = json!(view.own_votes);
    }
    poll
}
