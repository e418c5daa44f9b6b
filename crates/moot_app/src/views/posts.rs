//! Posts as they are shown: each with its author, counts, files, mentions
//! and poll, read for a whole page at once (a handful of queries per page,
//! not per post).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::{Account, Entry, Media, Stats, Status};
use crate::polls::PollView;
use crate::read_cache::Source;
use crate::views::filtering::FilterMatch;
use crate::{AppError, Context};

/// An account with the counts every showing of it carries.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub account: Account,
    pub followers: i64,
    pub following: i64,
    pub statuses: i64,
}

/// A post as one viewer sees it.
#[derive(Debug, Clone)]
pub struct PostView {
    pub status: Status,
    pub author: AccountView,
    /// Counts, and what the viewer did to it (favourited, boosted ...).
    pub stats: Stats,
    pub media: Vec<Media>,
    pub mentions: Vec<Account>,
    pub poll: Option<PollView>,
    /// The viewer's filters that matched it (warnings; hidden posts are
    /// left out of views altogether).
    pub filtered: Vec<FilterMatch>,
    /// The post it quotes, when the viewer may see it (shown without its
    /// own quote).
    pub quote: Option<Box<PostView>>,
    /// Its custom emoji: (`shortcode`, picture).
    pub emojis: Vec<(String, String)>,
    /// The preview card of its first link.
    pub card: Option<crate::cards::Card>,
}

/// Who shared a post into a timeline, and when.
#[derive(Debug, Clone)]
pub struct BoostView {
    pub id: i64,
    pub ap_id: String,
    pub created_at: DateTime<Utc>,
    pub by: AccountView,
}

/// One line of a timeline: a post, or a boost of one.
#[derive(Debug, Clone)]
pub struct EntryView {
    /// The cursor: the post's id, or the boost's.
    pub id: i64,
    pub post: PostView,
    pub boost: Option<BoostView>,
}

impl EntryView {
    /// The posts and accounts this line shows: what a cached page of it is
    /// made from.
    pub fn sources(&self) -> Vec<Source> {
        let post = &self.post;
        let mut sources = vec![
            Source::Status(post.status.id),
            Source::Account(post.author.account.id),
        ];
        sources.extend(post.mentions.iter().map(|a| Source::Account(a.id)));
        if let Some(quoted) = &post.quote {
            sources.push(Source::Status(quoted.status.id));
            sources.push(Source::Account(quoted.author.account.id));
        }
        if let Some(boost) = &self.boost {
            sources.push(Source::Status(boost.id));
            sources.push(Source::Account(boost.by.account.id));
        }
        sources
    }
}

/// `accounts` with their counts, in the order given.
pub async fn accounts(ctx: &Context, accounts: Vec<Account>) -> Result<Vec<AccountView>, AppError> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let mut conn = ctx.db.conn().await?;
    let counts = moot_db::accounts::counts_of(&mut conn, &ids).await?;
    Ok(accounts
        .into_iter()
        .map(|account| with_counts(account, &counts))
        .collect())
}

/// One account with its counts.
pub async fn account(ctx: &Context, account: Account) -> Result<AccountView, AppError> {
    let mut found = accounts(ctx, vec![account]).await?;
    found.pop().ok_or(AppError::NotFound)
}

fn with_counts(account: Account, counts: &HashMap<i64, (i64, i64, i64)>) -> AccountView {
    let (followers, following, statuses) = counts.get(&account.id).copied().unwrap_or_default();
    AccountView {
        account,
        followers,
        following,
        statuses,
    }
}

/// Timeline lines as `viewer` sees them. Callers have already decided the
/// viewer may see each (see `rules` and `timelines`); this only reads what
/// shows beside each post.
pub async fn entries(
    ctx: &Context,
    viewer: Option<&Account>,
    entries: Vec<Entry>,
) -> Result<Vec<EntryView>, AppError> {
    let mut views = entries_without_quotes(ctx, viewer, entries).await?;
    attach_quotes(ctx, viewer, &mut views).await?;
    Ok(views)
}

/// The posts `views` quote, as `viewer` sees them (those they may see, and
/// each without its own quote), put in place.
async fn attach_quotes(
    ctx: &Context,
    viewer: Option<&Account>,
    views: &mut [EntryView],
) -> Result<(), AppError> {
    let mut found: Vec<(String, (Status, Account))> = Vec::new();
    for uri in views
        .iter()
        .filter_map(|v| v.post.status.quote_ap_id.clone())
    {
        let Ok(url) = url::Url::parse(&uri) else {
            continue;
        };
        if found.iter().any(|(known, _)| *known == uri) {
            continue;
        }
        let Some((status, author)) = crate::statuses::find_by_uri(ctx, &url).await? else {
            continue;
        };
        if status.deleted_at.is_none()
            && crate::statuses::can_view(ctx, viewer, &status, &author).await?
        {
            found.push((uri, (status, author)));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let (uris, posts): (Vec<String>, Vec<(Status, Account)>) = found.into_iter().unzip();
    let quoted = entries_without_quotes(ctx, viewer, lines(posts)).await?;
    for (uri, quoted) in uris.iter().zip(quoted) {
        for view in views
            .iter_mut()
            .filter(|v| v.post.status.quote_ap_id.as_deref() == Some(uri.as_str()))
        {
            view.post.quote = Some(Box::new(quoted.post.clone()));
        }
    }
    Ok(())
}

async fn entries_without_quotes(
    ctx: &Context,
    viewer: Option<&Account>,
    entries: Vec<Entry>,
) -> Result<Vec<EntryView>, AppError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.status.id).collect();
    let mut people: Vec<i64> = entries.iter().map(|e| e.author.id).collect();
    people.extend(
        entries
            .iter()
            .filter_map(|e| e.boost.as_ref().map(|b| b.by.id)),
    );
    people.sort_unstable();
    people.dedup();
    let mut conn = ctx.db.conn().await?;
    let counts = moot_db::accounts::counts_of(&mut conn, &people).await?;
    let mut stats: HashMap<i64, Stats> =
        moot_db::statuses::stats_of(&mut conn, &ids, viewer.map(|v| v.id))
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let with_files: Vec<i64> = stats
        .values()
        .filter(|s| s.has_media)
        .map(|s| s.id)
        .collect();
    let mut files: HashMap<i64, Vec<Media>> = HashMap::new();
    if !with_files.is_empty() {
        for file in moot_db::media::of_statuses(&mut conn, &with_files).await? {
            files
                .entry(file.status_id.unwrap_or_default())
                .or_default()
                .push(file);
        }
    }
    let mentioned: Vec<i64> = stats.values().flat_map(|s| s.mentions.clone()).collect();
    let mentioned: HashMap<i64, Account> = match mentioned.is_empty() {
        true => HashMap::new(),
        false => moot_db::accounts::find_many(&mut conn, &mentioned)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect(),
    };
    let statuses: Vec<&Status> = entries.iter().map(|e| &e.status).collect();
    let mut polls = crate::polls::views(&mut conn, &statuses, viewer).await?;
    let mut emojis: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    let remote: Vec<i64> = statuses
        .iter()
        .filter(|s| s.ap_id.is_some())
        .map(|s| s.id)
        .collect();
    if !remote.is_empty() {
        for (id, shortcode, url) in moot_db::statuses::emojis_of(&mut conn, &remote).await? {
            emojis.entry(id).or_default().push((shortcode, url));
        }
    }
    let mut cards: HashMap<i64, crate::cards::Card> = match ctx.settings.federation.link_previews {
        true => moot_db::cards::of_statuses(&mut conn, &ids)
            .await?
            .into_iter()
            .collect(),
        false => HashMap::new(),
    };
    drop(conn);
    Ok(entries
        .into_iter()
        .map(|entry| {
            let stats = stats.remove(&entry.status.id).unwrap_or_default();
            let mentions = stats
                .mentions
                .iter()
                .filter_map(|id| mentioned.get(id).cloned())
                .collect();
            let post = PostView {
                author: with_counts(entry.author, &counts),
                media: files.remove(&entry.status.id).unwrap_or_default(),
                poll: polls.remove(&entry.status.id),
                mentions,
                stats,
                filtered: Vec::new(),
                quote: None,
                emojis: emojis.remove(&entry.status.id).unwrap_or_default(),
                card: cards.remove(&entry.status.id),
                status: entry.status,
            };
            EntryView {
                id: entry.id,
                post,
                boost: entry.boost.map(|b| BoostView {
                    id: b.id,
                    ap_id: b.ap_id,
                    created_at: b.created_at,
                    by: with_counts(b.by, &counts),
                }),
            }
        })
        .collect())
}

/// Posts as timeline lines of their own (no boosts).
pub fn lines(posts: Vec<(Status, Account)>) -> Vec<Entry> {
    posts
        .into_iter()
        .map(|(status, author)| Entry {
            id: status.id,
            status,
            author,
            boost: None,
        })
        .collect()
}

/// Posts (not boosts) as `viewer` sees them.
pub async fn posts(
    ctx: &Context,
    viewer: Option<&Account>,
    posts: Vec<(Status, Account)>,
) -> Result<Vec<PostView>, AppError> {
    Ok(entries(ctx, viewer, lines(posts))
        .await?
        .into_iter()
        .map(|e| e.post)
        .collect())
}

/// One post as `viewer` sees it.
pub async fn post(
    ctx: &Context,
    viewer: Option<&Account>,
    status: Status,
    author: Account,
) -> Result<PostView, AppError> {
    let mut found = posts(ctx, viewer, vec![(status, author)]).await?;
    found.pop().ok_or(AppError::NotFound)
}

/// A post `viewer` may see, by id, as they see it; NotFound otherwise.
pub async fn visible(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
) -> Result<PostView, AppError> {
    let (status, author) = crate::statuses::get_visible(ctx, viewer, id).await?;
    post(ctx, viewer, status, author).await
}

/// The posts quoting the post `id` that `viewer` may see, newest first.
/// NotFound unless `viewer` may see the quoted post itself.
pub async fn quotes_of(
    ctx: &Context,
    viewer: Option<&Account>,
    id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PostView>, AppError> {
    let (status, _) = crate::statuses::get_visible(ctx, viewer, id).await?;
    let uri = crate::statuses::status_uri(ctx, &status)?;
    let ids = {
        let mut conn = ctx.db.conn().await?;
        moot_db::statuses::quoting(&mut conn, uri.as_str(), max_id, limit).await?
    };
    visible_of(ctx, viewer, ids).await
}

/// The public posts sharing the link `url` (Mastodon's link timeline).
pub async fn linking(
    ctx: &Context,
    viewer: Option<&Account>,
    url: &str,
    max_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PostView>, AppError> {
    let ids = {
        let mut conn = ctx.db.conn().await?;
        moot_db::statuses::linking(&mut conn, url, max_id, limit).await?
    };
    visible_of(ctx, viewer, ids).await
}

/// Those of the posts `ids` that `viewer` may see, in order.
async fn visible_of(
    ctx: &Context,
    viewer: Option<&Account>,
    ids: Vec<i64>,
) -> Result<Vec<PostView>, AppError> {
    let mut shown = Vec::new();
    for id in ids {
        match visible(ctx, viewer, id).await {
            Ok(post) => shown.push(post),
            Err(AppError::NotFound | AppError::Forbidden(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(shown)
}
