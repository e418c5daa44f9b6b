//! Errors of the federation endpoints, mapped to the status a peer should see.

use activitypub_federation::error::Error as ProtocolError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use moot_app::AppError;

pub use moot_app::error::RETRY_AFTER_SECS;

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error(transparent)]
    App(#[from] AppError),
    /// The peer sent something we refuse, and why.
    #[error("{1}")]
    Refused(StatusCode, String),
    /// More than the node can take right now; the peer should come back.
    #[error("this node is busy; try again shortly")]
    Busy,
}

impl FederationError {
    pub fn refused(status: StatusCode, message: impl Into<String>) -> Self {
        FederationError::Refused(status, message.into())
    }

    /// Not signed, or not by whom it claims (401).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        FederationError::refused(StatusCode::UNAUTHORIZED, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        FederationError::refused(StatusCode::BAD_REQUEST, message)
    }

    /// Nothing here by that name, as the client API says it too.
    pub fn not_found() -> Self {
        FederationError::refused(StatusCode::NOT_FOUND, "Record not found")
    }

    /// The answer a peer gets, without a log line: for refusals counted
    /// elsewhere (the inbox screen's, which a flood makes by thousands a
    /// second).
    pub fn response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "Internal server error".to_owned()
        } else {
            self.to_string()
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // The connection stays open: a peer that comes back reuses it.
            // Closing it made every refusal cost a new handshake, and under
            // a flood the node then answered a sixth as many (measured with
            // `inbox_load`); an idle one still closes after the keep-alive.
            response.insert_header(("Retry-After", RETRY_AFTER_SECS.to_string()));
        }
        response.json(serde_json::json!({ "error": message }))
    }
}

impl From<moot_db::DbError> for FederationError {
    fn from(e: moot_db::DbError) -> Self {
        FederationError::App(e.into())
    }
}

impl From<diesel::result::Error> for FederationError {
    fn from(e: diesel::result::Error) -> Self {
        FederationError::App(e.into())
    }
}

impl ResponseError for FederationError {
    fn status_code(&self) -> StatusCode {
        match self {
            FederationError::Refused(status, _) => *status,
            FederationError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            FederationError::Protocol(e) => match e {
                ProtocolError::ActivitySignatureInvalid
                | ProtocolError::ActivityBodyDigestInvalid => StatusCode::UNAUTHORIZED,
                ProtocolError::NotFound | ProtocolError::ObjectDeleted(_) => StatusCode::NOT_FOUND,
                ProtocolError::UrlVerificationError(_)
                | ProtocolError::DomainResolveError(_)
                | ProtocolError::ResolveInternalIpError(..) => StatusCode::FORBIDDEN,
                ProtocolError::ParseReceivedActivity { .. }
                | ProtocolError::ParseFetchedObject(..)
                | ProtocolError::FetchInvalidContentType(_)
                | ProtocolError::FetchWrongId(_)
                | ProtocolError::UrlParse(_)
                | ProtocolError::WebfingerResolveFailed(_)
                | ProtocolError::RequestLimit
                | ProtocolError::ResponseBodyLimit => StatusCode::BAD_REQUEST,
                // A peer we could not reach to check the sender: the sender
                // may retry later.
                ProtocolError::Reqwest(_) | ProtocolError::ReqwestMiddleware(_) => {
                    StatusCode::BAD_GATEWAY
                }
                _ => StatusCode::BAD_REQUEST,
            },
            FederationError::App(e) => match e {
                AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
                AppError::AlreadyExists(_) => StatusCode::CONFLICT,
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Conflict { .. } => StatusCode::CONFLICT,
                AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "federation: internal error");
        } else {
            tracing::info!(%status, error = %self, "federation: request refused");
        }
        self.response()
    }
}
