//! Bookmarks (`/api/v1/statuses/:id/bookmark`, `/api/v1/bookmarks`) and
//! the list of one's favourites (`/api/v1/favourites`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::views;
use moot_app::views::posts::PostView;
use moot_app::views::timelines::{self, Kept};
use moot_app::Context;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(bookmark).service(bookmarks).service(favourites);
}

#[post("/api/v1/statuses/{id}/{action:bookmark|unbookmark}")]
async fn bookmark(
    ctx: web::Data<Context>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:bookmarks")?;
    let (id, action) = path.into_inner();
    let keep = action == "bookmark";
    let status = moot_app::bookmarks::set(&ctx, &session.account, parse_id(&id)?, keep).await?;
    crate::statuses::answer_with(&ctx, status, &session.account).await
}

/// A page of kept posts, with its Link header.
fn page_of(ctx: &Context, req: &HttpRequest, page: views::Page<PostView>) -> HttpResponse {
    let body = crate::statuses::present_posts(ctx, &page.items, true);
    crate::pagination::page_response(ctx, req, &page.cursors, &body)
}

#[get("/api/v1/bookmarks")]
async fn bookmarks(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:bookmarks")?;
    let (max_id, limit) = (query.max_id(), query.limit(20, 40));
    let page =
        timelines::kept_posts(&ctx, &session.account, Kept::Bookmarks, max_id, limit).await?;
    Ok(page_of(&ctx, &req, page))
}

#[get("/api/v1/favourites")]
async fn favourites(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:favourites")?;
    let (max_id, limit) = (query.max_id(), query.limit(20, 40));
    let page =
        timelines::kept_posts(&ctx, &session.account, Kept::Favourites, max_id, limit).await?;
    Ok(page_of(&ctx, &req, page))
}
