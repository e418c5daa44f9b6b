//! A person's own settings: password and signed-in browsers.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::browser_sessions;
use moot_app::{AppError, Context};
use moot_core::text::TextFormat;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{self, NoFields, Posted};
use crate::layout::{self, FieldError, Input};
use crate::session::{self, Viewer, SESSION_COOKIE};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(settings_page)
        .service(password_page)
        .service(change_password)
        .service(sessions_page)
        .service(revoke_session)
        .service(profile_page)
        .service(save_profile)
        .service(apps_page)
        .service(revoke_app)
        .service(save_writing);
}

#[get("/settings")]
async fn settings_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let account = &session.session.account;
    let user = &session.session.user;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Settings",
        html! {
            h1 { "Settings" }
            dl class="summary-list" {
                div { dt { "Username" } dd { "@" (account.username) "@" (ctx.urls.authority()) } }
                div { dt { "Email address" } dd { (user.email) } }
                div { dt { "Profile page" } dd { a href={ "/@" (account.username) } { "Your public profile" } } }
            }
            ul {
                li { a href="/settings/profile" { "Your profile: name, about you, picture" } }
            }
            h2 id="writing" { "Writing from apps" }
            form method="post" action="/settings/writing" {
                (forms::csrf_field(&session.csrf_token))
                fieldset {
                    legend { "How the posts you write in a fediverse app are shown" }
                    div class="radios" {
                        @for (format, label) in WRITING_CHOICES {
                            div {
                                input type="radio" id={ "format-" (format.media_type()) } name="format"
                                    value=(format.media_type()) checked[user.post_format == format.media_type()];
                                label for={ "format-" (format.media_type()) } { (label) }
                            }
                        }
                    }
                }
                button type="submit" { "Save" }
            }
            h2 { "Security" }
            ul {
                li { a href="/settings/password" { "Change your password" } }
                li { a href="/settings/sessions" { "Signed-in devices" } }
                li { a href="/settings/apps" { "Apps you have signed in to" } }
            }
        },
    ))
}

/// The choices for posts from apps; posts written on this web site always
/// take Markdown.
const WRITING_CHOICES: [(TextFormat, &str); 2] = [
    (
        TextFormat::Plain,
        "As typed: web addresses, @mentions and #hashtags become links (as on Mastodon)",
    ),
    (
        TextFormat::Markdown,
        "As Markdown: *emphasis*, lists and [links](https://example.org) are formatted",
    ),
];

#[derive(Deserialize)]
struct WritingForm {
    #[serde(default)]
    format: String,
}

#[post("/settings/writing")]
async fn save_writing(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<WritingForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let format = TextFormat::from_media_type(&posted.form.format).unwrap_or_default();
    moot_app::accounts::set_post_format(&ctx.db, &session.session.user, format).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        "/settings",
        "How your posts from apps are shown has been saved.",
    ))
}

fn password_form(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    csrf: &str,
    errors: &[FieldError],
) -> HttpResponse {
    layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Change your password",
        html! {
            (layout::breadcrumbs(&[("/settings", "Settings")]))
            h1 { "Change your password" }
            (layout::error_summary(errors))
            form method="post" action="/settings/password" novalidate {
                (forms::csrf_field(csrf))
                (layout::input(&Input { kind: "password", autocomplete: Some("current-password"), required: true,
                    ..Input::new("current_password", "Current password") }, errors))
                (layout::input(&Input { kind: "password", autocomplete: Some("new-password"), required: true,
                    hint: Some("At least 8 characters. A few unrelated words make a strong password."),
                    ..Input::new("new_password", "New password") }, errors))
                p { "Other browsers signed in to your account will be signed out." }
                button type="submit" { "Change password" }
            }
        },
    )
}

#[get("/settings/password")]
async fn password_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    Ok(password_form(
        &ctx,
        &req,
        &viewer,
        &session.csrf_token.clone(),
        &[],
    ))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

#[post("/settings/password")]
async fn change_password(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<PasswordForm>,
) -> Result<HttpResponse, WebError> {
    let viewer = &posted.viewer;
    let session = viewer.require(&req)?;
    let form = &posted.form;
    match browser_sessions::change_password(
        &ctx,
        session,
        &form.current_password,
        &form.new_password,
    )
    .await
    {
        Ok(()) => Ok(session::redirect_with_notice(
            &ctx,
            "/settings",
            "Your password has been changed.",
        )),
        Err(AppError::Invalid { field, message }) => {
            let message = match field {
                "current_password" => "Your current password is not right".to_owned(),
                _ => format!("Your new password {message}"),
            };
            let errors = [FieldError { field, message }];
            Ok(password_form(
                &ctx,
                &req,
                viewer,
                &session.csrf_token,
                &errors,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A browser as people recognise it: its name and system, from its
/// user agent.
fn describe_browser(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = ["Windows", "iPhone", "iPad", "Android", "Mac OS", "Linux"]
        .iter()
        .find(|s| user_agent.contains(*s))
        .map(|s| if *s == "Mac OS" { "macOS" } else { s });
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        _ if user_agent.is_empty() => "Unknown browser".to_owned(),
        _ => user_agent.chars().take(60).collect(),
    }
}

#[get("/settings/sessions")]
async fn sessions_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let sessions = browser_sessions::list(&ctx, session).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Signed-in devices",
        html! {
            (layout::breadcrumbs(&[("/settings", "Settings")]))
            h1 { "Signed-in devices" }
            p { "These browsers are signed in to your account. If you do not recognise one, sign it out and change your password." }
            div class="table-wrap" {
                table {
                    caption class="visually-hidden" { "Signed-in browsers" }
                    thead { tr { th scope="col" { "Browser" } th scope="col" { "Address" } th scope="col" { "Signed in" } th scope="col" { "Last used" } th scope="col" { span class="visually-hidden" { "Action" } } } }
                    tbody {
                        @for s in &sessions {
                            tr {
                                td { (describe_browser(&s.user_agent)) @if s.id == session.id { " " strong class="tag green" { "This browser" } } }
                                td { (s.ip) }
                                td { (layout::when(s.created_at)) }
                                td { (layout::when(s.last_seen_at)) }
                                td {
                                    form class="inline" method="post" action={ "/settings/sessions/" (s.id) "/revoke" } {
                                        (forms::csrf_field(&session.csrf_token))
                                        button type="submit" class="secondary" {
                                            "Sign out" span class="visually-hidden" { " " (describe_browser(&s.user_agent)) ", signed in " (s.created_at.format("%-d %B %Y %H:%M")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[post("/settings/sessions/{id}/revoke")]
async fn revoke_session(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    posted: Posted<NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    browser_sessions::revoke(&ctx, session, id).await?;
    if id == session.id {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/"))
            .cookie(session::removal(&ctx, SESSION_COOKIE))
            .finish());
    }
    Ok(session::redirect_with_notice(
        &ctx,
        "/settings/sessions",
        "That browser has been signed out.",
    ))
}

fn profile_form(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(req)?;
    let account = &session.session.account;
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Your profile",
        html! {
            (layout::breadcrumbs(&[("/settings", "Settings")]))
            h1 { "Your profile" }
            p { "Everyone can see your profile, on this node and on the nodes it federates with." }
            (layout::error_summary(errors))
            form method="post" action="/settings/profile" enctype="multipart/form-data" novalidate {
                (forms::csrf_field(&session.csrf_token))
                (layout::input(&Input { value: &account.display_name, autocomplete: Some("name"),
                    hint: Some("Your name as colleagues know it, and your role if you like."),
                    ..Input::new("display_name", "Name") }, errors))
                (layout::textarea(&Input { value: account.note_source.as_deref().unwrap_or_default(),
                    hint: Some("What you work on and what you know about. At most 500 characters."),
                    ..Input::new("note", "About you") }, 4, errors))
                @if let Some(avatar) = &account.avatar_url {
                    p { img src=(avatar) alt="Your current picture" width="96" height="96"; }
                }
                (layout::file_input(&Input { hint: Some("A PNG, JPEG, GIF or WebP image. Leave empty to keep the current one."),
                    ..Input::new("avatar", "Picture (optional)") }, errors))
                div class="field checkbox" {
                    input type="checkbox" id="discoverable" name="discoverable" value="true" checked[account.discoverable]
                        aria-describedby="discoverable-hint";
                    label for="discoverable" { "List me in the sector directory" }
                    span class="hint" id="discoverable-hint" { "Colleagues on this node and on the nodes it is peered with find you there, with the topics you write about." }
                }
                button type="submit" { "Save profile" }
            }
        },
    ))
}

#[get("/settings/profile")]
async fn profile_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    profile_form(&ctx, &req, &viewer, &[])
}

#[post("/settings/profile")]
async fn save_profile(
    ctx: web::Data<Context>,
    req: HttpRequest,
    mut upload: crate::uploads::Upload,
) -> Result<HttpResponse, WebError> {
    let me = upload.viewer.require(&req)?.session.account.clone();
    let input = moot_app::profiles::ProfileInput {
        display_name: Some(upload.field("display_name").to_owned()),
        note: Some(upload.field("note").to_owned()),
        avatar: upload.take_file("avatar"),
        discoverable: Some(upload.field("discoverable") == "true"),
        ..Default::default()
    };
    match moot_app::profiles::update(&ctx, &me, input).await {
        Ok(_) => Ok(session::redirect_with_notice(
            &ctx,
            "/settings",
            "Your profile has been saved.",
        )),
        Err(AppError::Invalid { field, message }) => {
            let (field, label) = match field {
                "display_name" => ("display_name", "Your name"),
                "note" => ("note", "About you"),
                _ => ("avatar", "The picture"),
            };
            let errors = [FieldError {
                field,
                message: format!("{label} {message}"),
            }];
            profile_form(&ctx, &req, &upload.viewer, &errors)
        }
        Err(e) => Err(e.into()),
    }
}

#[get("/settings/apps")]
async fn apps_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let apps = moot_app::oauth::authorizations(&ctx, &session.session.user).await?;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Apps you have signed in to",
        html! {
            (layout::breadcrumbs(&[("/settings", "Settings")]))
            h1 { "Apps you have signed in to" }
            p { "These apps can use your account. If you no longer use one, or do not recognise it, take its access away." }
            @if apps.is_empty() { p { "No apps can use your account." } }
            @else {
                div class="table-wrap" {
                    table {
                        caption class="visually-hidden" { "Apps with access to your account" }
                        thead { tr { th scope="col" { "App" } th scope="col" { "May" } th scope="col" { "Since" } th scope="col" { span class="visually-hidden" { "Action" } } } }
                        tbody {
                            @for a in &apps {
                                tr {
                                    td { (a.app.name) @if let Some(site) = &a.app.website { br; span class="secondary" { (site) } } }
                                    td { (a.scopes) }
                                    td { (layout::when(a.since)) }
                                    td {
                                        form class="inline" method="post" action={ "/settings/apps/" (a.app.id) "/revoke" } {
                                            (forms::csrf_field(&session.csrf_token))
                                            button type="submit" class="secondary" { "Take access away" span class="visually-hidden" { " from " (a.app.name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[post("/settings/apps/{id}/revoke")]
async fn revoke_app(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    posted: Posted<NoFields>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    moot_app::oauth::revoke_authorization(&ctx, &session.session.user, id).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        "/settings/apps",
        "The app can no longer use your account.",
    ))
}
