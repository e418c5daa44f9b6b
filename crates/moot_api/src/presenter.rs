//! The one place that turns what `moot_app`'s views return into Mastodon
//! API entities: typed structs, shared by the REST handlers and the
//! streaming API, so both show a post the same way.

use chrono::{DateTime, SecondsFormat, Utc};
use moot_app::model::{Account, FullFilter, Media};
use moot_app::polls::PollView;
use moot_app::views::filtering::FilterMatch;
use moot_app::views::notifications::NotificationView;
use moot_app::views::posts::{AccountView, EntryView, PostView};
use moot_app::Context;
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
    /// Present (true) only for a suspended account, as Mastodon does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    /// Present (true) only for a limited (silenced) account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited: Option<bool>,
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An account's `acct` (`name` here, `name@host` elsewhere), profile page
/// and ActivityPub id.
fn addresses(ctx: &Context, account: &Account) -> (String, String, String) {
    let page = moot_app::directory::profile_url(ctx, account);
    match &account.domain {
        None => (
            account.username.clone(),
            page,
            ctx.urls.person(&account.username).to_string(),
        ),
        Some(domain) => (
            format!("{}@{domain}", account.username),
            page,
            account.ap_id.clone().unwrap_or_default(),
        ),
    }
}

/// Mastodon's `Status::Mention`: an account a post mentions.
#[derive(Debug, Clone, Serialize)]
pub struct MentionEntity {
    pub id: String,
    pub username: String,
    pub url: String,
    pub acct: String,
}

pub fn mention(ctx: &Context, account: &Account) -> MentionEntity {
    let (acct, url, _) = addresses(ctx, account);
    MentionEntity {
        id: account.id.to_string(),
        username: account.username.clone(),
        url,
        acct,
    }
}

/// Mastodon's `Tag`, as posts and searches show it.
#[derive(Debug, Clone, Serialize)]
pub struct TagEntity {
    pub id: String,
    pub name: String,
    pub url: String,
    pub history: Vec<Value>,
    pub following: bool,
    /// Featured on the viewer's profile (when the answer says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featuring: Option<bool>,
}

pub fn tag(ctx: &Context, name: &str) -> TagEntity {
    // Tags have no row of their own here: the name is the id.
    TagEntity {
        id: name.to_owned(),
        name: name.to_owned(),
        url: ctx.urls.tag(name).to_string(),
        history: Vec::new(),
        following: false,
        featuring: None,
    }
}

/// Mastodon's `FeaturedTag`.
pub fn featured_tag(ctx: &Context, featured: &moot_app::model::FeaturedTag) -> Value {
    json!({
        "id": featured.tag,
        "name": featured.tag,
        "url": ctx.urls.tag(&featured.tag).to_string(),
        "statuses_count": featured.posts.to_string(),
        "last_status_at": featured.last_post_at.map(|t| t.date_naive().to_string()),
    })
}

/// A group's profile tells apps' users how many are in it and how to post
/// to it (a mention of the group in a post, as Lemmy and Mastodon users do).
fn group_fields(ctx: &Context, account: &Account, members: i64) -> Vec<Value> {
    if account.actor_type != "Group" || account.suspended_at.is_some() {
        return Vec::new();
    }
    let domain = account
        .domain
        .clone()
        .unwrap_or_else(|| ctx.urls.authority());
    let field =
        |name: &str, value: String| json!({"name": name, "value": value, "verified_at": null});
    vec![
        field("Members", members.to_string()),
        field(
            "To post here",
            format!(
                "Mention @{}@{domain} in a post",
                moot_core::text::escape(&account.username)
            ),
        ),
    ]
}

/// An account with its counts, as every list of accounts shows it.
pub fn account_view(ctx: &Context, view: &AccountView) -> AccountEntity {
    account(
        ctx,
        &view.account,
        (view.followers, view.following, view.statuses),
    )
}

/// `counts` are (followers, following, statuses).
pub fn account(ctx: &Context, account: &Account, counts: (i64, i64, i64)) -> AccountEntity {
    let (acct, url, uri) = addresses(ctx, account);
    let missing = |kind: &str| ctx.urls.missing_picture(kind).to_string();
    // A suspended account shows its name and nothing it wrote or chose.
    let suspended = account.suspended_at.is_some();
    let shown = |value: &Option<String>| value.clone().filter(|_| !suspended);
    let avatar = shown(&account.avatar_url).unwrap_or_else(|| missing("avatars"));
    let header = shown(&account.header_url).unwrap_or_else(|| missing("headers"));
    AccountEntity {
        id: account.id.to_string(),
        username: account.username.clone(),
        acct,
        display_name: if suspended {
            String::new()
        } else {
            account.display_name.clone()
        },
        locked: account.manually_approves_followers,
        bot: matches!(account.actor_type.as_str(), "Service" | "Application"),
        // A local person chooses; groups and others' accounts are listed.
        discoverable: account.discoverable
            || account.domain.is_some()
            || account.actor_type == "Group",
        indexable: false,
        group: account.actor_type == "Group",
        created_at: timestamp(account.created_at),
        note: if suspended {
            String::new()
        } else {
            account.summary.clone()
        },
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
        fields: group_fields(ctx, account, counts.0),
        source: None,
        role: None,
        suspended: suspended.then_some(true),
        limited: account.silenced_at.is_some().then_some(true),
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
#[derive(Debug, Clone, Serialize)]
pub struct MediaEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
    pub preview_url: Option<String>,
    pub remote_url: Option<String>,
    pub text_url: Option<String>,
    pub meta: Value,
    pub description: Option<String>,
    pub blurhash: Option<String>,
}

pub fn media(ctx: &Context, media: &Media) -> MediaEntity {
    let focus = match (media.focus_x, media.focus_y) {
        (Some(x), Some(y)) => json!({ "x": x, "y": y }),
        _ => Value::Null,
    };
    let size = |width: i32, height: i32| {
        json!({
            "width": width,
            "height": height,
            "size": format!("{width}x{height}"),
            "aspect": f64::from(width) / f64::from(height.max(1)),
        })
    };
    let mut meta = json!({ "focus": focus });
    if let (Some(width), Some(height)) = (media.width, media.height) {
        meta["original"] = size(width, height);
    }
    if let (Some(width), Some(height)) = (media.small_width, media.small_height) {
        meta["small"] = size(width, height);
    }
    // A received post's file stays on its own server.
    let url = moot_app::media::address(ctx, media);
    let remote_url = media.remote_url.clone();
    let preview_url = media
        .remote_preview_url
        .clone()
        .or_else(|| moot_app::media::preview_address(ctx, media))
        .or_else(|| (media.kind == "image").then(|| url.clone()));
    MediaEntity {
        id: media.id.to_string(),
        kind: media.kind.clone(),
        preview_url,
        url,
        remote_url,
        text_url: None,
        meta,
        description: (!media.description.is_empty()).then(|| media.description.clone()),
        blurhash: media.blurhash.clone(),
    }
}

/// Mastodon's `Status` entity.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEntity {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub account: AccountEntity,
    pub content: String,
    pub visibility: String,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub language: Option<String>,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub replies_count: i64,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub media_attachments: Vec<MediaEntity>,
    pub mentions: Vec<MentionEntity>,
    pub tags: Vec<TagEntity>,
    pub emojis: Vec<Value>,
    /// The post it quotes (Mastodon's `Quote`: accepted, with the post).
    pub quote: Option<Value>,
    pub reblog: Option<Box<StatusEntity>>,
    pub poll: Option<PollEntity>,
    pub card: Option<Value>,
    pub application: Option<Value>,
    pub favourited: bool,
    pub reblogged: bool,
    pub muted: bool,
    pub bookmarked: bool,
    pub pinned: bool,
    /// The viewer's filters the post matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filtered: Vec<FilterResultEntity>,
    /// The source text, in the answer to deleting a post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A post as `signed_in` (or not) viewers see it.
pub fn status(ctx: &Context, post: &PostView, signed_in: bool) -> StatusEntity {
    let quote = post.quote.as_ref().map(
        |quoted| json!({ "state": "accepted", "quoted_status": status(ctx, quoted, signed_in) }),
    );
    let status = &post.status;
    let author = account_view(ctx, &post.author);
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
    let stats = &post.stats;
    StatusEntity {
        id: status.id.to_string(),
        uri,
        url: Some(url),
        created_at: timestamp(status.created_at),
        edited_at: status.edited_at.map(timestamp),
        account: author,
        content: status.content.clone(),
        visibility: status.visibility.clone(),
        sensitive: moot_app::views::rules::shown_sensitive(
            status.sensitive,
            &post.author.account,
            !post.media.is_empty(),
        ),
        spoiler_text: status.spoiler_text.clone(),
        language: status.language.clone(),
        in_reply_to_id: status.in_reply_to_id.map(|id| id.to_string()),
        in_reply_to_account_id: stats.parent_author.map(|id| id.to_string()),
        replies_count: stats.replies,
        reblogs_count: stats.reblogs,
        favourites_count: stats.favourites,
        media_attachments: post.media.iter().map(|m| media(ctx, m)).collect(),
        mentions: post.mentions.iter().map(|a| mention(ctx, a)).collect(),
        tags: stats.tags.iter().map(|t| tag(ctx, t)).collect(),
        emojis: post
            .emojis
            .iter()
            .map(|(shortcode, url)| {
                json!({ "shortcode": shortcode, "url": url, "static_url": url, "visible_in_picker": false })
            })
            .collect(),
        quote,
        reblog: None,
        poll: post.poll.as_ref().map(|p| poll(p, signed_in)),
        card: post.card.as_ref().map(card),
        application: None,
        favourited: stats.favourited,
        reblogged: stats.reblogged,
        muted: stats.muted,
        bookmarked: stats.bookmarked,
        pinned: stats.pinned,
        filtered: post
            .filtered
            .iter()
            .map(|f| filter_result(f, status.id))
            .collect(),
        text: None,
    }
}

/// Mastodon's `PreviewCard`: what a post's first link leads to.
fn card(card: &moot_app::cards::Card) -> Value {
    let provider_url = url::Url::parse(&card.url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    json!({
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "type": "link",
        "author_name": "",
        "author_url": "",
        "authors": [],
        "provider_name": card.provider_name,
        "provider_url": provider_url,
        "html": "",
        "width": 0,
        "height": 0,
        "image": card.image_url,
        "embed_url": "",
        "blurhash": null,
    })
}

/// A timeline line: a post, or a boost with the boosted post inside.
pub fn entry(ctx: &Context, entry: &EntryView, signed_in: bool) -> StatusEntity {
    let post = status(ctx, &entry.post, signed_in);
    let Some(boost) = &entry.boost else {
        return post;
    };
    StatusEntity {
        id: boost.id.to_string(),
        uri: boost.ap_id.clone(),
        url: None,
        created_at: timestamp(boost.created_at),
        edited_at: None,
        account: account_view(ctx, &boost.by),
        content: String::new(),
        visibility: "public".into(),
        sensitive: false,
        spoiler_text: String::new(),
        language: None,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        media_attachments: Vec::new(),
        mentions: Vec::new(),
        tags: Vec::new(),
        emojis: Vec::new(),
        quote: None,
        poll: None,
        card: None,
        application: None,
        favourited: post.favourited,
        reblogged: post.reblogged,
        muted: false,
        bookmarked: post.bookmarked,
        pinned: false,
        filtered: post.filtered.clone(),
        text: None,
        reblog: Some(Box::new(post)),
    }
}

/// Mastodon's `Poll`; `voted` and `own_votes` only to a signed-in viewer.
#[derive(Debug, Clone, Serialize)]
pub struct PollEntity {
    pub id: String,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub multiple: bool,
    pub votes_count: i64,
    pub voters_count: i64,
    pub options: Vec<PollOption>,
    pub emojis: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_votes: Option<Vec<i32>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PollOption {
    pub title: String,
    pub votes_count: i64,
}

pub fn poll(view: &PollView, signed_in: bool) -> PollEntity {
    PollEntity {
        id: view.poll.status_id.to_string(),
        expires_at: view.poll.expires_at.map(timestamp),
        expired: view.expired(),
        multiple: view.poll.multiple,
        votes_count: view.counts.iter().sum(),
        voters_count: view.voters,
        options: view
            .poll
            .options
            .iter()
            .zip(&view.counts)
            .map(|(title, votes)| PollOption {
                title: title.clone(),
                votes_count: *votes,
            })
            .collect(),
        emojis: Vec::new(),
        voted: signed_in.then_some(!view.own_votes.is_empty()),
        own_votes: signed_in.then(|| view.own_votes.clone()),
    }
}

/// Mastodon's `Filter`.
#[derive(Debug, Clone, Serialize)]
pub struct FilterEntity {
    pub id: String,
    pub title: String,
    pub context: Vec<String>,
    pub expires_at: Option<String>,
    pub filter_action: String,
    pub keywords: Vec<FilterKeywordEntity>,
    pub statuses: Vec<FilterStatusEntity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterKeywordEntity {
    pub id: String,
    pub keyword: String,
    pub whole_word: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterStatusEntity {
    pub id: String,
    pub status_id: String,
}

pub fn filter_keyword(k: &moot_app::model::Keyword) -> FilterKeywordEntity {
    FilterKeywordEntity {
        id: k.id.to_string(),
        keyword: k.keyword.clone(),
        whole_word: k.whole_word,
    }
}

pub fn filter_status(s: &moot_app::model::FilteredStatus) -> FilterStatusEntity {
    FilterStatusEntity {
        id: s.id.to_string(),
        status_id: s.status_id.to_string(),
    }
}

pub fn filter(f: &FullFilter) -> FilterEntity {
    FilterEntity {
        id: f.filter.id.to_string(),
        title: f.filter.title.clone(),
        context: f.filter.context.clone(),
        expires_at: f.filter.expires_at.map(timestamp),
        filter_action: f.filter.action.clone(),
        keywords: f.keywords.iter().map(filter_keyword).collect(),
        statuses: f.statuses.iter().map(filter_status).collect(),
    }
}

/// Mastodon's `FilterResult`: a filter a post matched, and how.
#[derive(Debug, Clone, Serialize)]
pub struct FilterResultEntity {
    pub filter: FilterEntity,
    pub keyword_matches: Option<Vec<String>>,
    pub status_matches: Option<Vec<String>>,
}

/// How a filter matched the post `status_id`.
fn filter_result(found: &FilterMatch, status_id: i64) -> FilterResultEntity {
    FilterResultEntity {
        filter: filter(&found.filter),
        keyword_matches: (!found.keywords.is_empty()).then(|| found.keywords.clone()),
        status_matches: found.by_post.then(|| vec![status_id.to_string()]),
    }
}

/// Mastodon's `Notification`.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub group_key: String,
    pub created_at: String,
    pub account: AccountEntity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusEntity>,
    /// Mastodon's `AccountWarning`, for `moderation_warning`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_warning: Option<Value>,
}

pub fn notification(ctx: &Context, view: &NotificationView) -> NotificationEntity {
    let n = &view.notification;
    let account = account_view(ctx, &view.from);
    let moderation_warning = view.warning.as_ref().map(|w| {
        json!({
            "id": w.id.to_string(),
            "action": w.action,
            "text": w.text,
            "status_ids": [],
            "target_account": account,
            "appeal": null,
            "created_at": timestamp(w.created_at),
        })
    });
    NotificationEntity {
        id: n.id.to_string(),
        kind: n.kind.clone(),
        group_key: moot_app::views::notification_groups::default_group_key(n),
        created_at: timestamp(n.created_at),
        account,
        status: view.post.as_ref().map(|p| status(ctx, p, true)),
        moderation_warning,
    }
}

/// Mastodon's `Relationship`: how the viewer and account `id` stand.
#[derive(Debug, Clone, Serialize)]
pub struct RelationshipEntity {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

pub fn relationship(id: i64, r: moot_app::follows::Relationship) -> RelationshipEntity {
    RelationshipEntity {
        id: id.to_string(),
        following: r.following,
        showing_reblogs: r.following,
        notifying: r.notifying,
        languages: None,
        followed_by: r.followed_by,
        blocking: r.blocking,
        blocked_by: r.blocked_by,
        muting: r.muting,
        muting_notifications: r.muting_notifications,
        requested: r.requested,
        requested_by: r.requested_by,
        domain_blocking: r.domain_blocking,
        endorsed: r.endorsed,
        note: r.note,
    }
}
