//! The one list of error codes clients see in `extensions.code`, and the
//! mapping of internal failures to them. Database text is logged, never sent.

use async_graphql::ErrorExtensions;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    /// Over a budget or a throttle; `extensions.retryAfter` says when to
    /// try again (HTTP 429 with `Retry-After`).
    RateLimited,
    /// The request's deadline passed; its database work was cancelled.
    Timeout,
    /// The database cannot be reached right now (HTTP 503).
    Unavailable,
    /// A persisted query's hash is not known yet: send the document too
    /// (Apollo's automatic persisted queries).
    PersistedQueryNotFound,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadUserInput,
        ErrorCode::Conflict,
        ErrorCode::GraphqlParseFailed,
        ErrorCode::GraphqlValidationFailed,
        ErrorCode::RateLimited,
        ErrorCode::Timeout,
        ErrorCode::Unavailable,
        ErrorCode::PersistedQueryNotFound,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// An error for a client: a code and a message safe to show. Deliberately
/// not `Display`, so the only way into a GraphQL error is the conversion
/// below, which attaches the code.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds until a `RATE_LIMITED` caller may try again.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// `RATE_LIMITED`, to be retried after `wait` (rounded up to seconds).
    pub fn rate_limited(message: impl Into<String>, wait: std::time::Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Self {
            retry_after: Some(secs.max(1)),
            ..Self::new(ErrorCode::RateLimited, message)
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadUserInput, message)
    }

    /// An internal failure: logged with its detail, reported without it.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Conflict(field) => {
                ApiError::new(ErrorCode::Conflict, format!("{field} is already taken"))
            }
            e => match e.failure() {
                store::Failure::Unavailable => {
                    tracing::warn!(error = %e, "database unavailable");
                    ApiError::new(
                        ErrorCode::Unavailable,
                        "the database is unavailable; try again shortly",
                    )
                }
                store::Failure::Timeout => {
                    tracing::warn!(error = %e, "database deadline");
                    ApiError::new(
                        ErrorCode::Timeout,
                        "the request ran out of time waiting for the database",
                    )
                }
                store::Failure::Refused => {
                    tracing::info!(error = %e, "value refused by the database");
                    ApiError::bad_input(
                        "a value was refused: it is out of range, too long or contains a \
                         character that cannot be stored",
                    )
                }
                store::Failure::CallerChanged => {
                    tracing::debug!("the caller's memberships changed");
                    ApiError::new(
                        ErrorCode::Unauthenticated,
                        "the caller's memberships changed; send the request again",
                    )
                }
                store::Failure::Other => ApiError::internal(e),
            },
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        async_graphql::Error::new(e.message).extend_with(|_, ext| {
            ext.set("code", e.code.as_str());
            if let Some(secs) = e.retry_after {
                ext.set("retryAfter", secs);
            }
        })
    }
}
