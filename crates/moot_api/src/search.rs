//! `GET /api/v2/search`: accounts by handle, resolving remote ones through
//! WebFinger when `resolve=true` and the request is signed in; posts by
//! URL, or by their words (full text, what the viewer may see).

use actix_web::{get, web, HttpResponse};
use moot_app::views::search::Lookup;
use moot_app::Context;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search);
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    resolve: Option<bool>,
}

#[get("/api/v2/search")]
async fn search(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:search")?;
    let asked = Lookup {
        q: query.q.clone(),
        kind: query.kind.clone(),
        resolve: query.resolve == Some(true),
    };
    let found = moot_app::views::search::lookup(&ctx, &session.account, &asked).await?;
    let accounts: Vec<presenter::AccountEntity> = found
        .accounts
        .iter()
        .map(|a| presenter::account_view(&ctx, a))
        .collect();
    let statuses = crate::statuses::present_posts(&ctx, &found.posts, true);
    let hashtags: Vec<presenter::TagEntity> = found
        .hashtags
        .iter()
        .map(|t| presenter::tag(&ctx, t))
        .collect();
    Ok(HttpResponse::Ok()
        .json(json!({ "accounts": accounts, "statuses": statuses, "hashtags": hashtags })))
}
