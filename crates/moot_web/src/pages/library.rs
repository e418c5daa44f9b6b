//! A group's library in the browser: documents by folder and tag, adding
//! one with its title and description, new versions (each with its size
//! and checksum), downloads and deleting. Files go through the same
//! upload rules as the client API's (`moot_app::media`), then into the
//! library through `moot_app::library`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::library::{self, Added, ItemInput, ItemView};
use moot_app::media::Details;
use moot_app::model::LibrarySubmission as Submission;
use moot_app::views::groups::GroupCard;
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, NoFields, Posted};
use crate::layout::{self, FieldError, Input};
use crate::pages::groups::{find, section, section_trail};
use crate::session::{self, Viewer};
use crate::uploads::Upload;

/// What a person is told when their file goes to a remote group's node.
const PROPOSED: &str =
    "Your file has been sent to the group's node. It appears here once that node has added it.";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(new_form)
        .service(add)
        .service(item_page)
        .service(add_version)
        .service(delete);
}

fn base(group: &GroupCard) -> String {
    section(group, "library")
}

fn trail(group: &GroupCard) -> Markup {
    section_trail(group, "library", "Library")
}

/// A size as people read it.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[derive(Deserialize)]
struct Filter {
    #[serde(default)]
    folder: String,
    #[serde(default)]
    tag: String,
}

#[get("/groups/{handle}/library")]
async fn index(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, WebError> {
    let group = find(&ctx, &viewer, &handle).await?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let folder = Some(filter.folder.as_str()).filter(|f| !f.is_empty());
    let tag = Some(filter.tag.as_str()).filter(|t| !t.is_empty());
    let items = library::list(&ctx, me, group.account.id, (folder, tag), None, 200).await?;
    let sent = match me {
        Some(me) if !group.is_local() => {
            moot_app::library_proposals::of_uploader(&ctx, me, &group.account).await?
        }
        _ => Vec::new(),
    };
    let base = base(&group);
    let heading = match (folder, tag) {
        (Some(f), _) => format!("Folder: {f}"),
        (None, Some(t)) => format!("Tagged #{t}"),
        (None, None) => "Library".to_owned(),
    };
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &format!("{heading} – {}", group.shown_name()),
        html! {
            (layout::breadcrumbs(&[("/groups", "Groups"), (&format!("/groups/{}", group.handle()), group.shown_name())]))
            h1 { span class="caption" { (group.shown_name()) } (heading) }
            @if folder.is_some() || tag.is_some() { p { a href=(base) { "All documents" } } }
            @if group.membership.is_member() {
                p { a class="button" href={ "/groups/" (group.handle()) "/new-document" } { "Add a document" } }
            }
            (sent_files(&sent))
            @if items.is_empty() {
                p { "No documents here yet." }
            } @else {
                div class="table-wrap" {
                    table {
                        caption class="visually-hidden" { "Documents" }
                        thead { tr {
                            th scope="col" { "Document" } th scope="col" { "Folder" } th scope="col" { "Tags" }
                            th scope="col" class="numeric" { "Size" } th scope="col" { "Updated" }
                        } }
                        tbody {
                            @for view in &items {
                                (item_row(&base, view))
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The viewer's files sent to a remote group's node, and what it said.
fn sent_files(sent: &[Submission]) -> Markup {
    html! {
        @if !sent.is_empty() {
            h2 { "Files you sent to the group's node" }
            ul {
                @for s in sent {
                    li {
                        @if s.item_id.is_some() { "A new version of " }
                        (s.title) " – "
                        @match s.state.as_str() {
                            "pending" => { "waiting for the group's node" }
                            "accepted" => { "added to the library" }
                            _ => { strong { "not added" } @if let Some(reason) = &s.reason { ": " (reason) } }
                        }
                        " (" (layout::when(s.created_at)) ")"
                    }
                }
            }
        }
    }
}

fn item_row(base: &str, view: &ItemView) -> Markup {
    let item = &view.item;
    let current = view.versions.last();
    html! {
        tr {
            td { a href={ (base) "/" (item.id) } { (item.title) } }
            td { @if !item.folder.is_empty() { a href={ (base) "?folder=" (crate::forms::encode(&item.folder)) } { (item.folder) } } }
            td { @for tag in &item.tags { a class="tag" href={ (base) "?tag=" (crate::forms::encode(tag)) } { "#" (tag) } " " } }
            td class="numeric" { @if let Some(v) = current { (size(v.size)) } }
            td { (layout::when(item.updated_at)) }
        }
    }
}

/// The form's fields as the person left them.
#[derive(Default)]
struct ItemFields {
    title: String,
    description: String,
    folder: String,
    tags: String,
}

fn new_document_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    fields: &ItemFields,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Add a document",
        html! {
            (trail(group))
            h1 { "Add a document" }
            (layout::error_summary(errors))
            form method="post" action={ "/groups/" (group.handle()) "/new-document" } enctype="multipart/form-data" novalidate {
                (csrf_field(&session.csrf_token))
                (layout::file_input(&Input { required: true,
                    hint: Some("PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or an image."),
                    ..Input::new("file", "File") }, errors))
                (layout::input(&Input { value: &fields.title, required: true, ..Input::new("title", "Title") }, errors))
                (layout::textarea(&Input { value: &fields.description,
                    hint: Some("What it is and who it is for."), ..Input::new("description", "Description (optional)") }, 4, errors))
                (layout::input(&Input { value: &fields.folder,
                    hint: Some("For example: Policies/Housing. Leave empty for the top of the library."),
                    ..Input::new("folder", "Folder (optional)") }, errors))
                (layout::input(&Input { value: &fields.tags,
                    hint: Some("Words separated by spaces or commas, for example: damp mould"),
                    ..Input::new("tags", "Tags (optional)") }, errors))
                button type="submit" { "Add document" }
            }
        },
    ))
}

#[get("/groups/{handle}/new-document")]
async fn new_form(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    handle: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    viewer.require(&req)?;
    let group = find(&ctx, &viewer, &handle).await?;
    new_document_page(&ctx, &req, &viewer, &group, &ItemFields::default(), &[])
}

/// A refused upload as form errors; other refusals pass on.
fn upload_errors(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Invalid { field, message } => {
            let (field, label) = match field {
                "title" => ("title", "The title"),
                "description" => ("description", "The description"),
                "folder" => ("folder", "The folder"),
                "tags" => ("tags", "The tags"),
                _ => ("file", "The file"),
            };
            Ok(vec![FieldError {
                field,
                message: format!("{label} {message}"),
            }])
        }
        other => Err(other.into()),
    }
}

/// Keeps the uploaded file as the person's upload; on the way into the
/// library `then` decides. The upload is removed again if `then` fails.
async fn keep_file<T>(
    ctx: &Context,
    upload: &mut Upload,
    then: impl AsyncFnOnce(i64) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let me = match &upload.viewer.session {
        Some(s) => s.session.account.clone(),
        None => return Err(AppError::Forbidden("sign in first".into())),
    };
    let received = upload
        .take_file("file")
        .ok_or_else(|| AppError::invalid("file", "must be chosen"))?;
    let details = Details {
        description: Some(upload.field("description").to_owned()).filter(|d| !d.is_empty()),
        focus: None,
    };
    let media = moot_app::media::create(ctx, &me, received, details).await?;
    match then(media.id).await {
        Ok(done) => Ok(done),
        Err(e) => {
            let _ = moot_app::media::delete(ctx, &me, media.id).await;
            Err(e)
        }
    }
}

#[post("/groups/{handle}/new-document")]
async fn add(
    ctx: web::Data<Context>,
    req: HttpRequest,
    handle: web::Path<String>,
    mut upload: Upload,
) -> Result<HttpResponse, WebError> {
    let me = upload.viewer.require(&req)?.session.account.clone();
    let group = find(&ctx, &upload.viewer, &handle).await?;
    let fields = ItemFields {
        title: upload.field("title").to_owned(),
        description: upload.field("description").to_owned(),
        folder: upload.field("folder").to_owned(),
        tags: upload.field("tags").to_owned(),
    };
    let input = ItemInput {
        title: fields.title.clone(),
        description: fields.description.clone(),
        folder: fields.folder.clone(),
        tags: fields
            .tags
            .split([' ', ','])
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let group_id = group.account.id;
    let added = keep_file(&ctx, &mut upload, async |media_id| {
        library::add(&ctx, &me, group_id, media_id, input).await
    })
    .await;
    match added {
        Ok(Added::Stored(view)) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("{}/{}", base(&group), view.item.id),
            "The document has been added.",
        )),
        Ok(Added::Proposed(_)) => Ok(session::redirect_with_notice(&ctx, &base(&group), PROPOSED)),
        Err(e) => {
            let mut errors = upload_errors(e)?;
            errors.push(FieldError {
                field: "file",
                message: "Choose the file again".into(),
            });
            errors.dedup_by(|a, b| a.field == b.field);
            new_document_page(&ctx, &req, &upload.viewer, &group, &fields, &errors)
        }
    }
}

fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

async fn render_item(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    group: &GroupCard,
    item_id: i64,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = library::show(ctx, me, group.account.id, item_id).await?;
    let item = &view.item;
    let base = base(group);
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        &item.title,
        html! {
            (trail(group))
            h1 { span class="caption" { "Document" } (item.title) }
            @if !item.description.is_empty() { p { (item.description) } }
            dl class="summary-list" {
                @if !item.folder.is_empty() { div { dt { "Folder" } dd { a href={ (base) "?folder=" (crate::forms::encode(&item.folder)) } { (item.folder) } } } }
                @if !item.tags.is_empty() { div { dt { "Tags" } dd { @for tag in &item.tags { a class="tag" href={ (base) "?tag=" (crate::forms::encode(tag)) } { "#" (tag) } " " } } } }
                div { dt { "Added" } dd { (layout::when(item.created_at)) } }
            }
            @if let Some(current) = view.versions.last() {
                p { a class="button" href=(current.url) download { "Download" span class="visually-hidden" { " " (item.title) } " (" (size(current.size)) ")" } }
            }
            h2 { "Versions" }
            div class="table-wrap" {
                table {
                    caption class="visually-hidden" { "Versions, newest first" }
                    thead { tr {
                        th scope="col" { "Version" } th scope="col" { "Added" } th scope="col" { "File" }
                        th scope="col" class="numeric" { "Size" } th scope="col" { "SHA-256 checksum" }
                    } }
                    tbody {
                        @for v in view.versions.iter().rev() {
                            tr {
                                td { (v.number) }
                                td { (layout::when(v.created_at)) }
                                td { a href=(v.url) { (v.file_name.as_deref().unwrap_or("Download")) span class="visually-hidden" { ", version " (v.number) } } }
                                td class="numeric" { (size(v.size)) }
                                td { code class="checksum" { (v.sha256) } }
                            }
                        }
                    }
                }
            }
            @if let (Some(session), true) = (&viewer.session, group.membership.is_member()) {
                h2 { "Add a new version" }
                (layout::error_summary(errors))
                form method="post" action={ (base) "/" (item.id) "/versions" } enctype="multipart/form-data" novalidate {
                    (csrf_field(&session.csrf_token))
                    (layout::file_input(&Input { required: true, ..Input::new("file", "New version of the file") }, errors))
                    button type="submit" { "Upload new version" }
                }
            }
            @if let (Some(session), true) = (&viewer.session, group.membership.is_member() && group.is_local()) {
                h2 { "Delete" }
                form method="post" action={ (base) "/" (item.id) "/delete" } data-confirm={ "Delete " (item.title) "?" } {
                    (csrf_field(&session.csrf_token))
                    p { "The uploader and the group's moderators can delete a document." }
                    button type="submit" class="warning" { "Delete document" }
                }
            }
        },
    ))
}

#[get("/groups/{handle}/library/{id}")]
async fn item_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (handle, id) = path.into_inner();
    let group = find(&ctx, &viewer, &handle).await?;
    render_item(&ctx, &req, &viewer, &group, parse_id(&id)?, &[]).await
}

#[post("/groups/{handle}/library/{id}/versions")]
async fn add_version(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    mut upload: Upload,
) -> Result<HttpResponse, WebError> {
    let (handle, id) = path.into_inner();
    let item_id = parse_id(&id)?;
    let me = upload.viewer.require(&req)?.session.account.clone();
    let group = find(&ctx, &upload.viewer, &handle).await?;
    let group_id = group.account.id;
    let added = keep_file(&ctx, &mut upload, async |media_id| {
        library::add_version(&ctx, &me, group_id, item_id, media_id).await
    })
    .await;
    match added {
        Ok(Added::Stored(view)) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("{}/{}", base(&group), item_id),
            &format!("Version {} has been added.", view.item.current_version),
        )),
        Ok(Added::Proposed(_)) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("{}/{}", base(&group), item_id),
            PROPOSED,
        )),
        Err(e) => {
            let errors = upload_errors(e)?;
            render_item(&ctx, &req, &upload.viewer, &group, item_id, &errors).await
        }
    }
}

#[post("/groups/{handle}/library/{id}/delete")]
async fn delete(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    posted: Posted<NoFields>,
) -> Result<HttpResponse, WebError> {
    let (handle, id) = path.into_inner();
    let session = posted.viewer.require(&req)?;
    let group = find(&ctx, &posted.viewer, &handle).await?;
    library::delete(
        &ctx,
        &session.session.account,
        group.account.id,
        parse_id(&id)?,
    )
    .await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &base(&group),
        "The document has been deleted.",
    ))
}
