//! `/api/v1/statuses` and the home timeline.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::model::{Account, Edit, Status};
use moot_app::statuses::{self, PostInput};
use moot_app::tags;
use moot_app::views::posts::{self, EntryView, PostView};
use moot_app::views::timelines;
use moot_app::Context;
use moot_core::text::TextFormat;
use moot_protocol::notes::Visibility;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(oembed)
        .service(many)
        .service(quotes)
        .service(mute)
        .service(link_timeline)
        .service(direct_timeline)
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
    /// `text/plain` or `text/markdown` (as GoToSocial and Akkoma take it);
    /// otherwise the author's own setting.
    content_type: Option<String>,
    /// Publish later, at this time (RFC 3339).
    scheduled_at: Option<String>,
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
        let format = match self.content_type.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(TextFormat::from_media_type(t).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "Validation failed: content_type `{t}` is not text/plain or text/markdown"
                ))
            })?),
        };
        Ok(PostInput {
            format,
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
    status: Status,
    author: Account,
    viewer: Option<&Account>,
) -> Result<presenter::StatusEntity, ApiError> {
    let post = posts::post(ctx, viewer, status, author).await?;
    Ok(presenter::status(ctx, &post, viewer.is_some()))
}

/// Timeline lines as the client API shows them.
pub fn present_entries(
    ctx: &Context,
    entries: &[EntryView],
    signed_in: bool,
) -> Vec<presenter::StatusEntity> {
    entries
        .iter()
        .map(|e| presenter::entry(ctx, e, signed_in))
        .collect()
}

/// Posts as the client API shows them.
pub fn present_posts(
    ctx: &Context,
    posts: &[PostView],
    signed_in: bool,
) -> Vec<presenter::StatusEntity> {
    posts
        .iter()
        .map(|p| presenter::status(ctx, p, signed_in))
        .collect()
}

#[post("/api/v1/statuses")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let mut params = crate::params::parse::<StatusParams>(&req, &body).await?;
    let scheduled_at = params.scheduled_at.take().filter(|s| !s.trim().is_empty());
    let mut input = params.into_input(Visibility::Public)?;
    input.idempotency_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(255).collect::<String>())
        .filter(|v| !v.is_empty());
    if let Some(at) = scheduled_at {
        let at = crate::scheduled::parse_time(&at)?;
        let waiting = moot_app::scheduled::schedule(&ctx, &session.account, input, at).await?;
        return Ok(HttpResponse::Ok().json(crate::scheduled::entity(&ctx, &waiting)));
    }
    let status = statuses::create(&ctx, &session.account, input).await?;
    let me = &session.account;
    Ok(HttpResponse::Ok().json(render(&ctx, status, me.clone(), Some(me)).await?))
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

/// `GET /api/v1/statuses?id[]=1&id[]=2`: the posts the viewer may see,
/// in the order asked.
#[get("/api/v1/statuses")]
async fn many(ctx: web::Data<Context>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let mut shown = Vec::new();
    for id in crate::accounts::ids_param(&req, 20) {
        match posts::visible(&ctx, viewer.as_ref(), id).await {
            Ok(post) => shown.push(post),
            Err(moot_app::AppError::NotFound | moot_app::AppError::Forbidden(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(HttpResponse::Ok().json(present_posts(&ctx, &shown, viewer.is_some())))
}

/// A page of posts, each its own cursor, with `Link` headers.
fn posts_page(
    ctx: &Context,
    req: &HttpRequest,
    shown: &[PostView],
    signed_in: bool,
) -> HttpResponse {
    let cursors: Vec<i64> = shown.iter().map(|p| p.status.id).collect();
    let body = present_posts(ctx, shown, signed_in);
    crate::pagination::page_response(ctx, req, &cursors, &body)
}

/// The posts quoting a post, as the viewer may see them.
#[get("/api/v1/statuses/{id}/quotes")]
async fn quotes(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let shown = posts::quotes_of(
        &ctx,
        viewer.as_ref(),
        parse_id(&id)?,
        page.max_id(),
        page.limit(20, 40),
    )
    .await?;
    Ok(posts_page(&ctx, &req, &shown, viewer.is_some()))
}

#[derive(Deserialize)]
struct LinkQuery {
    url: String,
}

/// Public posts sharing a link (`?url=`), newest first.
#[get("/api/v1/timelines/link")]
async fn link_timeline(
    ctx: web::Data<Context>,
    req: HttpRequest,
    link: web::Query<LinkQuery>,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let shown = posts::linking(
        &ctx,
        viewer.as_ref(),
        &link.url,
        page.max_id(),
        page.limit(20, 40),
    )
    .await?;
    Ok(posts_page(&ctx, &req, &shown, viewer.is_some()))
}

/// The direct posts the signed-in person wrote or is named in.
#[get("/api/v1/timelines/direct")]
async fn direct_timeline(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let shown = moot_app::conversations::direct_posts(
        &ctx,
        &session.account,
        page.max_id(),
        page.limit(20, 40),
    )
    .await?;
    Ok(posts_page(&ctx, &req, &shown, true))
}

#[get("/api/v1/statuses/{id}")]
async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let post = posts::visible(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::status(&ctx, &post, viewer.is_some())))
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
    let me = &session.account;
    Ok(HttpResponse::Ok().json(render(&ctx, status, me.clone(), Some(me)).await?))
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
    let text = status.source.clone().unwrap_or_default();
    let me = &session.account;
    let mut body = render(&ctx, status, me.clone(), Some(me)).await?;
    body.text = Some(text);
    Ok(HttpResponse::Ok().json(body))
}

#[get("/api/v1/statuses/{id}/context")]
async fn context(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (ancestors, descendants) = timelines::thread(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    let signed_in = viewer.is_some();
    Ok(HttpResponse::Ok().json(json!({
        "ancestors": present_posts(&ctx, &ancestors, signed_in),
        "descendants": present_posts(&ctx, &descendants, signed_in),
    })))
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
    answer_with(&ctx, status, &session.account).await
}

/// The answer to an action on a post (favourite, boost, pin, bookmark and
/// their undo): the post as the actor now sees it.
pub(crate) async fn answer_with(
    ctx: &Context,
    status: Status,
    viewer: &Account,
) -> Result<HttpResponse, ApiError> {
    let author = moot_app::directory::by_id(ctx, status.account_id).await?;
    Ok(HttpResponse::Ok().json(render(ctx, status, author, Some(viewer)).await?))
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
    if action == "reblog" {
        let boost_id = moot_app::reactions::boost(&ctx, &session.account, id).await?;
        let line = timelines::boost(&ctx, &session.account, boost_id).await?;
        return Ok(HttpResponse::Ok().json(presenter::entry(&ctx, &line, true)));
    }
    let status = moot_app::reactions::unboost(&ctx, &session.account, id).await?;
    answer_with(&ctx, status, &session.account).await
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
    answer_with(&ctx, status, &session.account).await
}

/// Muting a conversation: no notifications from its thread.
#[post("/api/v1/statuses/{id}/{action:mute|unmute}")]
async fn mute(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:mutes")?;
    let (id, action) = path.into_inner();
    let status =
        moot_app::statuses::mute_thread(&ctx, &session.account, parse_id(&id)?, action == "mute")
            .await?;
    answer_with(&ctx, status, &session.account).await
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
    let page = timelines::reactors(
        &ctx,
        viewer.as_ref(),
        parse_id(&id)?,
        who == "reblogged_by",
        query.max_id(),
        query.limit(40, 80),
    )
    .await?;
    Ok(crate::accounts::account_page(&ctx, &req, page))
}

/// One version of a post, as `history` lists them.
#[derive(Serialize)]
struct Version<'a> {
    content: &'a str,
    spoiler_text: &'a str,
    sensitive: bool,
    created_at: String,
    account: &'a presenter::AccountEntity,
    poll: Option<()>,
    media_attachments: &'a [presenter::MediaEntity],
    emojis: [(); 0],
}

/// A post's versions, oldest first, the current one last.
#[get("/api/v1/statuses/{id}/history")]
async fn history(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = viewer(&req).await;
    let (post, edits) = timelines::history(&ctx, viewer.as_ref(), parse_id(&id)?).await?;
    let shown = presenter::status(&ctx, &post, viewer.is_some());
    let status = &post.status;
    let current = Edit {
        content: status.content.clone(),
        spoiler_text: status.spoiler_text.clone(),
        sensitive: status.sensitive,
        created_at: status.edited_at.unwrap_or(status.created_at),
    };
    let versions: Vec<Version> = edits
        .iter()
        .chain(std::iter::once(&current))
        .map(|v| Version {
            content: &v.content,
            spoiler_text: &v.spoiler_text,
            sensitive: v.sensitive,
            created_at: presenter::timestamp(v.created_at),
            account: &shown.account,
            poll: None,
            media_attachments: &shown.media_attachments,
            emojis: [],
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
    let name = tags::name(&tag).ok_or_else(ApiError::not_found)?;
    let mut body = presenter::tag(&ctx, &name);
    body.following = tags::following(&ctx, &session.account, &name).await?;
    Ok(HttpResponse::Ok().json(body))
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
    let follow = action == "follow";
    let name = tags::set_following(&ctx, &session.account, &tag, follow).await?;
    let mut body = presenter::tag(&ctx, &name);
    body.following = follow;
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
    let page = tags::followed(
        &ctx,
        &session.account,
        query.max_id(),
        query.limit(100, 200),
    )
    .await?;
    let cursors: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
    let body: Vec<presenter::TagEntity> = page
        .iter()
        .map(|(_, name)| {
            let mut tag = presenter::tag(&ctx, name);
            tag.following = true;
            tag
        })
        .collect();
    Ok(crate::pagination::page_response(
        &ctx, &req, &cursors, &body,
    ))
}

/// Public posts (with `tag`, if given).
async fn public_posts(
    ctx: web::Data<Context>,
    auth: Auth,
    (query, page): (web::Query<PublicQuery>, web::Query<crate::pagination::Page>),
    req: HttpRequest,
    tag: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let local = match (query.local == Some(true), query.remote == Some(true)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let asked = timelines::PublicQuery { local, tag };
    let shown = timelines::public(&ctx, &session.account, &asked, page.window(20, 40)).await?;
    let body = present_entries(&ctx, &shown.items, true);
    Ok(crate::pagination::page_response(
        &ctx,
        &req,
        &shown.cursors,
        &body,
    ))
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
    let shown = timelines::home(&ctx, &session.account, query.window(20, 40)).await?;
    let body = present_entries(&ctx, &shown.items, true);
    let rendered = crate::pagination::rendered(&ctx, &req, &shown.cursors, &body);
    if let Some(ticket) = ticket {
        let sources = shown.items.iter().flat_map(EntryView::sources).collect();
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

#[derive(Deserialize)]
struct OEmbedQuery {
    url: String,
    maxwidth: Option<i64>,
}

/// oEmbed for a public post of this node, for sites that embed posts: a
/// quotation of its text with its author, and links back.
#[get("/api/oembed")]
async fn oembed(
    ctx: web::Data<Context>,
    query: web::Query<OEmbedQuery>,
) -> Result<HttpResponse, ApiError> {
    let address = url::Url::parse(&query.url).map_err(|_| ApiError::not_found())?;
    let id =
        statuses::local_post_of_address(&ctx.urls, &address).ok_or_else(ApiError::not_found)?;
    let post = posts::visible(&ctx, None, id).await?;
    if post.status.visibility != "public" {
        return Err(ApiError::not_found());
    }
    let author = &post.author.account;
    let page = ctx.urls.status_page(&author.username, post.status.id);
    let profile = ctx.urls.person_page(&author.username);
    let name = if author.display_name.is_empty() {
        &author.username
    } else {
        &author.display_name
    };
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let html = format!(
        "<blockquote class=\"moot-embed\" cite=\"{page}\">{content}<p>&mdash; <a href=\"{profile}\">{name}</a> (<a href=\"{page}\">{when}</a>)</p></blockquote>",
        content = post.status.content,
        name = escape(name),
        when = post.status.created_at.format("%-d %B %Y"),
    );
    Ok(HttpResponse::Ok().json(json!({
        "type": "rich",
        "version": "1.0",
        "title": format!("A post by {}", author.username),
        "author_name": name,
        "author_url": profile.to_string(),
        "provider_name": ctx.settings.instance.name,
        "provider_url": ctx.settings.public_url().to_string(),
        "cache_age": 86_400,
        "html": html,
        "width": query.maxwidth.unwrap_or(400).clamp(100, 800),
        "height": null,
    })))
}
