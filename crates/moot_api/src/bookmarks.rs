//! Bookmarks (`/api/v1/statuses/:id/bookmark`, `/api/v1/bookmarks`) and
//! the list of one's favourites (`/api/v1/favourites`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use moot_app::{statuses, AppError, Context};
use moot_db::accounts::Account;
use moot_db::statuses::Status;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::params::parse_id;
use crate::statuses::{render, render_page};

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
    let (status, author) =
        statuses::get_visible(&ctx, Some(&session.account), parse_id(&id)?).await?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    if action == "bookmark" {
        moot_db::bookmarks::add(&mut conn, session.account.id, status.id).await
    } else {
        moot_db::bookmarks::remove(&mut conn, session.account.id, status.id).await
    }
    .map_err(AppError::from)?;
    drop(conn);
    Ok(HttpResponse::Ok().json(render(&ctx, &status, &author, Some(&session.account)).await?))
}

/// A page of posts kept by (cursor, post, author), still visible to the
/// viewer, with its Link header.
async fn page_of(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Account,
    page: Vec<(i64, Status, Account)>,
) -> Result<HttpResponse, ApiError> {
    let cursors: Vec<i64> = page.iter().map(|(c, _, _)| *c).collect();
    let mut shown = Vec::with_capacity(page.len());
    for (_, status, author) in page {
        if statuses::can_view(ctx, Some(viewer), &status, &author).await? {
            shown.push((status, author));
        }
    }
    let body = render_page(ctx, &shown, Some(viewer)).await?;
    Ok(crate::pagination::page_response(ctx, req, &cursors, body))
}

#[get("/api/v1/bookmarks")]
async fn bookmarks(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:bookmarks")?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    let page = moot_db::bookmarks::page(
        &mut conn,
        session.account.id,
        query.max_id(),
        query.limit(20, 40),
    )
    .await
    .map_err(AppError::from)?;
    drop(conn);
    page_of(&ctx, &req, &session.account, page).await
}

#[get("/api/v1/favourites")]
async fn favourites(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    query: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("read:favourites")?;
    let mut conn = ctx.db.conn().await.map_err(AppError::from)?;
    let page = moot_db::bookmarks::favourites_page(
        &mut conn,
        session.account.id,
        query.max_id(),
        query.limit(20, 40),
    )
    .await
    .map_err(AppError::from)?;
    drop(conn);
    page_of(&ctx, &req, &session.account, page).await
}
