//! `/api/v1/statuses` and the home timeline.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::read_cache::Source;
use moot_app::statuses::{self, PostInput};
use moot_app::Context;
use moot_db::accounts::Account;
use moot_db::statuses::Status;
use moot_protocol::notes::Visibility;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::entities;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(show)
        .service(edit)
        .service(remove)
        .service(context)
        .service(favourite)
        .service(reblog)
        .service(pin)
        .service(reactors)
        .service(source)
        .service(history)
        .service(home)
        .service(public)
        .service(tag_timeline)
        .service(tag_info)
        .service(tag_follow)
        .service(followed_tags);
}

/// The body of `POST` and `PUT /api/v1/statuses`, as JSON or a form.
#[derive(Deserialize)]
struct StatusParams {
    status: Option<String>,
    visibility: Option<String>,
    in_reply_to_id: Option<String>,
    #[serde(default)]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    sensitive: Option<bool>,
    language: Option<String>,
    #[serde(default, rename = "media_ids[]", alias = "media_ids")]
    media_ids: Vec<String>,
    /// A poll, as JSON sends it.
    poll: Option<PollParams>,
    /// A poll, as a form sends it.
    #[serde(default, rename = "poll[options][]")]
    poll_options: Vec<String>,
    #[serde(rename = "poll[expires_in]")]
    poll_expires_in: Option<crate::params::Number>,
    #[serde(
        default,
        rename = "poll[multiple]",
        deserialize_with = "crate::params::flag"
    )]
    poll_multiple: Option<bool>,
}

#[derive(Deserialize)]
struct PollParams {
    #[serde(default)]
    options: Vec<String>,
    expires_in: Option<crate::params::Number>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    multiple: Option<bool>,
}

impl StatusParams {
    /// The poll asked for, in whichever shape it came.
    fn poll(&mut self) -> Option<moot_app::polls::PollInput> {
        let json = self.poll.take();
        let (options, expires_in, multiple) = match json {
            Some(p) => (p.options, p.expires_in, p.multiple),
            None => (
                std::mem::take(&mut self.poll_options),
                self.poll_expires_in.take(),
                self.poll_multiple,
            ),
        };
        if options.is_empty() {
            return None;
        }
        Some(moot_app::polls::PollInput {
            options,
            expires_in: expires_in.map_or(86_400, |n| n.0),
            multiple: multiple.unwrap_or(false),
        })
    }
}

impl StatusParams {
    fn into_input(mut self, default_visibility: Visibility) -> Result<PostInput, ApiError> {
        let poll = self.poll();
        let visibility = match self.visibility.as_deref() {
            None | Some("") => default_visibility,
            Some(v) => Visibility::parse(v).ok_or_else(|| {
                ApiError::unprocessable(format!("Validation failed: visibility `{v}` is unknown"))
            })?,
        };
        let in_reply_to_id = match self.in_reply_to_id.as_deref() {
            None | Some("") => None,
            Some(id) => Some(id.parse().map_err(|_| ApiError::not_found())?),
        };
        let media_ids = self
            .media_ids
            .iter()
            .map(|id| {
                id.parse().map_err(|_| {
                    ApiError::unprocessable(format!(
                        "Validation failed: media id `{id}` is unknown"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(PostInput {
            poll,
            idempotency_key: None,
            media_ids,
            text: self.status.unwrap_or_default(),
            visibility,
            in_reply_to_id,
            spoiler_text: self.spoiler_text.unwrap_or_default(),
            sensitive: self.sensitive.unwrap_or(false),
            language: self.language.filter(|l| !l.is_empty()),
        })
    }
}

/// A post as the client API shows it to `viewer`.
pub async fn render(
    ctx: &Context,
    status: &Status,
    author: &Account,
    viewer: Option<&Account>,
) -> Result<Value, ApiError> {
    let page = [(status.clone(), author.clone())];
    let mut rendered = render_page(ctx, &page, viewer).await?;
    Ok(rendered.pop().unwrap_or_default())
}

/// Posts as the client API shows them to `viewer`. What they show beside
/// themselves (counts, attachments, the author replied to) is read for the
/// whole page at once: a timeline costs a handful of queries, not a
/// handful per post.
pub async fn render_page(
    ctx: &Context,
    page: &[(Status, Account)],
    viewer: Option<&Account>,
) -> Result<Vec<Value>, ApiError> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = page.iter().map(|(s, _)| s.id).collect();
    let mut authors: Vec<i64> = page.iter().map(|(_, a)| a.id).collect();
    authors.sort_unstable();
    authors.dedup();
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let internal = |e| ApiError::from(moot_app::AppError::from(e));
    let counts = moot_db::accounts::counts_of(&mut conn, &authors)
        .await
        .map_err(internal)?;
    let stats: HashMap<i64, moot_db::statuses::Stats> =
        moot_db::statuses::stats_of(&mut conn, &ids, viewer.map(|v| v.id))
            .await
            .map_err(internal)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let mut files: HashMap<i64, Vec<Value>> = HashMap::new();
    let with_files: Vec<i64> = stats
        .values()
        .filter(|s| s.has_media)
        .map(|s| s.id)
        .collect();
    let attached = match with_files.is_empty() {
        true => Vec::new(),
        false => moot_db::media::of_statuses(&mut conn, &with_files)
            .await
            .map_err(internal)?,
    };
    for file in attached {
        let status_id = file.status_id.unwrap_or_default();
        files
            .entry(status_id)
            .or_default()
            .push(entities::media(ctx, &file));
    }
    let mentioned: Vec<i64> = stats.values().flat_map(|s| s.mentions.clone()).collect();
    let mentioned: HashMap<i64, Value> = match mentioned.is_empty() {
        true => HashMap::new(),
        false => moot_db::accounts::find_many(&mut conn, &mentioned)
            .await
            .map_err(internal)?
            .iter()
            .map(|a| (a.id, entities::mention(ctx, a)))
            .collect(),
    };
    let statuses: Vec<&Status> = page.iter().map(|(s, _)| s).collect();
    let mut polls = moot_app::polls::views(&mut conn, &statuses, viewer).await?;
    drop(conn);
    Ok(page
        .iter()
        .map(|(status, author)| {
            let counts = counts.get(&author.id).copied().unwrap_or_default();
            let stats = stats.get(&status.id).cloned().unwrap_or_default();
            let mut body = entities::status(
                ctx,
                status,
                entities::account(ctx, author, counts),
                stats.parent_author,
            );
            body["favourites_count"] = json!(stats.favourites);
            body["reblogs_count"] = json!(stats.reblogs);
            body["replies_count"] = json!(stats.replies);
            body["favourited"] = json!(stats.favourited);
            body["reblogged"] = json!(stats.reblogged);
            body["pinned"] = json!(stats.pinned);
            body["bookmarked"] = json!(stats.bookmarked);
            body["media_attachments"] = json!(files.remove(&status.id).unwrap_or_default());
            let tags: Vec<Value> = stats.tags.iter().map(|t| entities::tag(ctx, t)).collect();
            body["tags"] = json!(tags);
            let mentions: Vec<&Value> = stats
                .mentions
                .iter()
                .filter_map(|id| mentioned.get(id))
                .collect();
            body["mentions"] = json!(mentions);
            if let Some(poll) = polls.remove(&status.id) {
                body["poll"] = entities::poll(&poll, viewer.is_some());
            }
            body
        })
        .collect())
}

/// Timeline entries as the client API shows them: posts, and boosts with
/// the boosted post inside.
pub async fn render_entries(
    ctx: &Context,
    entries: &[moot_db::timelines::Entry],
    viewer: Option<&Account>,
) -> Result<Vec<Value>, ApiError> {
    let posts: Vec<(Status, Account)> = entries
        .iter()
        .map(|e| (e.status.clone(), e.author.clone()))
        .collect();
    let rendered = render_page(ctx, &posts, viewer).await?;
    let mut boosters: Vec<Account> = entries
        .iter()
        .filter_map(|e| e.boost.as_ref().map(|b| b.by.clone()))
        .collect();
    boosters.sort_by_key(|a| a.id);
    boosters.dedup_by_key(|a| a.id);
    let boosters: HashMap<i64, entities::AccountEntity> = boosters
        .iter()
        .map(|a| a.id)
        .zip(crate::accounts::render_accounts(ctx, &boosters).await?)
        .collect();
    Ok(entries
        .iter()
        .zip(rendered)
        .map(|(entry, post)| match &entry.boost {
            Some(boost) => match boosters.get(&boost.by.id) {
                Some(booster) => entities::boost(boost, booster.clone(), post),
                None => post,
            },
            None => post,
        })
        .collect())
}

#[post("/api/v1/statuses")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let mut input = crate::params::parse::<StatusParams>(&req, &body)
        .await?
        .into_input(Visibility::Public)?;
    input.idempotency_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(255).collect::<String>())
        .filter(|v| !v.is_empty());
    let status = statuses::create(&ctx, &session.account, input).await?;
    Ok(HttpResponse::Ok()
        .json(render(&ctx, &status, &session.account, Some(&session.account)).await?))
}

/// Reading a post needs no token for public ones; a token shows more.
pub(crate) async fn viewer(req: &HttpRequest) -> Option<Account> {
    use actix_web::FromRequest;
    let auth = Auth::from_request(req, &mut actix_web::dev::Payload::None)
        .await
        .ok()?;
    auth.0
        .scopes
        .allows("read:statuses")
        .then_some(auth.0.account)
}

#[get("/api/v1/statuses/{id}")]
async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (status, author) = statuses::get_visible(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(render(&ctx, &status, &author, viewer.as_ref()).await?))
}

#[put("/api/v1/statuses/{id}")]
async fn edit(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let input = crate::params::parse::<StatusParams>(&req, &body)
        .await?
        .into_input(Visibility::Public)?;
    let status = statuses::edit(&ctx, &session.account, parse_id(&id)?, input).await?;
    Ok(HttpResponse::Ok()
        .json(render(&ctx, &status, &session.account, Some(&session.account)).await?))
}

#[delete("/api/v1/statuses/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let status = statuses::delete(&ctx, &session.account, parse_id(&id)?).await?;
    // Mastodon answers with the deleted post, its source text included.
    let mut body = render(&ctx, &status, &session.account, Some(&session.account)).await?;
    body["text"] = json!(status.source.unwrap_or_default());
    Ok(HttpResponse::Ok().json(body))
}

#[get("/api/v1/statuses/{id}/context")]
async fn context(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (status, _) = statuses::get_visible(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    // Ancestors: walk up the thread (bounded).
    let mut ancestors = Vec::new();
    let mut next = status.in_reply_to_id;
    while let (Some(parent_id), true) = (next, ancestors.len() < 100) {
        let Some((parent, author)) = moot_db::statuses::find(&mut conn, parent_id)
            .await
            .map_err(moot_app::AppError::from)?
        else {
            break;
        };
        next = parent.in_reply_to_id;
        if statuses::can_view(&ctx, viewer.as_ref(), &parent, &author).await? {
            ancestors.push((parent, author));
        }
    }
    ancestors.reverse();
    // Descendants: breadth-first below the post (bounded).
    let mut descendants = Vec::new();
    let mut queue = vec![status.id];
    while let Some(parent_id) = queue.pop() {
        for (reply, author) in moot_db::statuses::replies(&mut conn, parent_id)
            .await
            .map_err(moot_app::AppError::from)?
        {
            if descendants.len() >= 500 {
                break;
            }
            queue.push(reply.id);
            if statuses::can_view(&ctx, viewer.as_ref(), &reply, &author).await? {
                descendants.push((reply, author));
            }
        }
    }
    drop(conn);
    let ancestors = render_page(&ctx, &ancestors, viewer.as_ref()).await?;
    let ancestors = crate::filters::apply(&ctx, viewer.as_ref(), "thread", ancestors).await?;
    let descendants = render_page(&ctx, &descendants, viewer.as_ref()).await?;
    let descendants = crate::filters::apply(&ctx, viewer.as_ref(), "thread", descendants).await?;
    Ok(HttpResponse::Ok().json(json!({ "ancestors": ancestors, "descendants": descendants })))
}

#[post("/api/v1/statuses/{id}/{action:favourite|unfavourite}")]
async fn favourite(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:favourites")?;
    let (id, action) = path.into_inner();
    let id = parse_id(&id)?;
    let status = if action == "favourite" {
        moot_app::reactions::favourite(&ctx, &session.account, id).await?
    } else {
        moot_app::reactions::unfavourite(&ctx, &session.account, id).await?
    };
    answer_with(&ctx, &status, &session.account).await
}

/// The answer to an action on a post (favourite, boost, pin and their
/// undo): the post as the actor now sees it.
async fn answer_with(
    ctx: &Context,
    status: &Status,
    viewer: &Account,
) -> Result<HttpResponse, ApiError> {
    let author = moot_app::directory::by_id(ctx, status.account_id).await?;
    Ok(HttpResponse::Ok().json(render(ctx, status, &author, Some(viewer)).await?))
}

/// Boosting a post answers with the boost, the post inside; undoing it,
/// with the post.
#[post("/api/v1/statuses/{id}/{action:reblog|unreblog}")]
async fn reblog(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let (id, action) = path.into_inner();
    let id = parse_id(&id)?;
    let me = Some(&session.account);
    if action == "reblog" {
        let boost_id = moot_app::reactions::boost(&ctx, &session.account, id).await?;
        let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
        let entry = moot_db::timelines::boost(&mut conn, boost_id)
            .await
            .map_err(moot_app::AppError::from)?
            .ok_or_else(ApiError::not_found)?;
        drop(conn);
        let body = render_entries(&ctx, std::slice::from_ref(&entry), me).await?;
        return Ok(HttpResponse::Ok().json(&body[0]));
    }
    let status = moot_app::reactions::unboost(&ctx, &session.account, id).await?;
    answer_with(&ctx, &status, &session.account).await
}

#[post("/api/v1/statuses/{id}/{action:pin|unpin}")]
async fn pin(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:accounts")?;
    let (id, action) = path.into_inner();
    let id = parse_id(&id)?;
    let status = if action == "pin" {
        moot_app::pins::pin(&ctx, &session.account, id).await?
    } else {
        moot_app::pins::unpin(&ctx, &session.account, id).await?
    };
    answer_with(&ctx, &status, &session.account).await
}

/// Who favourited or boosted a post the viewer may see.
#[get("/api/v1/statuses/{id}/{who:favourited_by|reblogged_by}")]
async fn reactors(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (id, who) = path.into_inner();
    let (status, _) = statuses::get_visible(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    let (limit, max_id) = (query.limit(40, 80), query.max_id());
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let page = moot_db::reactions::reactors_page(
        &mut conn,
        status.id,
        who == "reblogged_by",
        max_id,
        limit,
    )
    .await
    .map_err(moot_app::AppError::from)?;
    drop(conn);
    crate::accounts::account_page(&ctx, &req, page).await
}

/// A post's versions, oldest first, the current one last.
#[get("/api/v1/statuses/{id}/history")]
async fn history(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (status, author) = statuses::get_visible(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let edits = moot_db::statuses::edits(&mut conn, status.id)
        .await
        .map_err(moot_app::AppError::from)?;
    let files: Vec<Value> = moot_db::media::of_statuses(&mut conn, &[status.id])
        .await
        .map_err(moot_app::AppError::from)?
        .iter()
        .map(|f| entities::media(&ctx, f))
        .collect();
    drop(conn);
    let account = crate::accounts::render_accounts(&ctx, std::slice::from_ref(&author))
        .await?
        .pop();
    let current = moot_db::statuses::Edit {
        content: status.content.clone(),
        spoiler_text: status.spoiler_text.clone(),
        sensitive: status.sensitive,
        created_at: status.edited_at.unwrap_or(status.created_at),
    };
    let versions: Vec<Value> = edits
        .iter()
        .chain(std::iter::once(&current))
        .map(|v| {
            json!({
                "content": v.content,
                "spoiler_text": v.spoiler_text,
                "sensitive": v.sensitive,
                "created_at": entities::timestamp(v.created_at),
                "account": account,
                "poll": null,
                "media_attachments": files,
                "emojis": [],
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(versions))
}

/// What the author wrote, for editing.
#[get("/api/v1/statuses/{id}/source")]
async fn source(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let (status, author) =
        statuses::get_visible(&ctx, Some(&session.account), parse_id(&id)?).await?;
    if author.id != session.account.id {
        return Err(ApiError::not_found());
    }
    Ok(HttpResponse::Ok().json(json!({
        "id": status.id.to_string(),
        "text": status.source.unwrap_or_default(),
        "spoiler_text": status.spoiler_text,
    })))
}

#[derive(Deserialize)]
struct PublicQuery {
    #[serde(default, deserialize_with = "crate::params::flag")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    remote: Option<bool>,
}

#[get("/api/v1/timelines/public")]
async fn public(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<PublicQuery>,
    page: web::Query<crate::pagination::Page>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    public_posts(ctx, auth, (query, page), req, None).await
}

/// Public posts with a hashtag.
#[get("/api/v1/timelines/tag/{tag}")]
async fn tag_timeline(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<PublicQuery>,
    page: web::Query<crate::pagination::Page>,
    req: HttpRequest,
    tag: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    public_posts(ctx, auth, (query, page), req, Some(tag.into_inner())).await
}

/// A hashtag, as clients show it above its timeline.
#[get("/api/v1/tags/{tag}")]
async fn tag_info(
    ctx: web::Data<Context>,
    auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read")?;
    let name = tag_name(&tag)?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let following = moot_db::statuses::follows_tag(&mut conn, session.account.id, &name)
        .await
        .map_err(moot_app::AppError::from)?;
    let mut body = entities::tag(&ctx, &name);
    body["following"] = json!(following);
    Ok(HttpResponse::Ok().json(body))
}

/// A hashtag as a path names it: without `#`, in lower case, word
/// characters only.
fn tag_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim_start_matches('#').to_lowercase();
    let valid = !name.is_empty()
        && name.chars().count() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then_some(name).ok_or_else(ApiError::not_found)
}

/// Following a hashtag brings its public posts into the home timeline.
#[post("/api/v1/tags/{tag}/{action:follow|unfollow}")]
async fn tag_follow(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let (tag, action) = path.into_inner();
    let name = tag_name(&tag)?;
    let follow = action == "follow";
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    moot_db::statuses::follow_tag(&mut conn, session.account.id, &name, follow)
        .await
        .map_err(moot_app::AppError::from)?;
    let mut body = entities::tag(&ctx, &name);
    body["following"] = json!(follow);
    Ok(HttpResponse::Ok().json(body))
}

#[get("/api/v1/followed_tags")]
async fn followed_tags(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let page = moot_db::statuses::followed_tags(
        &mut conn,
        session.account.id,
        query.max_id(),
        query.limit(100, 200),
    )
    .await
    .map_err(moot_app::AppError::from)?;
    let cursors: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
    let body = page
        .iter()
        .map(|(_, name)| {
            let mut tag = entities::tag(&ctx, name);
            tag["following"] = json!(true);
            tag
        })
        .collect();
    Ok(crate::pagination::page_response(&ctx, &req, &cursors, body))
}

/// Public posts (with `tag`, if given), leaving out silenced (and refused)
/// domains: their posts reach only their followers' home timelines.
async fn public_posts(
    ctx: web::Data<Context>,
    auth: Auth,
    (query, page): (web::Query<PublicQuery>, web::Query<crate::pagination::Page>),
    req: HttpRequest,
    tag: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let mut window = page.window(20, 40);
    let local = match (query.local == Some(true), query.remote == Some(true)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let mut shown = Vec::new();
    // A few pages at most, should a silenced domain fill them.
    for _ in 0..5 {
        let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
        let page = moot_db::statuses::public_timeline(
            &mut conn,
            session.account.id,
            local,
            tag.as_deref(),
            window,
        )
        .await
        .map_err(moot_app::AppError::from)?;
        let exhausted = (page.len() as i64) < window.limit;
        if let Some((last, _)) = page.last() {
            window = window.past(last.id);
        }
        shown.extend(
            page.into_iter()
                .filter(|(_, author)| ctx.policy.in_public_timelines(author.domain.as_deref())),
        );
        if exhausted || shown.len() as i64 >= window.limit {
            break;
        }
    }
    shown.truncate(window.limit as usize);
    let shown = window.newest_first(shown);
    let out = render_page(&ctx, &shown, Some(&session.account)).await?;
    let out = crate::filters::apply(&ctx, Some(&session.account), "public", out).await?;
    let ids: Vec<i64> = shown.iter().map(|(s, _)| s.id).collect();
    Ok(crate::pagination::page_response(&ctx, &req, &ids, out))
}

#[get("/api/v1/timelines/home")]
async fn home(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<crate::pagination::Page>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let viewer = session.account.id;
    if let Some(page) = ctx.read_cache.page(viewer, req.query_string()) {
        return Ok(crate::pagination::send(&page));
    }
    let ticket = ctx.read_cache.ticket();
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let page = moot_db::timelines::home(&mut conn, viewer, query.window(20, 40))
        .await
        .map_err(moot_app::AppError::from)?;
    drop(conn);
    let out = render_entries(&ctx, &page, Some(&session.account)).await?;
    let out = crate::filters::apply(&ctx, Some(&session.account), "home", out).await?;
    let ids: Vec<i64> = page.iter().map(|e| e.id).collect();
    let rendered = crate::pagination::rendered(&ctx, &req, &ids, &out);
    if let Some(ticket) = ticket {
        let sources = sources_of(&out);
        let cache = &ctx.read_cache;
        cache.keep_page(
            ticket,
            viewer,
            req.query_string(),
            rendered.clone(),
            sources,
        );
    }
    Ok(crate::pagination::send(&rendered))
}

/// The posts and accounts rendered statuses show (the post, its author,
/// the people it mentions, and the same of a boosted post): what a cached
/// page of them is made from.
fn sources_of(rendered: &[Value]) -> Vec<Source> {
    fn id(value: &Value) -> Option<i64> {
        value.get("id")?.as_str()?.parse().ok()
    }
    fn add(status: &Value, sources: &mut Vec<Source>) {
        sources.extend(id(status).map(Source::Status));
        sources.extend(status.get("account").and_then(id).map(Source::Account));
        let mentions = status.get("mentions").and_then(Value::as_array);
        sources.extend(
            mentions
                .into_iter()
                .flatten()
                .filter_map(id)
                .map(Source::Account),
        );
        if let Some(boosted) = status.get("reblog").filter(|b| b.is_object()) {
            add(boosted, sources);
        }
    }
    let mut sources = Vec::new();
    for status in rendered {
        add(status, &mut sources);
    }
    sources
}
