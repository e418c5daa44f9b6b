//! Client errors in Mastodon's `{"error": "..."}` shape, with the right status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use moot_app::AppError;

/// An error answer to a client request.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// More fields beside `error`, for an answer the caller can act on.
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "Record not found")
    }

    /// A request no route of Moot's answers: said apart from a missing
    /// record, so an app's developer sees at once what is not served.
    pub fn no_such_endpoint(method: &str, path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{NO_SUCH_ENDPOINT}: {method} {path}"),
        )
    }
}

/// The start of the answer to a request no route serves.
pub const NO_SUCH_ENDPOINT: &str = "Moot does not serve this endpoint";

impl ApiError {}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            let wait = moot_app::error::RETRY_AFTER_SECS.to_string();
            response.insert_header(("Retry-After", wait));
        }
        let mut body = serde_json::json!({ "error": self.message });
        if let (Some(body), Some(serde_json::Value::Object(details))) =
            (body.as_object_mut(), &self.details)
        {
            for (key, value) in details {
                body.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        response.json(body)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::AlreadyExists(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => return ApiError::not_found(),
            AppError::Conflict { message, details } => {
                let mut error = ApiError::new(StatusCode::CONFLICT, message.clone());
                error.details = Some(details.clone());
                return error;
            }
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(inner) => {
                tracing::error!(error = %inner, "internal error");
                return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
            }
        };
        ApiError::new(status, e.to_string())
    }
}

/// Turns actix's body and JSON extractor failures into client errors in the
/// same shape (413 for an oversized body, 400 or 422 for bad JSON).
pub fn payload_error(err: actix_web::Error) -> actix_web::Error {
    use actix_web::error::{JsonPayloadError, PayloadError};
    let status = err.as_response_error().status_code();
    let message = if let Some(json) = err.as_error::<JsonPayloadError>() {
        match json {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                "Request body is too large".to_owned()
            }
            JsonPayloadError::ContentType => {
                "Expected a JSON body (Content-Type: application/json)".to_owned()
            }
            other => format!("Malformed JSON: {other}"),
        }
    } else if let Some(PayloadError::Overflow) = err.as_error::<PayloadError>() {
        "Request body is too large".to_owned()
    } else {
        err.to_string()
    };
    ApiError::new(status, message).into()
}
