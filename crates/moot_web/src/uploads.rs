//! Forms that send a file (`multipart/form-data`). Their CSRF token must
//! be the form's first field, so that a forged post is refused before any
//! file is stored; the file is received through `moot_app::media`, which
//! stages it, hashes it and enforces the node's size limit.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use moot_app::media::{Received, Receiving, Refused};
use moot_app::Context;

use crate::errors::WebError;
use crate::forms::{expected_token, same, CSRF_FIELD};
use crate::session::Viewer;

/// Most bytes of one text field of an upload form.
const MAX_TEXT_FIELD: usize = 16 * 1024;

/// A checked upload form: who sent it, its text fields and its files
/// (those chosen), by field name.
pub struct Upload {
    pub viewer: Viewer,
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Received>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub fn take_file(&mut self, name: &str) -> Option<Received> {
        self.files.remove(name)
    }
}

/// The form fields that carry files.
const FILE_FIELDS: &[&str] = &["file", "avatar"];

fn malformed(e: impl std::fmt::Display) -> WebError {
    WebError::bad_request(format!("The form could not be read: {e}"))
}

fn too_large(max: u64) -> WebError {
    WebError::Page {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        title: "The file is too large",
        message: format!(
            "This node takes files up to {} MB. Choose a smaller file.",
            max / (1024 * 1024)
        ),
    }
}

async fn read(
    req: HttpRequest,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Upload, WebError> {
    let ctx = req
        .app_data::<web::Data<Context>>()
        .cloned()
        .ok_or_else(|| malformed("no context"))?;
    let refused = |r: Refused| match r {
        Refused::TooLarge { max } => too_large(max),
        Refused::Failed(e) => e.into(),
    };
    let expected = expected_token(&viewer, &req);
    let mut checked = false;
    let (mut fields, mut files) = (HashMap::new(), HashMap::new());
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        if !checked {
            let mut sent = Vec::new();
            while let Some(chunk) = field.next().await {
                sent.extend_from_slice(&chunk.map_err(malformed)?);
                if sent.len() > 256 {
                    break;
                }
            }
            let sent = String::from_utf8_lossy(&sent);
            match &expected {
                Some(expected) if name == CSRF_FIELD && same(expected, &sent) => checked = true,
                _ => return Err(crate::forms::forged()),
            }
            continue;
        }
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        if FILE_FIELDS.contains(&name.as_str()) {
            let claimed = field.content_type().map(|m| m.essence_str().to_owned());
            let mut receiving = Receiving::start(&ctx, claimed, file_name.clone())
                .await
                .map_err(refused)?;
            while let Some(chunk) = field.next().await {
                receiving
                    .push(&chunk.map_err(malformed)?)
                    .await
                    .map_err(refused)?;
            }
            let received = receiving.finish().await.map_err(refused)?;
            // A form sent with no file chosen has an empty, nameless part.
            if received.size > 0 || file_name.is_some_and(|n| !n.is_empty()) {
                files.insert(name, received);
            }
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.next().await {
            text.extend_from_slice(&chunk.map_err(malformed)?);
            if text.len() > MAX_TEXT_FIELD {
                return Err(malformed(format!("the field {name} is too long")));
            }
        }
        let text = String::from_utf8(text).map_err(|_| malformed("a field is not UTF-8"))?;
        fields.insert(name, text);
    }
    if !checked {
        return Err(crate::forms::forged());
    }
    Ok(Upload {
        viewer,
        fields,
        files,
    })
}

impl Upload {
    /// Reads an upload form only once `allowed` accepts who sent it, so
    /// that nobody else can make the node receive a file (administrators'
    /// forms, which refuse everyone else with 403 before reading).
    pub async fn read_if(
        req: &HttpRequest,
        viewer: Viewer,
        payload: web::Payload,
        allowed: impl FnOnce(&HttpRequest, &Viewer) -> Result<(), WebError>,
    ) -> Result<Upload, WebError> {
        allowed(req, &viewer)?;
        let multipart = Multipart::new(req.headers(), payload.into_inner());
        read(req.clone(), viewer, multipart).await
    }
}

impl FromRequest for Upload {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Upload, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let viewer = Viewer::from_request(&req, payload);
        let multipart = Multipart::new(req.headers(), payload.take());
        Box::pin(async move { read(req, viewer.await?, multipart).await })
    }
}
