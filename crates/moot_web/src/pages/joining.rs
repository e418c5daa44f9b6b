//! Joining the node and getting back in: the sign-up form (when the node
//! takes sign-ups, or with an invitation while it does not), invitation
//! links, and the one-time password reset links administrators hand out.
//! The rules are `moot_app`'s, the same as for sign-ups from apps.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::accounts::{self, CreatedBy, NewUser};
use moot_app::{AppError, Context};
use moot_core::settings::RegistrationMode;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{self, Posted};
use crate::layout::{self, FieldError, Input};
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(signup_page)
        .service(signup)
        .service(invite_link)
        .service(reset_page)
        .service(reset);
}

#[derive(Deserialize, Default)]
struct SignupQuery {
    invite: Option<String>,
}

/// What the form holds, to show it again with its problems.
#[derive(Deserialize, Default)]
struct SignupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    agreement: Option<String>,
    #[serde(default)]
    invite: String,
}

/// What a new password must be, in words.
fn password_hint() -> String {
    format!("At least {} characters.", moot_app::passwords::MIN_LENGTH)
}

/// Whether the form is offered: the node takes sign-ups, or the person
/// holds an invitation that still works.
async fn may_sign_up(ctx: &Context, invite: &str) -> Result<bool, AppError> {
    if !invite.is_empty() {
        return Ok(moot_app::invites::usable(ctx, invite).await?.is_some());
    }
    Ok(matches!(
        ctx.settings.registration.mode,
        RegistrationMode::Open | RegistrationMode::Approval
    ))
}

fn closed_page(ctx: &Context, req: &HttpRequest, viewer: &Viewer, invited: bool) -> HttpResponse {
    layout::page_with_status(
        ctx,
        req,
        viewer,
        StatusCode::FORBIDDEN,
        "Joining this node",
        html! {
            h1 { "Joining this node" }
            @if invited {
                p { "This invitation no longer works: it has expired, been withdrawn or been used up. Ask the person who sent it for a new one." }
            } @else {
                p { "This node does not take sign-ups. Its administrators create accounts or send invitations; ask yours." }
            }
            p { a href="/login" { "Sign in" } " if you already have an account." }
        },
    )
}

fn form_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    token: &str,
    form: &SignupForm,
    errors: &[FieldError],
) -> HttpResponse {
    let approval =
        form.invite.is_empty() && ctx.settings.registration.mode == RegistrationMode::Approval;
    let mut page = layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Create an account",
        html! {
            h1 { "Create an account" }
            @if !form.invite.is_empty() { p { "You have been invited to join " (ctx.settings.instance.name) "." } }
            @else if approval { p { "An administrator reads each request to join before the account can be used." } }
            (layout::error_summary(errors))
            form method="post" action="/signup" novalidate {
                (forms::csrf_field(token))
                input type="hidden" name="invite" value=(form.invite);
                (layout::input(&Input { value: &form.username, autocomplete: Some("username"), required: true,
                    hint: Some("Letters, numbers and underscores. People find you as this name."),
                    ..Input::new("username", "Username") }, errors))
                (layout::input(&Input { kind: "email", value: &form.email, autocomplete: Some("email"), required: true,
                    ..Input::new("email", "Email address") }, errors))
                (layout::input(&Input { kind: "password", autocomplete: Some("new-password"), required: true,
                    hint: Some(&password_hint()), ..Input::new("password", "Password") }, errors))
                @if approval {
                    (layout::textarea(&Input { value: &form.reason, required: true,
                        hint: Some("For example your team and what you want to share."),
                        ..Input::new("reason", "Why do you want to join?") }, 4, errors))
                }
                div class={ "field checkbox" @if errors.iter().any(|e| e.field == "agreement") { " field-error" } } {
                    input type="checkbox" id="agreement" name="agreement" value="true" checked[form.agreement.is_some()];
                    label for="agreement" { "I agree to the node's " a href="/about/rules" { "rules" } ", "
                        a href="/terms" { "terms of service" } " and " a href="/privacy" { "privacy policy" } "." }
                }
                button type="submit" { "Create account" }
            }
        },
    );
    forms::keep_token(ctx, viewer, token, &mut page);
    page
}

#[get("/signup")]
async fn signup_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<SignupQuery>,
) -> Result<HttpResponse, WebError> {
    let invite = query.invite.clone().unwrap_or_default();
    if !may_sign_up(&ctx, &invite).await? {
        return Ok(closed_page(&ctx, &req, &viewer, !invite.is_empty()));
    }
    let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
    let form = SignupForm {
        invite,
        ..Default::default()
    };
    Ok(form_page(&ctx, &req, &viewer, &token, &form, &[]))
}

/// The field a refusal from the rules belongs to.
fn field_of(error: &AppError) -> &'static str {
    match error {
        AppError::Invalid { field, .. } => match *field {
            "email" => "email",
            "password" => "password",
            "reason" => "reason",
            _ => "username",
        },
        AppError::AlreadyExists(message) if message.starts_with("email") => "email",
        _ => "username",
    }
}

#[post("/signup")]
async fn signup(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<SignupForm>,
) -> Result<HttpResponse, WebError> {
    let Posted { viewer, form } = posted;
    if !may_sign_up(&ctx, &form.invite).await? {
        return Ok(closed_page(&ctx, &req, &viewer, !form.invite.is_empty()));
    }
    let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
    let approval =
        form.invite.is_empty() && ctx.settings.registration.mode == RegistrationMode::Approval;
    let mut errors = Vec::new();
    for (field, value, message) in [
        ("username", &form.username, "Enter a username"),
        ("email", &form.email, "Enter your email address"),
        ("password", &form.password, "Enter a password"),
    ] {
        if value.trim().is_empty() {
            errors.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }
    if approval && form.reason.trim().is_empty() {
        errors.push(FieldError {
            field: "reason",
            message: "Say why you want to join".into(),
        });
    }
    if form.agreement.is_none() {
        errors.push(FieldError {
            field: "agreement",
            message: "Agree to the rules, terms and privacy policy to join".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(form_page(&ctx, &req, &viewer, &token, &form, &errors));
    }
    let new = NewUser {
        username: form.username.trim().to_owned(),
        email: form.email.trim().to_owned(),
        password: Some(form.password.clone()),
        reason: form.reason.clone(),
        invite_code: Some(form.invite.clone()).filter(|c| !c.is_empty()),
    };
    match accounts::create_local_user(&ctx.db, &ctx.settings, new, CreatedBy::SignUp).await {
        Ok(created) => {
            let notice = if created.user.approved {
                "Your account is ready: sign in."
            } else {
                "Thank you. An administrator will read your request; you can sign in once it is approved."
            };
            Ok(session::redirect_with_notice(&ctx, "/login", notice))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::AlreadyExists(_))) => {
            let errors = [FieldError {
                field: field_of(&e),
                message: e.to_string(),
            }];
            Ok(form_page(&ctx, &req, &viewer, &token, &form, &errors))
        }
        Err(AppError::Forbidden(_)) if !form.invite.is_empty() => {
            Ok(closed_page(&ctx, &req, &viewer, true))
        }
        Err(e) => Err(e.into()),
    }
}

/// An invitation link leads to the sign-up form, or says it has lapsed.
#[get("/invite/{code}")]
async fn invite_link(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    if moot_app::invites::usable(&ctx, &code).await?.is_none() {
        return Ok(closed_page(&ctx, &req, &viewer, true));
    }
    Ok(session::see_other(&format!(
        "/signup?invite={}",
        forms::encode(&code)
    )))
}

fn reset_form(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    token: &str,
    link: &str,
    username: &str,
    errors: &[FieldError],
) -> HttpResponse {
    let mut page = layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        "Choose a new password",
        html! {
            h1 { "Choose a new password" }
            p { "For the account " strong { (username) } ". Once saved, you are signed out everywhere and sign in again with the new password." }
            (layout::error_summary(errors))
            form method="post" action={ "/reset/" (link) } novalidate {
                (forms::csrf_field(token))
                (layout::input(&Input { kind: "password", autocomplete: Some("new-password"), required: true,
                    hint: Some(&password_hint()), ..Input::new("password", "New password") }, errors))
                button type="submit" { "Save password" }
            }
        },
    );
    forms::keep_token(ctx, viewer, token, &mut page);
    page
}

fn lapsed_link(ctx: &Context, req: &HttpRequest, viewer: &Viewer) -> HttpResponse {
    layout::page_with_status(
        ctx,
        req,
        viewer,
        StatusCode::GONE,
        "This link no longer works",
        html! {
            h1 { "This link no longer works" }
            p { "Password reset links work once, for 24 hours. Ask an administrator of this node for a new one." }
        },
    )
}

#[get("/reset/{link}")]
async fn reset_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    link: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let Some(username) = moot_app::moderation::reset_link_for(&ctx, &link).await? else {
        return Ok(lapsed_link(&ctx, &req, &viewer));
    };
    let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
    Ok(reset_form(
        &ctx,
        &req,
        &viewer,
        &token,
        &link,
        &username,
        &[],
    ))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
}

#[post("/reset/{link}")]
async fn reset(
    ctx: web::Data<Context>,
    req: HttpRequest,
    link: web::Path<String>,
    posted: Posted<ResetForm>,
) -> Result<HttpResponse, WebError> {
    let Posted { viewer, form } = posted;
    let Some(username) = moot_app::moderation::reset_link_for(&ctx, &link).await? else {
        return Ok(lapsed_link(&ctx, &req, &viewer));
    };
    match moot_app::moderation::reset_password(&ctx, &link, &form.password).await {
        Ok(()) => Ok(session::redirect_with_notice(
            &ctx,
            "/login",
            "Your password is changed: sign in with it now.",
        )),
        Err(AppError::Invalid { message, .. }) => {
            let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
            let errors = [FieldError {
                field: "password",
                message: format!("The password {message}"),
            }];
            Ok(reset_form(
                &ctx, &req, &viewer, &token, &link, &username, &errors,
            ))
        }
        Err(AppError::Forbidden(_)) => Ok(lapsed_link(&ctx, &req, &viewer)),
        Err(e) => Err(e.into()),
    }
}
