//! `/api/v1/accounts/...`: who people are and how they relate.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::model::Account;
use moot_app::views::posts::AccountView;
use moot_app::views::{timelines, Page};
use moot_app::{directory, follows, Context};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `/{id}`, which would otherwise take them.
    cfg.service(sign_up)
        .service(verify_credentials)
        .service(lookup)
        .service(relationships)
        .service(familiar_followers)
        .service(search)
        .service(many)
        .service(get_account)
        .service(featured_tags)
        .service(statuses)
        .service(follow_lists)
        .service(follow)
        .service(unfollow)
        .service(remove_from_followers);
}

/// Accounts as the client API shows them, their counts read at once.
pub(crate) async fn render_accounts(
    ctx: &Context,
    accounts: &[Account],
) -> Result<Vec<presenter::AccountEntity>, ApiError> {
    let views = moot_app::views::posts::accounts(ctx, accounts.to_vec()).await?;
    Ok(views
        .iter()
        .map(|a| presenter::account_view(ctx, a))
        .collect())
}

/// A page of accounts, each with its cursor (a follow's, a block's ...),
/// with `Link` headers to the next and previous pages.
pub(crate) fn account_page(
    ctx: &Context,
    req: &HttpRequest,
    page: Page<AccountView>,
) -> HttpResponse {
    let body: Vec<presenter::AccountEntity> = page
        .items
        .iter()
        .map(|a| presenter::account_view(ctx, a))
        .collect();
    crate::pagination::page_response(ctx, req, &page.cursors, &body)
}

/// Which of an account's posts to show (the page itself is
/// `pagination::Page`).
#[derive(Deserialize)]
struct PostsQuery {
    #[serde(default, deserialize_with = "crate::params::flag")]
    exclude_replies: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    exclude_reblogs: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    only_media: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    pinned: Option<bool>,
}

/// An account's posts that the viewer may see, newest first.
#[get("/api/v1/accounts/{id}/statuses")]
async fn statuses(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<PostsQuery>,
    page: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let viewer = crate::statuses::viewer(&req).await;
    let signed_in = viewer.is_some();
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    if query.pinned == Some(true) {
        let pinned = timelines::pinned(&ctx, viewer.as_ref(), &account).await?;
        let body = crate::statuses::present_posts(&ctx, &pinned, signed_in);
        return Ok(HttpResponse::Ok().json(body));
    }
    let asked = timelines::AccountQuery {
        exclude_replies: query.exclude_replies == Some(true),
        exclude_reblogs: query.exclude_reblogs == Some(true),
        only_media: query.only_media == Some(true),
    };
    let shown =
        timelines::account(&ctx, viewer.as_ref(), &account, asked, page.window(20, 40)).await?;
    let body = crate::statuses::present_entries(&ctx, &shown.items, signed_in);
    Ok(crate::pagination::page_response(
        &ctx,
        &req,
        &shown.cursors,
        &body,
    ))
}

/// Who follows an account, or whom it follows.
#[get("/api/v1/accounts/{id}/{which:followers|following}")]
async fn follow_lists(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<crate::pagination::Page>,
) -> Result<HttpResponse, ApiError> {
    let (id, which) = path.into_inner();
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    let page = directory::follow_list(
        &ctx,
        &account,
        which == "followers",
        query.max_id(),
        query.limit(40, 80),
    )
    .await?;
    Ok(account_page(&ctx, &req, page))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<i64>,
}

/// People and groups this node knows, by name.
#[get("/api/v1/accounts/search")]
async fn search(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require("read:accounts")?;
    let q = query.q.trim().trim_start_matches('@');
    if q.is_empty() {
        return Ok(HttpResponse::Ok().json(json!([])));
    }
    let found = directory::by_name(&ctx, q, query.limit.unwrap_or(40).clamp(1, 80)).await?;
    Ok(HttpResponse::Ok().json(render_accounts(&ctx, &found).await?))
}

async fn account_json(ctx: &Context, account: &Account) -> Result<HttpResponse, ApiError> {
    let counts = directory::counts(ctx, account).await?;
    Ok(HttpResponse::Ok().json(presenter::account(ctx, account, counts)))
}

#[get("/api/v1/accounts/verify_credentials")]
async fn verify_credentials(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = if auth.0.scopes.allows("profile") {
        &auth.0
    } else {
        auth.require("read:accounts")?
    };
    credentials(&ctx, &session.account, session.user.is_admin).await
}

/// The signed-in person's own account, as `verify_credentials` and
/// `update_credentials` answer.
pub(crate) async fn credentials(
    ctx: &Context,
    account: &Account,
    is_admin: bool,
) -> Result<HttpResponse, ApiError> {
    let counts = directory::counts(ctx, account).await?;
    let mut entity = presenter::credential_account(ctx, account, is_admin, counts);
    let waiting = follows::requests(ctx, account).await?.len();
    if let Some(source) = entity.source.as_mut() {
        source["follow_requests_count"] = json!(waiting);
    }
    Ok(HttpResponse::Ok().json(entity))
}

#[derive(Deserialize)]
struct LookupQuery {
    acct: String,
}

#[get("/api/v1/accounts/lookup")]
async fn lookup(
    ctx: web::Data<Context>,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_acct(&ctx, &query.acct)
        .await?
        .ok_or_else(ApiError::not_found)?;
    account_json(&ctx, &account).await
}

#[get("/api/v1/accounts/{id}")]
async fn get_account(
    ctx: web::Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    account_json(&ctx, &account).await
}

#[derive(Deserialize, Default)]
struct FollowParams {
    /// Be told of each new post.
    #[serde(default, deserialize_with = "crate::params::flag")]
    notify: Option<bool>,
}

#[post("/api/v1/accounts/{id}/follow")]
async fn follow(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let params: FollowParams = if body.is_empty() {
        FollowParams::default()
    } else {
        crate::params::parse(&req, &body).await?
    };
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    let relationship = follows::follow(&ctx, &session.account, &target, params.notify).await?;
    Ok(HttpResponse::Ok().json(presenter::relationship(target.id, relationship)))
}

#[post("/api/v1/accounts/{id}/unfollow")]
async fn unfollow(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let target = directory::by_id(&ctx, parse_id(&id)?).await?;
    let relationship = follows::unfollow(&ctx, &session.account, &target).await?;
    Ok(HttpResponse::Ok().json(presenter::relationship(target.id, relationship)))
}

/// `GET /api/v1/accounts/relationships?id[]=1&id[]=2` (also `id=1`).
#[get("/api/v1/accounts/relationships")]
async fn relationships(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let ids = ids_param(&req, 100);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(other) = directory::by_id(&ctx, id).await else {
            continue;
        };
        let relationship = follows::relationship(&ctx, &session.account, &other).await?;
        out.push(presenter::relationship(id, relationship));
    }
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize)]
struct SignUpParams {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    agreement: Option<serde_json::Value>,
    /// Why they want to join, when sign-ups need approval.
    #[serde(default)]
    reason: String,
    /// An invitation's code, which admits them while registration is closed.
    invite_code: Option<String>,
}

/// Sign-up through an app (Mastodon's `POST /api/v1/accounts`), with the
/// app's own token (`client_credentials`, scope `write:accounts`). The
/// registration mode and allowed email domains apply; in approval mode the
/// token works once an administrator approves the account.
#[post("/api/v1/accounts")]
async fn sign_up(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let invalid_token = || ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid");
    let token = crate::auth::bearer_token(&req).ok_or_else(invalid_token)?;
    let (app, scopes) = moot_app::oauth::app_of_token(&ctx, &token)
        .await?
        .ok_or_else(invalid_token)?;
    if !scopes.allows("write:accounts") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "This action is outside the authorized scopes",
        ));
    }
    let params: SignUpParams = crate::params::parse(&req, &body).await?;
    let agreed = matches!(params.agreement, Some(serde_json::Value::Bool(true)))
        || matches!(
            params.agreement.as_ref().and_then(|v| v.as_str()),
            Some("true" | "1")
        );
    if !agreed {
        return Err(ApiError::unprocessable(
            "Validation failed: agreement must be accepted",
        ));
    }
    let required = |value: Option<String>, field: &str| {
        value.filter(|v| !v.is_empty()).ok_or_else(|| {
            ApiError::unprocessable(format!("Validation failed: {field} can't be blank"))
        })
    };
    let new = moot_app::accounts::NewUser {
        username: required(params.username, "username")?,
        email: required(params.email, "email")?,
        password: Some(required(params.password, "password")?),
        reason: params.reason,
        invite_code: params.invite_code,
    };
    let created = moot_app::accounts::create_local_user(
        &ctx.db,
        &ctx.settings,
        new,
        moot_app::accounts::CreatedBy::SignUp,
    )
    .await?;
    let grant = moot_app::oauth::token_for_new_person(&ctx, &app, created.user.id, scopes)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(crate::oauth::grant_json(&grant))
}

/// The `id[]` (or `id`) values of the query string, at most `most`.
pub(crate) fn ids_param(req: &HttpRequest, most: usize) -> Vec<i64> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(key, _)| key == "id[]" || key == "id")
        .filter_map(|(_, value)| value.parse().ok())
        .take(most)
        .collect()
}

/// `GET /api/v1/accounts?id[]=1&id[]=2`: the accounts that exist, in order.
#[get("/api/v1/accounts")]
async fn many(ctx: web::Data<Context>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let ids = ids_param(&req, 40);
    let mut found = directory::by_ids(&ctx, &ids).await?;
    found.retain(moot_app::views::rules::account_shown);
    found.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    Ok(HttpResponse::Ok().json(render_accounts(&ctx, &found).await?))
}

/// For each account asked, the people the viewer follows who follow it.
#[get("/api/v1/accounts/familiar_followers")]
async fn familiar_followers(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:follows")?;
    let ids = ids_param(&req, 40);
    let found = follows::familiar_followers(&ctx, &session.account, &ids).await?;
    let body: Vec<serde_json::Value> = found
        .iter()
        .map(|(id, people)| {
            serde_json::json!({
                "id": id.to_string(),
                "accounts": people.iter().map(|p| presenter::account_view(&ctx, p)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// A person's featured hashtags: those they chose, then the topics Moot
/// finds for them (their most used hashtags), which "who knows" searches.
#[get("/api/v1/accounts/{id}/featured_tags")]
async fn featured_tags(
    ctx: web::Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let account = directory::by_id(&ctx, parse_id(&id)?).await?;
    let chosen = moot_app::featured::tags(&ctx, &account).await?;
    let topics = moot_app::search::topics_of(&ctx, &account).await?;
    let found = topics
        .into_iter()
        .filter(|(tag, _)| !chosen.iter().any(|c| &c.tag == tag))
        .map(|(tag, posts)| moot_app::model::FeaturedTag {
            tag,
            posts,
            last_post_at: None,
        })
        .collect::<Vec<_>>();
    let body: Vec<serde_json::Value> = chosen
        .iter()
        .chain(&found)
        .map(|t| presenter::featured_tag(&ctx, t))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Ends someone's following of the signed-in person.
#[post("/api/v1/accounts/{id}/remove_from_followers")]
async fn remove_from_followers(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:follows")?;
    let follower = directory::by_id(&ctx, parse_id(&id)?).await?;
    follows::remove_follower(&ctx, &session.account, follower.id).await?;
    let relationship = follows::relationship(&ctx, &session.account, &follower).await?;
    Ok(HttpResponse::Ok().json(presenter::relationship(follower.id, relationship)))
}
