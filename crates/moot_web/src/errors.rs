//! Errors as pages: a person sees what went wrong in words, with the
//! right status, and never the details of a fault on our side.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use maud::html;
use moot_app::AppError;

use crate::layout;

#[derive(Debug)]
pub enum WebError {
    /// A page that needs a signed-in person; they are sent to sign in,
    /// then back to `next`.
    SignInFirst { next: String },
    /// A page of its own: status, heading and explanation.
    Page {
        status: StatusCode,
        title: &'static str,
        message: String,
    },
}

impl WebError {
    pub fn not_found() -> WebError {
        WebError::Page {
            status: StatusCode::NOT_FOUND,
            title: "Page not found",
            message: "If you typed the web address, check it is correct. If you followed a link, the page may have been moved or deleted.".into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> WebError {
        WebError::Page {
            status: StatusCode::FORBIDDEN,
            title: "You cannot do that",
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> WebError {
        WebError::Page {
            status: StatusCode::BAD_REQUEST,
            title: "Something in the request is not right",
            message: message.into(),
        }
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::SignInFirst { .. } => write!(f, "sign in first"),
            WebError::Page { title, message, .. } => write!(f, "{title}: {message}"),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        let (status, title, message) = match e {
            AppError::NotFound => return WebError::not_found(),
            AppError::Invalid { message, .. } => (
                StatusCode::BAD_REQUEST,
                "Something in the request is not right",
                message,
            ),
            AppError::AlreadyExists(message) => {
                (StatusCode::CONFLICT, "That exists already", message)
            }
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, "You cannot do that", message),
            AppError::Conflict { message, .. } => {
                (StatusCode::CONFLICT, "Someone changed this first", message)
            }
            AppError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is busy",
                "Try again in a few seconds.".into(),
            ),
            AppError::Internal(e) => {
                tracing::error!(error = %e, "web page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. The node's admin can see what went wrong in its log.".into(),
                )
            }
        };
        WebError::Page {
            status,
            title,
            message,
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignInFirst { .. } => StatusCode::SEE_OTHER,
            WebError::Page { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::SignInFirst { next } => {
                let target = format!("/login?next={}", crate::forms::encode(next));
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish()
            }
            WebError::Page {
                status,
                title,
                message,
            } => layout::bare(
                *status,
                title,
                html! {
                    h1 { (title) }
                    p { (message) }
                    p { a href="/" { "Go to the home page" } }
                },
            ),
        }
    }
}
