//! `/api/v1/instance` and `/api/v2/instance`: what clients read on start.
//! Only what is served is advertised: no translation, and no versioned
//! API level (`api_versions.mastodon` 0).

use actix_web::{get, web, HttpResponse};
use moot_app::Context;
use moot_core::settings::RegistrationMode;
use serde_json::{json, Value};

use crate::errors::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(v1)
        .service(v2)
        .service(rules)
        .service(privacy_policy)
        .service(terms_of_service)
        .service(terms_of_service_on)
        .service(peers)
        .service(activity)
        .service(extended_description)
        .service(translation_languages)
        .service(directory);
}

/// The Mastodon API level whose endpoints clients may rely on, and Moot's
/// own version. Clients switch on it: 4.0 brought filters v2 and followed
/// hashtags, which Moot serves, as it serves 3.5's post edits.
pub fn version() -> String {
    format!("4.0.0 (compatible; Moot {})", env!("CARGO_PKG_VERSION"))
}

fn registrations(ctx: &Context) -> (bool, bool) {
    match ctx.settings.registration.mode {
        RegistrationMode::Open => (true, false),
        RegistrationMode::Approval => (true, true),
        _ => (false, false),
    }
}

fn statuses_configuration(ctx: &Context) -> Value {
    json!({
        "max_characters": moot_app::statuses::MAX_CHARS,
        "max_media_attachments": ctx.settings.media.max_attachments,
        "characters_reserved_per_url": 23,
    })
}

fn media_configuration(ctx: &Context) -> Value {
    let types: Vec<&str> = moot_app::media::ACCEPTED.iter().map(|a| a.mime).collect();
    let limit = ctx.settings.media.max_bytes;
    json!({
        "supported_mime_types": types,
        "description_limit": moot_app::media::MAX_DESCRIPTION,
        "image_size_limit": limit,
        // Images are kept as uploaded, whatever their dimensions.
        "image_matrix_limit": 0,
        "video_size_limit": limit,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
    })
}

fn polls_configuration() -> Value {
    json!({
        "max_options": moot_app::polls::MAX_OPTIONS,
        "max_characters_per_option": moot_app::polls::MAX_OPTION_CHARS,
        "min_expiration": moot_app::polls::MIN_EXPIRATION,
        "max_expiration": moot_app::polls::MAX_EXPIRATION,
    })
}

async fn counts(ctx: &Context) -> Result<(i64, i64, i64), ApiError> {
    let sizes = moot_app::site::sizes(ctx).await?;
    Ok((sizes.users, sizes.posts, sizes.domains))
}

/// The node's WebSocket base URL.
fn streaming_base(ctx: &Context) -> String {
    let url = ctx.settings.public_url().to_string();
    let url = url.trim_end_matches('/');
    match url.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", url.trim_start_matches("http://")),
    }
}

fn thumbnail(ctx: &Context) -> String {
    format!("{}favicon.ico", ctx.settings.public_url())
}

#[get("/api/v2/instance")]
async fn v2(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let (users, _, _) = counts(&ctx).await?;
    let (enabled, approval) = registrations(&ctx);
    let instance = &ctx.settings.instance;
    let about = format!("{}about", ctx.settings.public_url());
    let vapid = moot_app::push::vapid(&ctx).await?;
    Ok(HttpResponse::Ok().json(json!({
        "domain": ctx.urls.authority(),
        "title": instance.name,
        "version": version(),
        "source_url": ctx.settings.source_url(),
        "description": instance.description,
        "usage": {"users": {"active_month": users}},
        "thumbnail": {"url": thumbnail(&ctx)},
        "icon": [],
        "languages": ["en"],
        "api_versions": {"mastodon": 0},
        "configuration": {
            "urls": {"streaming": streaming_base(&ctx), "status": null, "about": about,
                "privacy_policy": format!("{}privacy", ctx.settings.public_url()),
                "terms_of_service": format!("{}terms", ctx.settings.public_url())},
            "accounts": {"max_featured_tags": moot_app::featured::MOST_TAGS, "max_pinned_statuses": moot_app::pins::MAX_PINS},
            "statuses": statuses_configuration(&ctx),
            "media_attachments": media_configuration(&ctx),
            "polls": polls_configuration(),
            "translation": {"enabled": false},
            "vapid": {"public_key": vapid.public_key()},
        },
        "registrations": {"enabled": enabled, "approval_required": approval, "message": null, "url": null},
        "contact": {"email": instance.contact_email, "account": null},
        "rules": rules_json(&ctx).await?,
    })))
}

#[get("/api/v1/instance")]
async fn v1(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let (users, posts, domains) = counts(&ctx).await?;
    let (enabled, approval) = registrations(&ctx);
    let instance = &ctx.settings.instance;
    Ok(HttpResponse::Ok().json(json!({
        "uri": ctx.urls.authority(),
        "title": instance.name,
        "short_description": instance.description,
        "description": instance.description,
        "email": instance.contact_email,
        "version": version(),
        "urls": {"streaming_api": streaming_base(&ctx)},
        "stats": {"user_count": users, "status_count": posts, "domain_count": domains},
        "thumbnail": thumbnail(&ctx),
        "languages": ["en"],
        "registrations": enabled,
        "approval_required": approval,
        "invites_enabled": false,
        "configuration": {
            "accounts": {"max_featured_tags": moot_app::featured::MOST_TAGS},
            "statuses": statuses_configuration(&ctx),
            "media_attachments": media_configuration(&ctx),
            "polls": polls_configuration(),
        },
        "contact_account": null,
        "rules": rules_json(&ctx).await?,
    })))
}

/// A rule of the node as Mastodon's `Rule`.
pub(crate) fn rule_entity(rule: &moot_app::node_texts::Rule) -> serde_json::Value {
    json!({"id": rule.id.to_string(), "text": rule.text, "hint": rule.hint})
}

/// The node's rules as Mastodon's `Rule`s.
async fn rules_json(ctx: &Context) -> Result<Vec<serde_json::Value>, ApiError> {
    Ok(moot_app::node_texts::rules(ctx)
        .await?
        .iter()
        .map(rule_entity)
        .collect())
}

#[get("/api/v1/instance/rules")]
async fn rules(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(rules_json(&ctx).await?))
}

#[get("/api/v1/instance/privacy_policy")]
async fn privacy_policy(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let found = moot_app::node_texts::document(&ctx, moot_app::node_texts::Kind::PrivacyPolicy)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(json!({
        "updated_at": crate::presenter::timestamp(found.updated_at),
        "content": found.html,
    })))
}

/// The terms in force: Moot keeps one version, in force since it was saved.
#[get("/api/v1/instance/terms_of_service")]
async fn terms_of_service(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(terms(&ctx, None).await?))
}

/// A version of the terms by its date: only the one in force is kept.
#[get("/api/v1/instance/terms_of_service/{date}")]
async fn terms_of_service_on(
    ctx: web::Data<Context>,
    date: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(terms(&ctx, Some(&date)).await?))
}

/// Mastodon's `TermsOfService`, if any are written (and, given a date,
/// if it is theirs).
async fn terms(ctx: &Context, date: Option<&str>) -> Result<Value, ApiError> {
    let found = moot_app::node_texts::document(ctx, moot_app::node_texts::Kind::TermsOfService)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let effective_date = found.updated_at.date_naive().to_string();
    if date.is_some_and(|d| d != effective_date) {
        return Err(ApiError::not_found());
    }
    Ok(json!({
        "effective_date": effective_date,
        "effective": true,
        "content": found.html,
        "succeeded_by": null,
    }))
}

/// The other nodes this one federates with (blocked ones left out).
#[get("/api/v1/instance/peers")]
async fn peers(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(moot_app::site::peers(&ctx).await?))
}

/// Posts, sign-ins and new accounts per week, for twelve weeks, newest
/// first; Mastodon's numbers are strings.
#[get("/api/v1/instance/activity")]
async fn activity(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let weeks: Vec<serde_json::Value> = moot_app::site::activity(&ctx)
        .await?
        .iter()
        .map(|w| {
            json!({
                "week": w.start.timestamp().to_string(),
                "statuses": w.statuses.to_string(),
                "logins": w.logins.to_string(),
                "registrations": w.registrations.to_string(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(weeks))
}

/// The about page's text: the node's description and what it is for.
#[get("/api/v1/instance/extended_description")]
async fn extended_description(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let instance = &ctx.settings.instance;
    let description = moot_core::text::render_markdown(&instance.description);
    let content = format!(
        "{description}<p>This is a Moot node: a council's staff share what they know in groups, with wiki pages, documents, events and discussions, federated with other councils' nodes and the wider fediverse.</p>"
    );
    let updated = moot_app::site::described_at(&ctx).await?;
    Ok(HttpResponse::Ok().json(json!({
        "updated_at": crate::presenter::timestamp(updated),
        "content": content,
    })))
}

/// Moot translates nothing: no language pairs, as Mastodon answers when
/// translation is off.
#[get("/api/v1/instance/translation_languages")]
async fn translation_languages() -> HttpResponse {
    HttpResponse::Ok().json(json!({}))
}

#[derive(serde::Deserialize)]
struct DirectoryQuery {
    #[serde(default, deserialize_with = "crate::params::flag")]
    local: Option<bool>,
    order: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// The profile directory: people and groups, as Mastodon's (which apps
/// show as "Explore" or "Directory"), readable without signing in.
#[get("/api/v1/directory")]
async fn directory(
    ctx: web::Data<Context>,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    use moot_app::directory::DirectoryOrder;
    let order = match query.order.as_deref() {
        None | Some("active") => DirectoryOrder::Active,
        Some("new") => DirectoryOrder::New,
        Some(other) => {
            return Err(ApiError::unprocessable(format!(
                "Validation failed: order `{other}` is not active or new"
            )))
        }
    };
    let found = moot_app::directory::profiles(
        &ctx,
        query.local == Some(true),
        order,
        query.offset.unwrap_or(0),
        query.limit.unwrap_or(40),
    )
    .await?;
    Ok(HttpResponse::Ok().json(crate::accounts::render_accounts(&ctx, &found).await?))
}
