//! Signing in and out of the web app with the same accounts every app
//! uses. A sign-in always starts a new session (the old cookie is ended),
//! and is limited per address and per login by `moot_app::sign_in`.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::browser_sessions::{self, Client, SignIn};
use moot_app::Context;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{self, NoFields, Posted, CSRF_COOKIE};
use crate::layout::{self, FieldError, Input};
use crate::session::{self, Viewer, SESSION_COOKIE};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login_page).service(login).service(logout);
}

#[derive(Deserialize, Default)]
struct Next {
    next: Option<String>,
}

/// Where to go after signing in: a path on this node, never elsewhere.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

fn form_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    token: &str,
    login_value: &str,
    next: &str,
    errors: &[FieldError],
) -> HttpResponse {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    let title = if errors.is_empty() {
        "Sign in"
    } else {
        "Error: Sign in"
    };
    let mut response = layout::page_with_status(
        ctx,
        req,
        viewer,
        status,
        title,
        html! {
            h1 { "Sign in" }
            (layout::error_summary(errors))
            form method="post" action="/login" novalidate {
                (forms::csrf_field(token))
                input type="hidden" name="next" value=(next);
                (layout::input(&Input { kind: "text", value: login_value, autocomplete: Some("username"), required: true,
                    ..Input::new("login", "Username or email address") }, errors))
                (layout::input(&Input { kind: "password", autocomplete: Some("current-password"), required: true,
                    ..Input::new("password", "Password") }, errors))
                button type="submit" { "Sign in" }
            }
            p { "You can also use any fediverse app, such as Tusky, Phanpy or Elk, with the same account." }
        },
    );
    forms::keep_token(ctx, viewer, token, &mut response);
    response
}

#[get("/login")]
async fn login_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<Next>,
) -> HttpResponse {
    let next = safe_next(query.next.as_deref());
    if viewer.session.is_some() {
        return crate::session::see_other(next);
    }
    let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
    form_page(&ctx, &req, &viewer, &token, "", next, &[])
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[post("/login")]
async fn login(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let Posted { viewer, form } = posted;
    let next = safe_next(form.next.as_deref()).to_owned();
    let token = forms::expected_token(&viewer, &req).unwrap_or_else(forms::new_token);
    let mut errors = Vec::new();
    if form.login.trim().is_empty() {
        errors.push(FieldError {
            field: "login",
            message: "Enter your username or email address".into(),
        });
    }
    if form.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter your password".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(form_page(
            &ctx,
            &req,
            &viewer,
            &token,
            &form.login,
            &next,
            &errors,
        ));
    }
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let client = Client {
        ip: session::client_ip(&ctx, &req),
        user_agent,
    };
    let attempt = browser_sessions::sign_in(
        &ctx,
        form.login.trim(),
        &form.password,
        client,
        viewer.cookie.as_deref(),
    )
    .await?;
    match attempt {
        SignIn::SignedIn { cookie, .. } => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .cookie(session::cookie(&ctx, SESSION_COOKIE, cookie))
            .cookie(session::removal(&ctx, CSRF_COOKIE))
            .finish()),
        SignIn::Refused(refused) => {
            let errors = [FieldError {
                field: "login",
                message: refused.refusal().into(),
            }];
            let mut page = form_page(&ctx, &req, &viewer, &token, &form.login, &next, &errors);
            if let moot_app::sign_in::Credentials::TooMany(wait) = refused {
                *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                    page.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            Ok(page)
        }
    }
}

#[post("/logout")]
async fn logout(
    ctx: web::Data<Context>,
    posted: Posted<NoFields>,
) -> Result<HttpResponse, WebError> {
    if let Some(session) = &posted.viewer.session {
        browser_sessions::sign_out(&ctx, session).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(session::removal(&ctx, SESSION_COOKIE))
        .cookie(session::notice(&ctx, "You have signed out."))
        .finish())
}
