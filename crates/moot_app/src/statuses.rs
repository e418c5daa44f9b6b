//! Posting, editing and deleting posts, and taking in those of other nodes.
//! Local posts and remote ones go through the same checks here.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::domain_rules::Verdict;
use moot_core::text::{self, TextFormat};
use moot_db::accounts::Account;
use moot_db::media::Media;
use moot_db::statuses::{self as queries, NewStatus, Status};
use moot_db::{follows, notifications, received};
use moot_protocol::notes::{self, LocalNote, RemoteNote, Visibility};
use url::Url;

use crate::follows::actor_id;
use crate::received_posts::ReceivedPost;
use crate::views::rules::{self, Standing};
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
    /// Uploaded files to attach (the author's own, not on another post).
    pub media_ids: Vec<i64>,
    /// The client's Idempotency-Key: the same key within a day gives back
    /// the same post.
    pub idempotency_key: Option<String>,
    /// A poll: the post is then a `Question`.
    pub poll: Option<crate::polls::PollInput>,
    /// How `text` is written; `None` is the author's own setting.
    pub format: Option<TextFormat>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("{e}"))
}

pub(crate) fn check_input(ctx: &Context, input: &PostInput) -> Result<(), AppError> {
    if let Some(poll) = &input.poll {
        crate::polls::check(poll)?;
        if !input.media_ids.is_empty() {
            return Err(AppError::invalid(
                "poll",
                "a post has a poll or files, not both",
            ));
        }
    }
    if input.text.trim().is_empty() && input.media_ids.is_empty() {
        return Err(AppError::invalid("status", "can't be blank"));
    }
    let most = ctx.settings.media.max_attachments as usize;
    if input.media_ids.len() > most {
        return Err(AppError::invalid(
            "media_ids",
            format!("at most {most} files may be attached"),
        ));
    }
    if input.text.chars().count() + input.spoiler_text.chars().count() > MAX_CHARS {
        return Err(AppError::invalid(
            "status",
            format!("is longer than {MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Mutes (or unmutes) for `who` the conversation post `id` is in, which
/// they must be able to see: no notifications from it while muted.
pub async fn mute_thread(
    ctx: &Context,
    who: &Account,
    id: i64,
    mute: bool,
) -> Result<Status, AppError> {
    let (status, _) = get_visible(ctx, Some(who), id).await?;
    let mut conn = ctx.db.conn().await?;
    moot_db::statuses::mute_thread(&mut conn, who.id, status.id, mute).await?;
    Ok(status)
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
    local_status_id_in(&ctx.urls, uri)
}

/// The same, given the node's URLs.
pub fn local_status_id_in(urls: &moot_core::urls::Urls, uri: &Url) -> Option<i64> {
    uri.as_str()
        .strip_prefix(urls.base().as_str())?
        .strip_prefix("statuses/")?
        .parse()
        .ok()
}

/// The local post an address shows: its ActivityPub id (`/statuses/ID`)
/// or one of its web pages (`/posts/ID`, `/@name/ID`).
pub fn local_post_of_address(urls: &moot_core::urls::Urls, address: &Url) -> Option<i64> {
    if let Some(id) = local_status_id_in(urls, address) {
        return Some(id);
    }
    let path = address.as_str().strip_prefix(urls.base().as_str())?;
    let path = path.split(['?', '#']).next()?;
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["posts", id] => id.parse().ok(),
        [name, id] if name.starts_with('@') => id.parse().ok(),
        _ => None,
    }
}

/// Whether a post has attachments.
pub async fn has_media(ctx: &Context, status_id: i64) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(!moot_db::media::of_statuses(&mut conn, &[status_id])
        .await?
        .is_empty())
}

/// Whether `viewer` (None: anonymous) may see `status` by `author`: the
/// rule is `views::rules::may_see`; this reads the facts it needs.
pub async fn can_view(
    ctx: &Context,
    viewer: Option<&Account>,
    status: &Status,
    author: &Account,
) -> Result<bool, AppError> {
    if !rules::account_shown(author) {
        return Ok(false);
    }
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let standing = standing(ctx, viewer, status, author, visibility).await?;
    Ok(rules::may_see(
        visibility,
        status.deleted_at.is_some(),
        standing,
    ))
}

/// How `viewer` stands towards a post, reading only what its visibility
/// needs to be decided.
async fn standing(
    ctx: &Context,
    viewer: Option<&Account>,
    status: &Status,
    author: &Account,
    visibility: Visibility,
) -> Result<Standing, AppError> {
    let Some(viewer) = viewer else {
        return Ok(Standing::default());
    };
    let mut standing = Standing {
        signed_in: true,
        is_author: viewer.id == author.id,
        ..Standing::default()
    };
    if standing.is_author || status.deleted_at.is_some() {
        return Ok(standing);
    }
    let mut conn = ctx.db.conn().await?;
    standing.blocked_by_author = moot_db::blocks::blocks(&mut conn, author.id, viewer.id).await?;
    if standing.blocked_by_author || matches!(visibility, Visibility::Public | Visibility::Unlisted)
    {
        return Ok(standing);
    }
    // Another node's instance actor fetches for its people: it stands as
    // the best placed of them.
    let instance_of = match (&viewer.domain, viewer.actor_type.as_str()) {
        (Some(domain), "Application" | "Service") => Some(domain.as_str()),
        _ => None,
    };
    standing.mentioned = queries::mentions(&mut conn, status.id, viewer.id).await?
        || match instance_of {
            Some(domain) => queries::mentions_someone_on(&mut conn, status.id, domain).await?,
            None => false,
        };
    if standing.mentioned || visibility == Visibility::Direct {
        return Ok(standing);
    }
    // The audience of a followers-only post: the author's followers, or
    // the members of the group it was posted in.
    let audience = status.group_id.unwrap_or(author.id);
    standing.in_audience = follows::find(&mut conn, viewer.id, audience)
        .await?
        .is_some_and(|f| f.accepted)
        || match instance_of {
            Some(domain) => follows::has_follower_on(&mut conn, audience, domain).await?,
            None => false,
        };
    Ok(standing)
}

/// A post made on this node, with its author (deleted ones too: their
/// tombstones are served).
pub async fn find_local(ctx: &Context, id: i64) -> Result<(Status, Account), AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::find(&mut conn, id)
        .await?
        .filter(|(status, _)| status.ap_id.is_none())
        .ok_or(AppError::NotFound)
}

/// An account's newest public posts, as its outbox shows them.
pub async fn public_of(
    ctx: &Context,
    account: &Account,
    limit: i64,
) -> Result<Vec<Status>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::by_account(&mut conn, account.id, &["public"], None, limit).await?)
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
    addressed: &[&Account],
    group: Option<&Account>,
) -> Result<Audience, AppError> {
    let followers = ctx.urls.person_collection(&author.username, "followers");
    let addressed: Vec<&Account> = addressed
        .iter()
        .copied()
        .filter(|a| a.id != author.id)
        .collect();
    let mut mentioned: Vec<Url> = addressed
        .iter()
        .map(|a| actor_id(ctx, a))
        .collect::<Result<_, _>>()?;
    if let Some(group) = group {
        mentioned.insert(0, actor_id(ctx, group)?);
    }
    // Followers-only posts in a group are for the group's members, not the
    // author's followers.
    let group_only = group.is_some() && visibility == Visibility::Private;
    let (to, cc) = if group_only {
        (mentioned.iter().map(Url::to_string).collect(), Vec::new())
    } else {
        visibility.addressing(&followers, &mentioned)
    };
    let mut inboxes: Vec<Url> = Vec::new();
    if visibility != Visibility::Direct && !group_only {
        inboxes.extend(crate::outbound::follower_inboxes(conn, author.id).await?);
    }
    if visibility == Visibility::Public {
        inboxes.extend(crate::relays::inboxes(conn).await?);
    }
    // Remote people replied to or mentioned, and a remote group posted in,
    // hear of it.
    for remote in addressed
        .iter()
        .copied()
        .chain(group)
        .filter(|a| a.domain.is_some())
    {
        let inbox = remote
            .shared_inbox_url
            .as_deref()
            .or(remote.inbox_url.as_deref());
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
    addressed: &[&Account],
    group: Option<&Account>,
    files: &[Media],
) -> Result<serde_json::Value, AppError> {
    let handle = |a: &Account| -> Result<(Url, String), AppError> {
        let host = a.domain.clone().unwrap_or_else(|| ctx.urls.authority());
        Ok((actor_id(ctx, a)?, format!("@{}@{host}", a.username)))
    };
    // A top-level post in a group has a title; replies are comments.
    let name = group
        .filter(|_| status.in_reply_to_ap_id.is_none())
        .map(|g| text::subject_line(status.source.as_deref().unwrap_or_default(), &g.username))
        .filter(|name| !name.is_empty());
    let group = group.map(handle).transpose()?;
    let mentions = addressed
        .iter()
        .filter(|a| a.id != author.id)
        .map(|a| handle(a))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(notes::note(&LocalNote {
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
        in_reply_to: status
            .in_reply_to_ap_id
            .as_deref()
            .and_then(|u| Url::parse(u).ok()),
        to: audience.to.clone(),
        cc: audience.cc.clone(),
        group,
        mentions,
        hashtags: text::hashtags(status.source.as_deref().unwrap_or_default())
            .into_iter()
            .map(|name| (ctx.urls.tag(&name), name))
            .collect(),
        name,
        attachments: files
            .iter()
            .map(|f| notes::Attachment {
                url: ctx.urls.media_file(&f.file_key),
                media_type: &f.content_type,
                name: attachment_name(f),
                size: f.file_size,
                sha256: &f.sha256,
            })
            .collect(),
    }))
}

/// What a file is called on the wire: its alt text, else its file name.
fn attachment_name(file: &Media) -> Option<&str> {
    Some(file.description.as_str())
        .filter(|d| !d.is_empty())
        .or(file.original_name.as_deref())
}

/// Attaches the files a post names, all or none.
async fn attach_files(
    conn: &mut AsyncPgConnection,
    author: &Account,
    status_id: i64,
    ids: &[i64],
) -> Result<Vec<Media>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    moot_db::media::detach_others(conn, status_id, &ids).await?;
    let attached = moot_db::media::attach(conn, author.id, status_id, &ids).await?;
    if attached != ids.len() {
        return Err(AppError::invalid(
            "media_ids",
            "names a file that is not yours or is on another post",
        ));
    }
    Ok(moot_db::media::of_statuses(conn, &[status_id]).await?)
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

/// A post's group and parent (with their authors), as stored.
struct Surroundings {
    parent: Option<(Status, Account)>,
    group: Option<Account>,
    /// The people the post mentions.
    mentioned: Vec<Account>,
}

impl Surroundings {
    /// Everyone the post is addressed to by name: the author replied to
    /// and the people mentioned.
    fn addressed(&self) -> Vec<&Account> {
        let mut all: Vec<&Account> = self.parent.iter().map(|(_, a)| a).collect();
        all.extend(
            self.mentioned
                .iter()
                .filter(|m| all.iter().all(|a| a.id != m.id))
                .collect::<Vec<_>>(),
        );
        all
    }
}

async fn surroundings(
    conn: &mut AsyncPgConnection,
    status: &Status,
) -> Result<Surroundings, AppError> {
    let parent = match status.in_reply_to_id {
        Some(parent_id) => queries::find(conn, parent_id).await?,
        None => None,
    };
    let group = match status.group_id {
        Some(group_id) => moot_db::accounts::find_by_id(conn, group_id).await?,
        None => None,
    };
    let mentioned = queries::mentioned_accounts(conn, status.id).await?;
    Ok(Surroundings {
        parent,
        group,
        mentioned,
    })
}

/// A local post as the ActivityPub object served at its id.
pub async fn object_json(
    ctx: &Context,
    status: &Status,
    author: &Account,
) -> Result<serde_json::Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let around = surroundings(&mut conn, status).await?;
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let audience = audience(
        ctx,
        &mut conn,
        author,
        visibility,
        &around.addressed(),
        around.group.as_ref(),
    )
    .await?;
    let files = moot_db::media::of_statuses(&mut conn, &[status.id]).await?;
    let mut object = render_local(
        ctx,
        author,
        status,
        &audience,
        &around.addressed(),
        around.group.as_ref(),
        &files,
    )?;
    crate::polls::decorate(&mut conn, &mut object, status.id).await?;
    Ok(object)
}

/// Sends a local post again as it now is (`Update`) to its audience and to
/// `also` (e.g. a poll's voters, with its new totals), in the caller's
/// transaction.
pub(crate) async fn republish(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    status: &Status,
    author: &Account,
    also: &[Url],
) -> Result<(), AppError> {
    let around = surroundings(conn, status).await?;
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let group = around.group.as_ref();
    let audience = audience(ctx, conn, author, visibility, &around.addressed(), group).await?;
    let files = moot_db::media::of_statuses(conn, &[status.id]).await?;
    let mut object = render_local(
        ctx,
        author,
        status,
        &audience,
        &around.addressed(),
        group,
        &files,
    )?;
    crate::polls::decorate(conn, &mut object, status.id).await?;
    let mut inboxes = audience.inboxes.clone();
    for inbox in also {
        if !inboxes.contains(inbox) {
            inboxes.push(inbox.clone());
        }
    }
    publish(ctx, conn, author, "Update", &object, &inboxes, group).await
}

/// Who a local author's text mentions, of those this node knows.
struct Mentioned {
    /// The first group mentioned: the one the post is made in.
    group: Option<Account>,
    people: Vec<Account>,
    /// Each mention as typed, with the page it links to.
    links: Vec<(String, String)>,
}

async fn mentioned(ctx: &Context, text: &str) -> Result<Mentioned, AppError> {
    let mut found = Mentioned {
        group: None,
        people: Vec::new(),
        links: Vec::new(),
    };
    for mention in moot_core::text::mentions(text).iter().take(MAX_MENTIONS) {
        let Some(account) = crate::directory::by_acct(ctx, mention).await? else {
            continue;
        };
        found.links.push((
            mention.clone(),
            crate::directory::profile_url(ctx, &account),
        ));
        match account.actor_type.as_str() {
            "Group" => {
                found.group.get_or_insert(account);
            }
            _ => found.people.push(account),
        }
    }
    Ok(found)
}

/// A local post's HTML: the text in the format the author chose (else the
/// one in their settings), its mentions linked to the pages of `links`.
async fn render_text(
    ctx: &Context,
    author: &Account,
    source: &str,
    format: Option<TextFormat>,
    links: &[(String, String)],
) -> Result<String, AppError> {
    let format = match format {
        Some(format) => format,
        None => {
            let mut conn = ctx.db.conn().await?;
            moot_db::accounts::post_format_of(&mut conn, author.id)
                .await?
                .and_then(|f| TextFormat::from_media_type(&f))
                .unwrap_or_default()
        }
    };
    let tag_url = |name: &str| ctx.urls.tag(name).to_string();
    Ok(text::render_post(
        source,
        format,
        &text::Links {
            mentions: links,
            tag_url: &tag_url,
        },
    ))
}

/// Most people one post may mention (a cap on fan-out and abuse).
const MAX_MENTIONS: usize = 50;

/// Checks that `author` may post in `group`: by the group's own rules if
/// it is ours, by known membership if it is elsewhere (its node decides).
async fn check_group_post(
    conn: &mut AsyncPgConnection,
    group: &Account,
    author: &Account,
) -> Result<(), AppError> {
    if group.domain.is_none() {
        return crate::groups::check_can_post(conn, group, author).await;
    }
    let member = moot_db::follows::find(conn, author.id, group.id)
        .await?
        .is_some_and(|f| f.accepted);
    if member {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "join {} before posting in it",
            group.username
        )))
    }
}

/// Publishes a local post; the `Create` goes to the outbox in the same
/// transaction, and a local group it is made in announces it.
pub async fn create(ctx: &Context, author: &Account, input: PostInput) -> Result<Status, AppError> {
    let key = input.idempotency_key.clone();
    if let Some(earlier) = made_with_key(ctx, author, key.as_deref()).await? {
        return Ok(earlier);
    }
    match create_once(ctx, author, input).await {
        Err(AppError::AlreadyExists(m)) if m == IDEMPOTENT_RACE => {
            made_with_key(ctx, author, key.as_deref())
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotent post vanished")))
        }
        done => done,
    }
}

async fn create_once(
    ctx: &Context,
    author: &Account,
    input: PostInput,
) -> Result<Status, AppError> {
    let status = store_new_post(ctx, author, input).await?;
    crate::cards::attach_later(ctx, &status);
    Ok(status)
}

/// Stores a local post and queues what it sends, in one transaction.
async fn store_new_post(
    ctx: &Context,
    author: &Account,
    input: PostInput,
) -> Result<Status, AppError> {
    check_input(ctx, &input)?;
    let parent = parent_of(ctx, author, input.in_reply_to_id).await?;
    if let Some((parent, _)) = &parent {
        let mut conn = ctx.db.conn().await?;
        if crate::group_moderation::is_closed(&mut conn, parent.id).await? {
            return Err(AppError::invalid(
                "in_reply_to_id",
                crate::group_moderation::CLOSED,
            ));
        }
    }
    let Mentioned {
        group,
        people,
        links,
    } = mentioned(ctx, &input.text).await?;
    let content = render_text(ctx, author, &input.text, input.format, &links).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut input = input;
        if let Some(group) = &group {
            check_group_post(conn, group, author).await?;
            // In a private group, posts are for its members only.
            if crate::groups::mode_of(conn, group).await?
                == Some(crate::groups::MembershipMode::Private)
            {
                input.visibility = Visibility::Private;
            }
        }
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
                kind: if input.poll.is_some() {
                    "Question"
                } else {
                    "Note"
                },
                content: &content,
                source: Some(&input.text),
                spoiler_text: &input.spoiler_text,
                sensitive: input.sensitive,
                visibility: input.visibility.as_str(),
                language: input.language.as_deref(),
                url: None,
                created_at: Utc::now(),
                group_id: group.as_ref().map(|g| g.id),
                quote_ap_id: None,
            },
        )
        .await?;
        if let Some(key) = &input.idempotency_key {
            if !queries::remember_idempotency_key(conn, author.id, key, status.id).await? {
                // A retry raced this request: it made the post.
                return Err(AppError::AlreadyExists(IDEMPOTENT_RACE.into()));
            }
        }
        if let Some(poll) = &input.poll {
            crate::polls::create(conn, status.id, poll).await?;
        }
        queries::add_tags(conn, status.id, &tags_of(&status)).await?;
        notify_subscribers(conn, &status).await?;
        let files = attach_files(conn, author, status.id, &input.media_ids).await?;
        let people_ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        // The group a post is made in is mentioned too (apps list it), but
        // a group is not notified.
        let mentioned_ids: Vec<i64> = people_ids
            .iter()
            .copied()
            .chain(group.as_ref().map(|g| g.id))
            .collect();
        queries::add_mentions(conn, status.id, &mentioned_ids).await?;
        notifications::add(conn, &people_ids, "mention", author.id, Some(status.id)).await?;
        let local_people: Vec<i64> = people
            .iter()
            .filter(|p| p.domain.is_none())
            .map(|p| p.id)
            .collect();
        crate::conversations::record_in(conn, &status, author, &local_people).await?;
        let mut addressed: Vec<&Account> = parent.iter().map(|(_, a)| a).collect();
        addressed.extend(people.iter());
        let audience = audience(
            ctx,
            conn,
            author,
            input.visibility,
            &addressed,
            group.as_ref(),
        )
        .await?;
        let mut object = render_local(
            ctx,
            author,
            &status,
            &audience,
            &addressed,
            group.as_ref(),
            &files,
        )?;
        crate::polls::decorate(conn, &mut object, status.id).await?;
        publish(
            ctx,
            conn,
            author,
            "Create",
            &object,
            &audience.inboxes,
            group.as_ref(),
        )
        .await?;
        Ok(status)
    })
    .await
}

/// A post by a local group about something it keeps (a wiki page, a
/// document, an event), in the transaction that made the change: its
/// followers, here and on other nodes, see it in their home timelines,
/// and replies to it discuss that thing, whose id is the post's `url`.
pub(crate) async fn post_as_group(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    text: &str,
    about: &Url,
    visibility: Visibility,
) -> Result<Status, AppError> {
    let content = text::render_markdown(text);
    let status = queries::insert(
        conn,
        &NewStatus {
            ap_id: None,
            account_id: group.id,
            in_reply_to_id: None,
            in_reply_to_ap_id: None,
            kind: "Note",
            content: &content,
            source: Some(text),
            spoiler_text: "",
            sensitive: false,
            visibility: visibility.as_str(),
            language: None,
            url: Some(about.as_str()),
            created_at: Utc::now(),
            group_id: Some(group.id),
            quote_ap_id: None,
        },
    )
    .await?;
    notify_subscribers(conn, &status).await?;
    let audience = audience(ctx, conn, group, visibility, &[], None).await?;
    let object = render_local(ctx, group, &status, &audience, &[], None, &[])?;
    publish(ctx, conn, group, "Create", &object, &audience.inboxes, None).await?;
    Ok(status)
}

const IDEMPOTENT_RACE: &str = "idempotency key in use";

/// The post `author` already made with `key`, if any.
async fn made_with_key(
    ctx: &Context,
    author: &Account,
    key: Option<&str>,
) -> Result<Option<Status>, AppError> {
    let Some(key) = key else { return Ok(None) };
    let mut conn = ctx.db.conn().await?;
    let Some(id) = queries::by_idempotency_key(&mut conn, author.id, key).await? else {
        return Ok(None);
    };
    Ok(queries::find(&mut conn, id)
        .await?
        .map(|(status, _)| status))
}

/// Sends an activity about a local post to its audience; a local group the
/// post is in announces it to the group's followers too.
async fn publish(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    kind: &str,
    object: &serde_json::Value,
    inboxes: &[Url],
    group: Option<&Account>,
) -> Result<(), AppError> {
    let activity = if kind == "Delete" {
        object.clone()
    } else {
        notes::wrap(
            kind,
            &ctx.urls.new_activity(),
            &ctx.urls.person(&author.username),
            object,
        )
    };
    if !inboxes.is_empty() {
        let id = activity["id"].as_str().unwrap_or_default().to_owned();
        crate::outbound::queue(ctx, conn, author.id, &id, &activity.to_string(), inboxes).await?;
    }
    if let Some(group) = group.filter(|g| g.domain.is_none()) {
        crate::groups::announce(ctx, conn, group, &activity).await?;
    }
    Ok(())
}

/// A local post of `author`, for editing or deleting.
async fn own_post(
    ctx: &Context,
    author: &Account,
    id: i64,
) -> Result<(Status, Surroundings), AppError> {
    let mut conn = ctx.db.conn().await?;
    let (status, owner) = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner.id != author.id || status.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let around = surroundings(&mut conn, &status).await?;
    Ok((status, around))
}

/// Edits a local post; the `Update` reaches everyone who got the post.
pub async fn edit(
    ctx: &Context,
    author: &Account,
    id: i64,
    input: PostInput,
) -> Result<Status, AppError> {
    check_input(ctx, &input)?;
    let (status, around) = own_post(ctx, author, id).await?;
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    let links = mentioned(ctx, &input.text).await?.links;
    let content = render_text(ctx, author, &input.text, input.format, &links).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let edited = apply_edit(
            conn,
            status.id,
            &content,
            Some(&input.text),
            &input.spoiler_text,
            input.sensitive,
        )
        .await?;
        let files = attach_files(conn, author, status.id, &input.media_ids).await?;
        let group = around.group.as_ref();
        let audience = audience(ctx, conn, author, visibility, &around.addressed(), group).await?;
        let mut object = render_local(
            ctx,
            author,
            &edited,
            &audience,
            &around.addressed(),
            group,
            &files,
        )?;
        crate::polls::decorate(conn, &mut object, edited.id).await?;
        publish(
            ctx,
            conn,
            author,
            "Update",
            &object,
            &audience.inboxes,
            group,
        )
        .await?;
        Ok(edited)
    })
    .await
}

/// Deletes a local post; a `Delete` with a `Tombstone` follows it out.
pub async fn delete(ctx: &Context, author: &Account, id: i64) -> Result<Status, AppError> {
    let (status, around) = own_post(ctx, author, id).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        delete_in(ctx, conn, author, &status, &around).await
    })
    .await?;
    Ok(status)
}

/// Deletes a local post in the caller's transaction; the `Delete` reaches
/// everyone who had it.
async fn delete_in(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    status: &Status,
    around: &Surroundings,
) -> Result<(), AppError> {
    let visibility = Visibility::parse(&status.visibility).unwrap_or(Visibility::Direct);
    queries::mark_deleted(conn, status.id).await?;
    let group = around.group.as_ref();
    let audience = audience(ctx, conn, author, visibility, &around.addressed(), group).await?;
    let activity = notes::delete(
        &ctx.urls.new_activity(),
        &ctx.urls.person(&author.username),
        &ctx.urls.status(status.id),
        &audience.to,
        &audience.cc,
    );
    publish(
        ctx,
        conn,
        author,
        "Delete",
        &activity,
        &audience.inboxes,
        group,
    )
    .await
}

/// An administrator removes a post: see `remove_in`. The audit log records
/// who, which and why.
pub async fn remove(
    ctx: &Context,
    admin: &Account,
    id: i64,
    reason: &str,
) -> Result<Status, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    let (status, author) = queries::find(&mut conn, id)
        .await?
        .filter(|(s, _)| s.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    let uri = status_uri(ctx, &status)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        remove_in(ctx, conn, &status, &author).await?;
        let details = serde_json::json!({ "uri": uri, "author": actor_id(ctx, &author)? });
        moot_db::audit::record(
            conn,
            &format!("@{}", admin.username),
            "status.remove",
            &format!("status:{}", status.id),
            &details.to_string(),
            reason,
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(status)
}

/// A moderator's removal of a post, in the caller's transaction: one made
/// here is deleted as its author's deletion is (every node that had it is
/// told); one from another node is hidden here, and when it was posted in
/// one of this node's groups, the group tells its members' nodes to drop
/// it (a `Delete` from the group, which they take from the post's group).
pub(crate) async fn remove_in(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    status: &Status,
    author: &Account,
) -> Result<(), AppError> {
    let around = surroundings(conn, status).await?;
    if author.domain.is_none() {
        return delete_in(ctx, conn, author, status, &around).await;
    }
    queries::mark_deleted(conn, status.id).await?;
    let Some(group) = &around.group else {
        return Ok(());
    };
    if crate::groups::local_group(conn, group).await?.is_none() {
        return Ok(());
    }
    let followers = ctx.urls.person_collection(&group.username, "followers");
    let activity = notes::delete(
        &ctx.urls.new_activity(),
        &ctx.urls.person(&group.username),
        &status_uri(ctx, status)?,
        &[moot_protocol::context::PUBLIC.to_owned()],
        &[followers.to_string()],
    );
    crate::outbound::to_followers(ctx, conn, group, &activity).await
}

/// A post received from `actor`'s node (its origin already checked by the
/// federation layer). Stored once, however often it arrives.
///
/// A post made in one of our groups is checked against the group's rules
/// (members only, no bans); if refused, nothing is stored and nobody hears
/// of it. Otherwise the group announces the activity, unchanged, to its
/// followers: `activity` rebuilds it as received (only group posts need it).
pub async fn receive_create(
    ctx: &Context,
    activity: impl Fn() -> serde_json::Value + Sync,
    activity_id: &Url,
    actor: &Account,
    note: &RemoteNote,
) -> Result<(), AppError> {
    if crate::polls::is_vote(note) {
        return crate::polls::receive_vote(ctx, actor, note).await;
    }
    let author_uri = actor_id(ctx, actor)?;
    let content = || remote_content(ctx, actor, note);
    if let Some(post) = ReceivedPost::plain(ctx, actor, &author_uri, note, content) {
        return ctx.received_posts.store(ctx, post).await.map(|_| ());
    }
    if let Some(group) = crate::received_in_groups::group_of(ctx, note).await? {
        let name = group.username.clone();
        let post = ReceivedPost::checked(ctx, actor, &author_uri, note, content())?;
        if ctx
            .received_posts
            .store(ctx, post.in_group(group, activity()))
            .await?
        {
            return Ok(());
        }
        ctx.received_posts.groups.forget(&name);
    }
    let mut conn = ctx.db.conn().await?;
    let stored = conn
        .transaction::<_, AppError, _>(async |conn| {
            if !received::first_time(conn, activity_id.as_str()).await? {
                return Ok(None);
            }
            let group = crate::groups::find_addressed(ctx, conn, &note.addressees()).await?;
            if let Some(group) = &group {
                crate::groups::check_can_post(conn, group, actor).await?;
                check_thread_open(ctx, conn, note).await?;
            }
            let status = store_remote_in(ctx, conn, actor, note).await?;
            if let Some(group) = &group {
                queries::set_group(conn, status.id, group.id).await?;
                crate::groups::announce(ctx, conn, group, &activity()).await?;
            }
            Ok(Some(status))
        })
        .await?;
    if let Some(status) = stored {
        crate::cards::attach_later(ctx, &status);
    }
    Ok(())
}

/// A post seen through a remote group's `Announce`: fetched from its own
/// origin by the federation layer, then filed under that group.
pub async fn file_under_group(
    ctx: &Context,
    status_id: i64,
    group: &Account,
) -> Result<(), AppError> {
    // A post addressed to the group alone reads as "direct" from its
    // addressing; within the group it is for the group's members.
    let mut conn = ctx.db.conn().await?;
    queries::set_group(&mut conn, status_id, group.id).await?;
    queries::narrow_direct_to_members(&mut conn, status_id).await?;
    Ok(())
}

/// Stores a remote post by `author` that was fetched (not delivered), e.g.
/// the parent of a reply or a search result. Returns the stored row.
pub async fn store_remote(
    ctx: &Context,
    author: &Account,
    note: &RemoteNote,
) -> Result<Status, AppError> {
    let mut conn = ctx.db.conn().await?;
    let status = conn
        .transaction::<_, AppError, _>(async |conn| store_remote_in(ctx, conn, author, note).await)
        .await?;
    crate::cards::attach_later(ctx, &status);
    Ok(status)
}

/// Stores a remote post (received or fetched) through the one path every
/// received post takes (`received_posts::store_in`), then what only a
/// post that is not plain brings: its poll, and the local people it
/// mentions, who are told. Returns the stored row, new or not.
async fn store_remote_in(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    note: &RemoteNote,
) -> Result<Status, AppError> {
    let author_uri = actor_id(ctx, author)?;
    let content = remote_content(ctx, author, note);
    let post = ReceivedPost::checked(ctx, author, &author_uri, note, content.clone())?;
    let created = crate::received_posts::store_in(conn, &[&post]).await?;
    let status = match created.into_iter().next() {
        Some(status) => {
            mention_local_people(ctx, conn, author, &status, note).await?;
            status
        }
        None => {
            // Known already: what its origin serves now is its latest
            // version (a group relays an edit as `Announce{Update}` and the
            // post is fetched again), so a change is taken as an edit.
            let known = queries::find_by_ap_id(conn, note.id.as_str())
                .await?
                .ok_or(AppError::NotFound)?;
            match known.account_id == author.id {
                true => take_edit(conn, &known, &content, note).await?,
                false => known,
            }
        }
    };
    if note.kind == "Question" {
        crate::polls::store_remote(conn, status.id, note).await?;
    }
    Ok(status)
}

/// Applies a remote post's new text, summary or sensitivity, keeping the
/// earlier version in its history; the same text (a poll's new totals come
/// as an `Update` with it) changes nothing.
async fn take_edit(
    conn: &mut AsyncPgConnection,
    status: &Status,
    content: &str,
    note: &RemoteNote,
) -> Result<Status, AppError> {
    let summary = note.summary.as_deref().unwrap_or_default();
    let sensitive = note.sensitive.unwrap_or(status.sensitive);
    let changed = content != status.content
        || summary != status.spoiler_text
        || sensitive != status.sensitive;
    if status.deleted_at.is_some() || !changed {
        return Ok(status.clone());
    }
    apply_edit(conn, status.id, content, None, summary, sensitive).await
}

/// Local people a new remote post mentions (or is addressed to) can see it
/// and are told.
async fn mention_local_people(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    author: &Account,
    status: &Status,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let mut local_people = Vec::new();
    for uri in note.addressees() {
        let Some(name) = ctx.urls.local_username(&uri) else {
            continue;
        };
        if let Some(account) = moot_db::accounts::find_local_any(conn, name).await? {
            local_people.push(account.id);
        }
    }
    queries::add_mentions(conn, status.id, &local_people).await?;
    notifications::add(conn, &local_people, "mention", author.id, Some(status.id)).await?;
    crate::conversations::record_in(conn, status, author, &local_people).await
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

/// A remote post's sanitized HTML; without attachments when this node
/// rejects the author's domain's media.
fn remote_content(ctx: &Context, author: &Account, note: &RemoteNote) -> String {
    match media_rejected(ctx, author) {
        true => text::sanitize_html(&note.html_without_media()),
        false => text::sanitize_html(&note.html()),
    }
}

/// Whether this node rejects the media of `author`'s domain.
pub(crate) fn media_rejected(ctx: &Context, author: &Account) -> bool {
    matches!(
        ctx.policy.verdict_for(author.domain.as_deref()),
        Verdict::Federate(limits) if limits.reject_media
    )
}

/// An edit of a remote post by its author.
pub async fn receive_update(
    ctx: &Context,
    activity: &serde_json::Value,
    activity_id: &Url,
    actor: &Account,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let content = remote_content(ctx, actor, note);
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
        if note.kind == "Question" {
            crate::polls::store_remote(conn, status.id, note).await?;
        }
        take_edit(conn, &status, &content, note).await?;
        announce_in_local_group(ctx, conn, &status, activity).await
    })
    .await
}

/// A post's hashtags: from what a local author wrote, or from the text of
/// a remote post's HTML (where `#<span>tag</span>` reads `#tag`).
pub fn hashtags_of(source: Option<&str>, content: &str) -> Vec<String> {
    match source {
        Some(source) => text::hashtags(source),
        // Reading HTML as text costs a parse: with no `#` (nor `&num;`,
        // which reads as one) there is no hashtag to find.
        None if !content.contains('#') && !content.contains("&num;") => Vec::new(),
        None => text::hashtags(&text::plain_text(content)),
    }
}

/// Whether those subscribed to a post's author are told of it: posts their
/// followers see, but not replies (even to a parent not stored yet).
pub(crate) fn tells_subscribers(status: &Status) -> bool {
    status.reaches_followers()
        && status.in_reply_to_id.is_none()
        && status.in_reply_to_ap_id.is_none()
}

/// Tells the author's followers who rang the bell of a new post they may
/// see (not direct messages, not posts kept for a group's members).
async fn notify_subscribers(conn: &mut AsyncPgConnection, status: &Status) -> Result<(), AppError> {
    if !tells_subscribers(status) {
        return Ok(());
    }
    let subscribers = moot_db::follows::subscribers(conn, status.account_id).await?;
    notifications::add(
        conn,
        &subscribers,
        "status",
        status.account_id,
        Some(status.id),
    )
    .await?;
    Ok(())
}

pub(crate) fn tags_of(status: &Status) -> Vec<String> {
    hashtags_of(status.source.as_deref(), &status.content)
}

/// Records an edited post's hashtags anew, for tag timelines.
async fn reindex_tags(conn: &mut AsyncPgConnection, status: &Status) -> Result<(), AppError> {
    Ok(queries::set_tags(conn, status.id, &tags_of(status)).await?)
}

/// Changes a post's text, keeping the version it replaces in its history,
/// and tells local people who favourited or boosted it.
async fn apply_edit(
    conn: &mut AsyncPgConnection,
    status_id: i64,
    content: &str,
    source: Option<&str>,
    spoiler_text: &str,
    sensitive: bool,
) -> Result<Status, AppError> {
    let edited =
        queries::update_content(conn, status_id, content, source, spoiler_text, sensitive).await?;
    reindex_tags(conn, &edited).await?;
    let reactors = queries::local_reactors(conn, status_id).await?;
    notifications::add(
        conn,
        &reactors,
        "update",
        edited.account_id,
        Some(status_id),
    )
    .await?;
    Ok(edited)
}

/// A local group re-announces edits, deletions and likes of posts made in it.
pub(crate) async fn announce_in_local_group(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    status: &Status,
    activity: &serde_json::Value,
) -> Result<(), AppError> {
    let Some(group_id) = status.group_id else {
        return Ok(());
    };
    let Some(group) = moot_db::accounts::find_by_id(conn, group_id).await? else {
        return Ok(());
    };
    if crate::groups::local_group(conn, &group).await?.is_some() {
        crate::groups::announce(ctx, conn, &group, activity).await?;
    }
    Ok(())
}

/// Refuses a reply into a thread a group's moderators closed.
async fn check_thread_open(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    note: &RemoteNote,
) -> Result<(), AppError> {
    let Some(parent) = note.in_reply_to() else {
        return Ok(());
    };
    let parent_id = match local_status_id(ctx, &parent) {
        Some(id) => Some(id),
        None => queries::find_by_ap_id(conn, parent.as_str())
            .await?
            .map(|s| s.id),
    };
    let Some(parent_id) = parent_id else {
        return Ok(());
    };
    match crate::group_moderation::is_closed(conn, parent_id).await? {
        true => Err(crate::group_moderation::closed()),
        false => Ok(()),
    }
}

/// The deletion of a remote post by its author: it becomes a tombstone.
pub async fn receive_delete(
    ctx: &Context,
    activity: &serde_json::Value,
    activity_id: &Url,
    actor: &Account,
    object: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        // A post of this node is named by its own address (a member's
        // post that a group elsewhere removed).
        let status = match local_status_id(ctx, object) {
            Some(id) => queries::find(conn, id).await?.map(|(s, _)| s),
            None => queries::find_by_ap_id(conn, object.as_str()).await?,
        };
        let Some(status) = status else {
            return Ok(());
        };
        // Its author, or the group it was posted in (a moderator's removal).
        if status.account_id != actor.id && status.group_id != Some(actor.id) {
            return Err(AppError::Forbidden(
                "only the author or the post's group can delete a post".into(),
            ));
        }
        queries::mark_deleted(conn, status.id).await?;
        announce_in_local_group(ctx, conn, &status, activity).await
    })
    .await
}

/// Marks a remote post deleted after its origin confirmed it is gone.
pub async fn confirm_gone(ctx: &Context, uri: &Url) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    if let Some(status) = queries::find_by_ap_id(&mut conn, uri.as_str()).await? {
        queries::mark_deleted(&mut conn, status.id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hashtags_of;

    #[test]
    fn a_remote_posts_hashtags_are_read_from_its_html() {
        let tagged = r#"<p>Tips: <a href="https://a.example/tags/housing">#<span>Housing</span></a> &num;Damp &#35;repairs</p>"#;
        assert_eq!(hashtags_of(None, tagged), ["housing", "damp", "repairs"]);
        assert_eq!(hashtags_of(None, "<p>Spelt &num;Damp</p>"), ["damp"]);
        assert!(hashtags_of(None, "<p>No tags, 50&#37; fewer</p>").is_empty());
        assert_eq!(hashtags_of(Some("About #Housing"), ""), ["housing"]);
    }
}
