//! Filters v2 (`/api/v2/filters`), and applying them to the posts a
//! request shows: matching posts carry `filtered` results, and those a
//! `hide` filter covers in the request's context are left out.

use std::collections::BTreeMap;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::filters::{self, FilterInput};
use moot_app::Context;
use moot_db::accounts::Account;
use moot_db::filters::FullFilter;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(all)
        .service(create)
        .service(keyword_show)
        .service(keyword_change)
        .service(keyword_remove)
        .service(status_show)
        .service(status_remove)
        .service(show)
        .service(change)
        .service(remove)
        .service(keywords)
        .service(keyword_add)
        .service(statuses)
        .service(status_add);
}

fn keyword_entity(k: &moot_db::filters::Keyword) -> Value {
    json!({"id": k.id.to_string(), "keyword": k.keyword, "whole_word": k.whole_word})
}

fn status_entity(s: &moot_db::filters::FilteredStatus) -> Value {
    json!({"id": s.id.to_string(), "status_id": s.status_id.to_string()})
}

/// Mastodon's `Filter` entity.
fn entity(f: &FullFilter) -> Value {
    json!({
        "id": f.filter.id.to_string(),
        "title": f.filter.title,
        "context": f.filter.context,
        "expires_at": f.filter.expires_at.map(crate::entities::timestamp),
        "filter_action": f.filter.action,
        "keywords": f.keywords.iter().map(keyword_entity).collect::<Vec<_>>(),
        "statuses": f.statuses.iter().map(status_entity).collect::<Vec<_>>(),
    })
}

/// A filter as JSON clients send it.
#[derive(Deserialize)]
struct JsonFilter {
    title: Option<String>,
    context: Option<Vec<String>>,
    filter_action: Option<String>,
    #[serde(default, deserialize_with = "some_or_null")]
    expires_in: Option<Option<Value>>,
    #[serde(default)]
    keywords_attributes: Vec<JsonKeyword>,
}

#[derive(Deserialize)]
struct JsonKeyword {
    keyword: String,
    #[serde(default, deserialize_with = "crate::params::flag")]
    whole_word: Option<bool>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn some_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Value>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

fn seconds(raw: Option<Option<Value>>) -> Result<Option<Option<i64>>, ApiError> {
    let bad =
        || ApiError::unprocessable("Validation failed: expires_in must be a number of seconds");
    Ok(match raw {
        None => None,
        Some(None) => Some(None),
        Some(Some(Value::Null)) => Some(None),
        Some(Some(Value::String(s))) if s.is_empty() => Some(None),
        Some(Some(Value::String(s))) => Some(Some(s.parse().map_err(|_| bad())?)),
        Some(Some(Value::Number(n))) => Some(Some(n.as_i64().ok_or_else(bad)?)),
        Some(Some(_)) => return Err(bad()),
    })
}

/// The body of a create or change, as JSON, a form or multipart: forms
/// name keywords `keywords_attributes[][keyword]` or `...[0][keyword]`.
async fn read_filter(req: &HttpRequest, body: &web::Bytes) -> Result<FilterInput, ApiError> {
    if crate::params::is_json(req) {
        let f: JsonFilter = crate::params::parse(req, body).await?;
        return Ok(FilterInput {
            title: f.title,
            context: f.context,
            action: f.filter_action,
            expires_in: seconds(f.expires_in)?,
            keywords: f
                .keywords_attributes
                .into_iter()
                .map(|k| (k.keyword, k.whole_word.unwrap_or(true)))
                .collect(),
        });
    }
    let pairs: Vec<(String, String)> = crate::params::parse(req, body).await?;
    let mut input = FilterInput {
        title: None,
        context: None,
        action: None,
        expires_in: None,
        keywords: Vec::new(),
    };
    let mut indexed: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for (key, value) in pairs {
        match key.as_str() {
            "title" => input.title = Some(value),
            "context[]" | "context" => input.context.get_or_insert_with(Vec::new).push(value),
            "filter_action" => input.action = Some(value),
            "expires_in" => input.expires_in = seconds(Some(Some(Value::String(value))))?,
            _ => {
                let Some(rest) = key.strip_prefix("keywords_attributes[") else {
                    continue;
                };
                let Some((index, field)) = rest.split_once("][") else {
                    continue;
                };
                let field = field.trim_end_matches(']');
                let whole = !matches!(value.as_str(), "false" | "0" | "off");
                if index.is_empty() {
                    match field {
                        "keyword" => input.keywords.push((value, true)),
                        "whole_word" => {
                            if let Some(last) = input.keywords.last_mut() {
                                last.1 = whole;
                            }
                        }
                        _ => {}
                    }
                } else {
                    let entry = indexed
                        .entry(index.to_owned())
                        .or_insert((String::new(), true));
                    match field {
                        "keyword" => entry.0 = value,
                        "whole_word" => entry.1 = whole,
                        _ => {}
                    }
                }
            }
        }
    }
    input.keywords.extend(indexed.into_values());
    Ok(input)
}

#[get("/api/v2/filters")]
async fn all(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let found = moot_db::filters::of(&mut conn, session.account.id, false)
        .await
        .map_err(moot_app::AppError::from)?;
    Ok(HttpResponse::Ok().json(found.iter().map(entity).collect::<Vec<_>>()))
}

#[post("/api/v2/filters")]
async fn create(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let input = read_filter(&req, &body).await?;
    let made = filters::create(&ctx, &session.account, input).await?;
    Ok(HttpResponse::Ok().json(entity(&made)))
}

#[get("/api/v2/filters/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(entity(&found)))
}

#[put("/api/v2/filters/{id}")]
async fn change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let input = read_filter(&req, &body).await?;
    let changed = filters::change(&ctx, &session.account, parse_id(&id)?, input).await?;
    Ok(HttpResponse::Ok().json(entity(&changed)))
}

#[delete("/api/v2/filters/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    filters::delete(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[get("/api/v2/filters/{id}/keywords")]
async fn keywords(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(
        found
            .keywords
            .iter()
            .map(keyword_entity)
            .collect::<Vec<_>>(),
    ))
}

#[derive(Deserialize)]
struct KeywordParams {
    keyword: String,
    #[serde(default, deserialize_with = "crate::params::flag")]
    whole_word: Option<bool>,
}

#[post("/api/v2/filters/{id}/keywords")]
async fn keyword_add(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let p: KeywordParams = crate::params::parse(&req, &body).await?;
    let whole = p.whole_word.unwrap_or(true);
    let added =
        filters::add_keyword(&ctx, &session.account, parse_id(&id)?, &p.keyword, whole).await?;
    Ok(HttpResponse::Ok().json(keyword_entity(&added)))
}

#[get("/api/v2/filters/keywords/{id}")]
async fn keyword_show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned_keyword(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(keyword_entity(&found)))
}

#[put("/api/v2/filters/keywords/{id}")]
async fn keyword_change(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let p: KeywordParams = crate::params::parse(&req, &body).await?;
    let found = filters::owned_keyword(&ctx, &session.account, parse_id(&id)?).await?;
    let keyword = p.keyword.trim();
    if keyword.is_empty() {
        return Err(ApiError::unprocessable(
            "Validation failed: keyword must not be empty",
        ));
    }
    let whole = p.whole_word.unwrap_or(found.whole_word);
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let changed = moot_db::filters::update_keyword(&mut conn, found.id, keyword, whole)
        .await
        .map_err(moot_app::AppError::from)?;
    Ok(HttpResponse::Ok().json(keyword_entity(&changed)))
}

#[delete("/api/v2/filters/keywords/{id}")]
async fn keyword_remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let found = filters::owned_keyword(&ctx, &session.account, parse_id(&id)?).await?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    moot_db::filters::delete_keyword(&mut conn, found.id)
        .await
        .map_err(moot_app::AppError::from)?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[get("/api/v2/filters/{id}/statuses")]
async fn statuses(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(found.statuses.iter().map(status_entity).collect::<Vec<_>>()))
}

#[derive(Deserialize)]
struct StatusParams {
    status_id: String,
}

#[post("/api/v2/filters/{id}/statuses")]
async fn status_add(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let p: StatusParams = crate::params::parse(&req, &body).await?;
    let status_id = parse_id(&p.status_id)?;
    let added = filters::add_status(&ctx, &session.account, parse_id(&id)?, status_id).await?;
    Ok(HttpResponse::Ok().json(status_entity(&added)))
}

#[get("/api/v2/filters/statuses/{id}")]
async fn status_show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned_status(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(status_entity(&found)))
}

#[delete("/api/v2/filters/statuses/{id}")]
async fn status_remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    let found = filters::owned_status(&ctx, &session.account, parse_id(&id)?).await?;
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    moot_db::filters::delete_status(&mut conn, found.id)
        .await
        .map_err(moot_app::AppError::from)?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// Applies `viewer`'s filters for `context` to rendered posts: each match
/// is noted in the post's `filtered` (inside a boost, in the boosted post
/// too), and posts a `hide` filter covers are left out.
pub async fn apply(
    ctx: &Context,
    viewer: Option<&Account>,
    context: &str,
    posts: Vec<Value>,
) -> Result<Vec<Value>, ApiError> {
    let Some(viewer) = viewer else {
        return Ok(posts);
    };
    let mut conn = ctx.db.conn().await.map_err(moot_app::AppError::from)?;
    let active: Vec<FullFilter> = moot_db::filters::of(&mut conn, viewer.id, true)
        .await
        .map_err(moot_app::AppError::from)?
        .into_iter()
        .filter(|f| f.filter.context.iter().any(|c| c == context))
        .collect();
    drop(conn);
    if active.is_empty() {
        return Ok(posts);
    }
    Ok(posts
        .into_iter()
        .filter_map(|mut post| {
            let target = if post["reblog"].is_object() {
                &post["reblog"]
            } else {
                &post
            };
            let id: i64 = target["id"].as_str()?.parse().ok()?;
            let text = format!(
                "{} {}",
                target["spoiler_text"].as_str().unwrap_or_default(),
                moot_core::text::plain_text(target["content"].as_str().unwrap_or_default())
            );
            let mut results = Vec::new();
            let mut hidden = false;
            for filter in &active {
                let (words, by_post) = filters::matches(filter, id, &text);
                if words.is_empty() && !by_post {
                    continue;
                }
                hidden |= filter.filter.action == "hide";
                results.push(json!({
                    "filter": entity(filter),
                    "keyword_matches": (!words.is_empty()).then_some(words),
                    "status_matches": by_post.then(|| vec![id.to_string()]),
                }));
            }
            if hidden {
                return None;
            }
            if !results.is_empty() {
                if post["reblog"].is_object() {
                    post["reblog"]["filtered"] = json!(results);
                }
                post["filtered"] = json!(results);
            }
            Some(post)
        })
        .collect())
}
