//! Uploads (`POST /api/v2/media`), their alt text, and serving the files.

use actix_files::NamedFile;
use actix_multipart::{Field, Multipart};
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{delete, get, put, routes, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use moot_app::media::{self, Details, Received, Receiving, Refused};
use moot_app::Context;
use serde::Deserialize;

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::{malformed_multipart, parse_id, read_text};
use crate::presenter;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload)
        .service(show)
        .service(update)
        .service(remove)
        .service(file);
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("File is too large: this node accepts files up to {max} bytes"),
    )
}

/// Streams the `file` field to a staged file through
/// `moot_app::media::Receiving`, which hashes it and stops at the limit.
pub(crate) async fn receive_file(ctx: &Context, field: &mut Field) -> Result<Received, ApiError> {
    let refused = |r: Refused| match r {
        Refused::TooLarge { max } => too_large(max),
        Refused::Failed(e) => e.into(),
    };
    let claimed_type = field.content_type().map(|m| m.essence_str().to_owned());
    let file_name = field
        .content_disposition()
        .and_then(|d| d.get_filename())
        .map(str::to_owned);
    let mut receiving = Receiving::start(ctx, claimed_type, file_name)
        .await
        .map_err(refused)?;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed_multipart)?;
        receiving.push(&chunk).await.map_err(refused)?;
    }
    receiving.finish().await.map_err(refused)
}

/// `focus` as Mastodon sends it: `"x,y"`, each between -1 and 1.
fn parse_focus(raw: &str) -> Result<Option<(f32, f32)>, ApiError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::unprocessable("Validation failed: focus must be \"x,y\"");
    let (x, y) = raw.split_once(',').ok_or_else(bad)?;
    let x: f32 = x.trim().parse().map_err(|_| bad())?;
    let y: f32 = y.trim().parse().map_err(|_| bad())?;
    Ok(Some((x, y)))
}

/// Files are processed at once, so v2 answers 200 with the URL set, as v1.
#[routes]
#[post("/api/v2/media")]
#[post("/api/v1/media")]
async fn upload(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    mut multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let max = ctx.settings.media.max_bytes;
    // A declared length over the limit is refused before reading anything.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max + 64 * 1024) {
        return Err(too_large(max));
    }
    let (mut received, mut details) = (None, Details::default());
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed_multipart)?;
        match field.name().unwrap_or_default() {
            "file" => received = Some(receive_file(&ctx, &mut field).await?),
            "description" => details.description = Some(read_text(&mut field, 16 * 1024).await?),
            "focus" => details.focus = parse_focus(&read_text(&mut field, 64).await?)?,
            // Thumbnails and unknown fields are read past.
            _ => while field.next().await.is_some() {},
        }
    }
    let received =
        received.ok_or_else(|| ApiError::unprocessable("Validation failed: file is missing"))?;
    let stored = media::create(&ctx, &session.account, received, details).await?;
    Ok(HttpResponse::Ok().json(presenter::media(&ctx, &stored)))
}

#[get("/api/v1/media/{id}")]
async fn show(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let stored = media::own(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::media(&ctx, &stored)))
}

#[derive(Deserialize)]
struct UpdateParams {
    description: Option<String>,
    focus: Option<String>,
}

#[put("/api/v1/media/{id}")]
async fn update(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let params: UpdateParams = crate::params::parse(&req, &body).await?;
    let details = Details {
        description: params.description,
        focus: params
            .focus
            .as_deref()
            .map(parse_focus)
            .transpose()?
            .flatten(),
    };
    let stored = media::describe(&ctx, &session.account, parse_id(&id)?, details).await?;
    Ok(HttpResponse::Ok().json(presenter::media(&ctx, &stored)))
}

#[delete("/api/v1/media/{id}")]
async fn remove(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require("write:media")?;
    let stored = media::delete(&ctx, &session.account, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(presenter::media(&ctx, &stored)))
}

/// The file itself. Keys are random, so a file's URL is its capability,
/// as in Mastodon. Documents download rather than open, and nothing served
/// here can run script in the node's origin.
#[get("/media/{key:.+}")]
async fn file(
    ctx: web::Data<Context>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let stored = moot_app::media::by_key(&ctx, &key).await?;
    // A picture's small copy is a JPEG of its own.
    let small = stored.preview_key.as_deref() == Some(key.as_str());
    let (served, content_type) = match small {
        true => (key.as_str(), "image/jpeg"),
        false => (stored.file_key.as_str(), stored.content_type.as_str()),
    };
    let path = ctx
        .storage
        .local_path(served)
        .map_err(|_| ApiError::not_found())?;
    let mime: actix_web::mime::Mime = content_type
        .parse()
        .unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    let inline = matches!(stored.kind.as_str(), "image" | "video" | "audio");
    let name = stored.original_name.clone().unwrap_or_else(|| {
        stored
            .file_key
            .rsplit('/')
            .next()
            .unwrap_or("file")
            .to_owned()
    });
    let file = NamedFile::open_async(&path)
        .await
        .map_err(|_| ApiError::not_found())?
        .set_content_type(mime)
        .set_content_disposition(ContentDisposition {
            disposition: if inline {
                DispositionType::Inline
            } else {
                DispositionType::Attachment
            },
            parameters: vec![DispositionParam::Filename(name)],
        });
    let mut response = file.into_response(&req);
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
