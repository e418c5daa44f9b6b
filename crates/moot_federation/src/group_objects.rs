//! Serving what this node's groups keep at its ActivityPub ids: wiki pages
//! (`Article`), their revisions (`edits`, oldest first) and each revision
//! (`Patch`); library items (`Document`) and their versions; events. A private
//! group's content only to a request signed by one of its members (or
//! their node); otherwise 404.

use activitypub_federation::actix_web::signing_actor;
use activitypub_federation::config::Data;
use actix_web::{get, web, HttpRequest, HttpResponse};
use moot_app::{events, library, wiki, Context};

use crate::error::FederationError;
use crate::negotiation::activity_json;
use crate::objects::actor::ApActor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page)
        .service(edits)
        .service(revision)
        .service(library_item)
        .service(library_versions)
        .service(event)
        .service(knowledge);
}

/// Who signed the request, if anyone did (and their signature holds).
async fn viewer(req: &HttpRequest, data: &Data<Context>) -> Option<moot_app::model::Account> {
    signing_actor::<ApActor>(req, None, data)
        .await
        .ok()
        .and_then(|actor| actor.account)
}

/// Reads the signature only when plain reading is refused: public pages
/// cost no key look-up.
async fn with_viewer<F, Fut>(
    req: &HttpRequest,
    data: &Data<Context>,
    read: F,
) -> Result<HttpResponse, FederationError>
where
    F: Fn(Option<moot_app::model::Account>) -> Fut,
    Fut: std::future::Future<Output = Result<serde_json::Value, moot_app::AppError>>,
{
    let document = match read(None).await {
        Err(moot_app::AppError::NotFound) if req.headers().contains_key("signature") => {
            read(viewer(req, data).await).await?
        }
        other => other?,
    };
    Ok(activity_json(&document))
}

#[get("/users/{group}/wiki/{slug}")]
async fn page(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, slug) = path.into_inner();
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let (group, slug) = (group.clone(), slug.clone());
        async move { wiki::article(ctx, viewer.as_ref(), &group, &slug).await }
    })
    .await
}

#[get("/users/{group}/wiki/{slug}/edits")]
async fn edits(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, slug) = path.into_inner();
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let (group, slug) = (group.clone(), slug.clone());
        async move { wiki::edits(ctx, viewer.as_ref(), &group, &slug).await }
    })
    .await
}

#[get("/users/{group}/wiki/{slug}/edits/{number}")]
async fn revision(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, slug, number) = path.into_inner();
    let number: i32 = number.parse().map_err(|_| FederationError::not_found())?;
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let (group, slug) = (group.clone(), slug.clone());
        async move { wiki::edit_json(ctx, viewer.as_ref(), &group, &slug, number).await }
    })
    .await
}

#[get("/users/{group}/library/{id}")]
async fn library_item(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, id) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| FederationError::not_found())?;
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let group = group.clone();
        async move { library::document(ctx, viewer.as_ref(), &group, id).await }
    })
    .await
}

#[get("/users/{group}/library/{id}/versions")]
async fn library_versions(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, id) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| FederationError::not_found())?;
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let group = group.clone();
        async move { library::history(ctx, viewer.as_ref(), &group, id).await }
    })
    .await
}

#[get("/events/{id}")]
async fn event(
    req: HttpRequest,
    data: Data<Context>,
    id: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let id: i64 = id.parse().map_err(|_| FederationError::not_found())?;
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| async move {
        events::document(ctx, viewer.as_ref(), id).await
    })
    .await
}

/// A group's knowledge as it is now: its wiki pages, library items
/// (`resources`, Mobilizon's name) or events from a month ago on, as an
/// ordered collection of the objects, so a node that joins the group can
/// read what was there before.
#[get("/users/{group}/{collection:wiki|resources|events}")]
async fn knowledge(
    req: HttpRequest,
    data: Data<Context>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, FederationError> {
    let (group, collection) = path.into_inner();
    let ctx = data.app_data();
    with_viewer(&req, &data, |viewer| {
        let (group, collection) = (group.clone(), collection.clone());
        async move {
            let items = match collection.as_str() {
                "wiki" => wiki::articles(ctx, viewer.as_ref(), &group).await?,
                "resources" => library::documents(ctx, viewer.as_ref(), &group).await?,
                _ => events::documents_of_group(ctx, viewer.as_ref(), &group).await?,
            };
            let id = ctx.urls.person_collection(&group, &collection);
            let total = items.len() as i64;
            serde_json::to_value(moot_protocol::collection::OrderedCollection::new(
                id, total, items,
            ))
            .map_err(|e| moot_app::AppError::Internal(e.into()))
        }
    })
    .await
}
