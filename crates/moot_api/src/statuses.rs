//! `/api/v1/statuses` and the home timeline.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::statuses::{self, PostInput};
use moot_app::{directory, Context};
use moot_db::accounts::Account;
use moot_db::statuses::Status;
use moot_protocol::notes::Visibility;
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
        .service(home)
        .service(public);
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
}

impl StatusParams {
    fn into_input(self, default_visibility: Visibility) -> Result<PostInput, ApiError> {
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
    let counts = directory::counts(ctx, author).await?;
    let in_reply_to_account_id = match status.in_reply_to_id {
        Some(parent) => {
            let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
            moot_db::statuses::find(&mut conn, parent)
                .await
                .map_err(moot_app::AppError::from)?
                .map(|(_, a)| a.id)
        }
        None => None,
    };
    let mut body = entities::status(
        ctx,
        status,
        entities::account(ctx, author, counts),
        in_reply_to_account_id,
    );
    let (likes, boosts, liked) = moot_app::reactions::counts(ctx, status.id, viewer).await?;
    body["favourites_count"] = json!(likes);
    body["reblogs_count"] = json!(boosts);
    body["favourited"] = json!(liked);
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let files = moot_db::media::of_statuses(&mut conn, &[status.id])
        .await
        .map_err(moot_app::AppError::from)?;
    body["media_attachments"] = files.iter().map(|f| entities::media(ctx, f)).collect();
    Ok(body)
}

#[post("/api/v1/statuses")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:statuses")?;
    let input = crate::params::parse::<StatusParams>(&req, &body)
        .await?
        .into_input(Visibility::Public)?;
    let status = statuses::create(&ctx, &session.account, input).await?;
    Ok(HttpResponse::Ok()
        .json(render(&ctx, &status, &session.account, Some(&session.account)).await?))
}

/// Reading a post needs no token for public ones; a token shows more.
async fn viewer(req: &HttpRequest) -> Option<Account> {
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
            ancestors.push(render(&ctx, &parent, &author, viewer.as_ref()).await?);
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
                descendants.push(render(&ctx, &reply, &author, viewer.as_ref()).await?);
            }
        }
    }
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
    let author = moot_app::directory::by_id(&ctx, status.account_id).await?;
    Ok(HttpResponse::Ok().json(render(&ctx, &status, &author, Some(&session.account)).await?))
}

#[derive(Deserialize)]
struct PageQuery {
    max_id: Option<String>,
    limit: Option<i64>,
}

#[derive(Deserialize)]
struct PublicQuery {
    max_id: Option<String>,
    limit: Option<i64>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    remote: Option<bool>,
}

/// Public posts, leaving out silenced (and refused) domains: their posts
/// reach only their followers' home timelines.
#[get("/api/v1/timelines/public")]
async fn public(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<PublicQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let limit = query.limit.unwrap_or(20).clamp(1, 40);
    let mut max_id = query.max_id.as_deref().and_then(|m| m.parse().ok());
    let local = match (query.local == Some(true), query.remote == Some(true)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let mut shown = Vec::new();
    // A few pages at most, should a silenced domain fill them.
    for _ in 0..5 {
        let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
        let page = moot_db::statuses::public_timeline(&mut conn, local, max_id, limit)
            .await
            .map_err(moot_app::AppError::from)?;
        let exhausted = (page.len() as i64) < limit;
        max_id = page.last().map(|(s, _)| s.id);
        shown.extend(
            page.into_iter()
                .filter(|(_, author)| ctx.policy.in_public_timelines(author.domain.as_deref())),
        );
        if exhausted || shown.len() as i64 >= limit {
            break;
        }
    }
    shown.truncate(limit as usize);
    let mut out = Vec::with_capacity(shown.len());
    for (status, author) in &shown {
        out.push(render(&ctx, status, author, Some(&session.account)).await?);
    }
    let ids: Vec<i64> = shown.iter().map(|(s, _)| s.id).collect();
    Ok(crate::pagination::page_response(&ctx, &req, &ids, out))
}

#[get("/api/v1/timelines/home")]
async fn home(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<PageQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:statuses")?;
    let limit = query.limit.unwrap_or(20).clamp(1, 40);
    let max_id = query.max_id.as_deref().and_then(|m| m.parse().ok());
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let page = moot_db::statuses::home_timeline(&mut conn, session.account.id, max_id, limit)
        .await
        .map_err(moot_app::AppError::from)?;
    drop(conn);
    let mut out = Vec::with_capacity(page.len());
    for (status, author) in &page {
        out.push(render(&ctx, status, author, Some(&session.account)).await?);
    }
    let ids: Vec<i64> = page.iter().map(|(s, _)| s.id).collect();
    Ok(crate::pagination::page_response(&ctx, &req, &ids, out))
}
