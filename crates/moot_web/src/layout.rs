//! The frame of every page (header, navigation, notice, footer) and the
//! small building blocks forms share, after the GOV.UK Design System's
//! patterns: labels, hints, error messages and an error summary.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use maud::{html, Markup, DOCTYPE};
use moot_app::Context;

use crate::assets;
use crate::forms::csrf_field;
use crate::session::{self, Viewer, NOTICE_COOKIE};

/// Headers every page carries: no framing by other sites, no scripts or
/// styles but the node's own, forms posted only to the node.
fn headers(builder: &mut HttpResponseBuilder) {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ));
}

fn document(title: &str, site_name: &str, header: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) @if title != site_name { " – " (site_name) } }
                link rel="stylesheet" href=(assets::stylesheet_path());
                script src=(assets::script_path()) defer {}
            }
            body {
                a class="skip-link" href="#main" { "Skip to main content" }
                (header)
                div class="width" {
                    main id="main" { (body) }
                }
                footer class="site-footer" {
                    div class="width" {
                        ul {
                            li { a href="/about" { "About this node" } }
                            li { a href="/groups" { "Groups" } }
                            li { a href="/about/rules" { "Rules" } }
                            li { a href="/terms" { "Terms of service" } }
                            li { a href="/privacy" { "Privacy policy" } }
                        }
                        p { "This node runs Moot, free software for councils to share what they know." }
                    }
                }
            }
        }
    }
    .into_string()
}

/// Where the person is, for `aria-current` in the navigation.
fn nav_link(current: &str, href: &str, label: &str) -> Markup {
    let here = href == current || (href != "/" && current.starts_with(href));
    html! {
        li {
            @if here { a href=(href) aria-current="page" { (label) } }
            @else { a href=(href) { (label) } }
        }
    }
}

/// A page of the node for the person in `viewer`.
pub fn page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    title: &str,
    body: Markup,
) -> HttpResponse {
    page_with_status(ctx, req, viewer, StatusCode::OK, title, body)
}

pub fn page_with_status(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    status: StatusCode,
    title: &str,
    body: Markup,
) -> HttpResponse {
    let site_name = &ctx.settings.instance.name;
    let current = req.path();
    let header = html! {
        header class="site-header" {
            div class="width" {
                a class="site-name" href="/" { (site_name) }
                nav class="site-nav" aria-label="Main" {
                    ul {
                        @if let Some(session) = &viewer.session {
                            (nav_link(current, "/", "Home"))
                            (nav_link(current, "/groups", "Groups"))
                            (nav_link(current, "/search", "Search"))
                            (nav_link(current, "/directory", "Who knows"))
                            (nav_link(current, "/notifications", "Notifications"))
                            (nav_link(current, "/settings", "Settings"))
                            @if session.session.user.is_admin {
                                (nav_link(current, "/admin", "Administration"))
                            }
                            li {
                                form method="post" action="/logout" {
                                    (csrf_field(&session.csrf_token))
                                    button class="link-button" type="submit" { "Sign out" }
                                }
                            }
                        } @else {
                            (nav_link(current, "/groups", "Groups"))
                            (nav_link(current, "/about", "About"))
                            @if ctx.settings.registration.mode != moot_core::settings::RegistrationMode::Closed
                                && ctx.settings.registration.mode != moot_core::settings::RegistrationMode::Invite {
                                (nav_link(current, "/signup", "Join"))
                            }
                            (nav_link(current, "/login", "Sign in"))
                        }
                    }
                }
            }
        }
    };
    let notice = viewer.notice.as_deref().map(crate::forms::decode);
    let body = html! {
        @if let Some(notice) = &notice {
            div class="notice" role="status" {
                p class="notice-title" { "Success" }
                p { (notice) }
            }
        }
        (body)
    };
    let mut builder = HttpResponse::build(status);
    headers(&mut builder);
    if notice.is_some() {
        builder.cookie(session::removal(ctx, NOTICE_COOKIE));
    }
    builder.body(document(title, site_name, header, body))
}

/// A page with a form: answered 400 with "Error: " before its title
/// when the form came back with problems (as GOV.UK pages do), else 200.
pub fn form_page(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    errors: &[FieldError],
    title: &str,
    body: Markup,
) -> HttpResponse {
    if errors.is_empty() {
        page_with_status(ctx, req, viewer, StatusCode::OK, title, body)
    } else {
        let title = format!("Error: {title}");
        page_with_status(ctx, req, viewer, StatusCode::BAD_REQUEST, &title, body)
    }
}

/// A page without a person or node settings at hand (errors raised before
/// a handler runs).
pub fn bare(status: StatusCode, title: &str, body: Markup) -> HttpResponse {
    let header = html! {
        header class="site-header" {
            div class="width" {
                a class="site-name" href="/" { "Home" }
            }
        }
    };
    let mut builder = HttpResponse::build(status);
    headers(&mut builder);
    builder.body(document(title, "Moot", header, body))
}

/// A problem with one field of a form.
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// The box at the top of a form that lists its problems, each a link to
/// its field.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="error-summary" role="alert" tabindex="-1" data-autofocus {
                h2 { "There is a problem" }
                ul {
                    @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } }
                }
            }
        }
    }
}

/// What a labelled input needs.
pub struct Input<'a> {
    pub name: &'static str,
    pub label: &'a str,
    pub kind: &'static str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub autocomplete: Option<&'static str>,
    pub required: bool,
}

impl<'a> Input<'a> {
    pub fn new(name: &'static str, label: &'a str) -> Self {
        Input {
            name,
            label,
            kind: "text",
            value: "",
            hint: None,
            autocomplete: None,
            required: false,
        }
    }
}

fn error_for<'e>(errors: &'e [FieldError], name: &str) -> Option<&'e FieldError> {
    errors.iter().find(|e| e.field == name)
}

/// The ids an input is described by: its hint and its error.
fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, what)| format!("{name}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A form field: its label, hint and error message around `control`,
/// which `described_by` and `invalid` are for.
fn field(
    field: &Input,
    errors: &[FieldError],
    control: impl FnOnce(Option<String>, Option<&'static str>) -> Markup,
) -> Markup {
    let error = error_for(errors, field.name);
    let described = described_by(field.name, field.hint.is_some(), error.is_some());
    html! {
        div class={ "field" @if error.is_some() { " field-error" } } {
            label for=(field.name) { (field.label) }
            @if let Some(hint) = field.hint { span class="hint" id={ (field.name) "-hint" } { (hint) } }
            @if let Some(e) = error { span class="error-message" id={ (field.name) "-error" } span class="visually-hidden" { "Error: " } (e.message) }
            (control(described, error.map(|_| "true")))
        }
    }
}

/// A text input with its label, hint and error message.
pub fn input(input: &Input, errors: &[FieldError]) -> Markup {
    field(input, errors, |described, invalid| {
        html! {
            input id=(input.name) name=(input.name) type=(input.kind) value=(input.value)
                autocomplete=[input.autocomplete] required[input.required]
                aria-describedby=[described] aria-invalid=[invalid];
        }
    })
}

/// A file chooser with its label, hint and error message.
pub fn file_input(input: &Input, errors: &[FieldError]) -> Markup {
    field(input, errors, |described, invalid| {
        html! {
            input id=(input.name) name=(input.name) type="file" required[input.required]
                aria-describedby=[described] aria-invalid=[invalid];
        }
    })
}

/// A textarea with its label, hint and error message.
pub fn textarea(input: &Input, rows: u32, errors: &[FieldError]) -> Markup {
    field(input, errors, |described, invalid| {
        html! {
            textarea id=(input.name) name=(input.name) rows=(rows) class=[(rows > 12).then_some("tall")]
                required[input.required] aria-describedby=[described] aria-invalid=[invalid] { (input.value) }
        }
    })
}

/// Breadcrumbs above a page's heading.
pub fn breadcrumbs(trail: &[(&str, &str)]) -> Markup {
    html! {
        nav class="breadcrumbs" aria-label="Breadcrumb" {
            ol { @for (href, label) in trail { li { a href=(href) { (label) } } } }
        }
    }
}

/// A date and time as people in the UK write it.
pub fn when(at: chrono::DateTime<chrono::Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%-d %B %Y, %H:%M")) } }
}
