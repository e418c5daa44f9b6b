//! Filters v2 (`/api/v2/filters`). Applying them to what a person reads is
//! `moot_app::views::filtering`'s job.

use std::collections::BTreeMap;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::filters::{self, FilterInput};
use moot_app::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

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
pub(crate) fn some_or_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Value>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

pub(crate) fn seconds(raw: Option<Option<Value>>) -> Result<Option<Option<i64>>, ApiError> {
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
    let found = filters::all(&ctx, &session.account).await?;
    Ok(HttpResponse::Ok().json(found.iter().map(presenter::filter).collect::<Vec<_>>()))
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
    Ok(HttpResponse::Ok().json(presenter::filter(&made)))
}

#[get("/api/v2/filters/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::filter(&found)))
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
    Ok(HttpResponse::Ok().json(presenter::filter(&changed)))
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
            .map(presenter::filter_keyword)
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
    Ok(HttpResponse::Ok().json(presenter::filter_keyword(&added)))
}

#[get("/api/v2/filters/keywords/{id}")]
async fn keyword_show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned_keyword(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::filter_keyword(&found)))
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
    let changed = filters::change_keyword(
        &ctx,
        &session.account,
        parse_id(&id)?,
        &p.keyword,
        p.whole_word,
    )
    .await?;
    Ok(HttpResponse::Ok().json(presenter::filter_keyword(&changed)))
}

#[delete("/api/v2/filters/keywords/{id}")]
async fn keyword_remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    filters::remove_keyword(&ctx, &session.account, parse_id(&id)?).await?;
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
    Ok(HttpResponse::Ok().json(
        found
            .statuses
            .iter()
            .map(presenter::filter_status)
            .collect::<Vec<_>>(),
    ))
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
    Ok(HttpResponse::Ok().json(presenter::filter_status(&added)))
}

#[get("/api/v2/filters/statuses/{id}")]
async fn status_show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:filters")?;
    let found = filters::owned_status(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::filter_status(&found)))
}

#[delete("/api/v2/filters/statuses/{id}")]
async fn status_remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:filters")?;
    filters::remove_status(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
