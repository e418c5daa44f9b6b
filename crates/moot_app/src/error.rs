//! The errors a rule can give, in terms the API layer maps to HTTP statuses.

/// What a busy node asks a client or a peer to wait before trying again.
pub const RETRY_AFTER_SECS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or breaks a rule about one field.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The thing to be created exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// The rules do not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// The change was based on something that has changed since; `details`
    /// shows both sides so that the caller can reconcile them.
    #[error("{message}")]
    Conflict {
        message: String,
        details: serde_json::Value,
    },
    #[error("not found")]
    NotFound,
    /// Every database connection stayed busy: the caller may try again.
    #[error("the node is busy; try again shortly")]
    Busy,
    /// Our fault, not the caller's: logged, never shown in detail.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// A conflict with the state things are in, said in words.
    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            message: message.into(),
            details: serde_json::Value::Null,
        }
    }

    /// Refuses `value` (when given) if longer than `max` characters.
    pub fn check_length(field: &'static str, value: Option<&str>, max: usize) -> Result<(), Self> {
        match value {
            Some(v) if v.chars().count() > max => Err(AppError::invalid(
                field,
                format!("is longer than {max} characters"),
            )),
            _ => Ok(()),
        }
    }
}

impl From<moot_db::DbError> for AppError {
    fn from(e: moot_db::DbError) -> Self {
        match e {
            // The pool waited its timeout for a free connection: load, not a fault.
            moot_db::DbError::Pool(_) => AppError::Busy,
            moot_db::DbError::Query(e) => e.into(),
            e => AppError::Internal(e.into()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        if holds_nul(&e) {
            return AppError::invalid("text", "must not contain NUL characters");
        }
        AppError::Internal(e.into())
    }
}

/// Whether PostgreSQL refused a text for holding a NUL character, which it
/// cannot store: the caller's text was wrong, wherever it came in.
fn holds_nul(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("invalid byte sequence") && info.message().contains("0x00"))
}
