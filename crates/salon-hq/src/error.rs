//! One error for the whole server. Each variant has a stable snake_case code, an HTTP status and
//! a generic message: never built from the request body, a token, a code or SQL detail.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use salon_protocol::{ErrorBody, ErrorCode, ProtocolError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HqError {
    #[error("the request must carry the header x-salon-api-version with this server's version")]
    ApiVersion,
    #[error("the request body is larger than the server accepts")]
    BodyTooLarge,
    #[error("the request body is not a valid message of this API")]
    BadBody,
    #[error("the idempotency-key header is missing or not 1 to 100 of A-Z, a-z, 0-9, '-', '_'")]
    IdempotencyKey,
    #[error("this idempotency key was already used with a different body")]
    IdempotencyConflict,
    #[error("the upload was refused by the protocol's rules")]
    Protocol(#[from] ProtocolError),
    #[error("a snapshot is for a campus this device is not enrolled for")]
    CampusNotEnrolled,
    #[error("the enrolment code is unknown, expired or already used")]
    EnrolmentCodeInvalid,
    #[error("the device token is missing or unknown")]
    TokenInvalid,
    #[error("this device has been revoked")]
    DeviceRevoked,
    #[error("login required")]
    LoginRequired,
    #[error("the form is stale or was not sent from this site; reload the page and try again")]
    Csrf,
    #[error("a field of the form is missing or invalid: {0}")]
    BadForm(&'static str),
    #[error("that already exists: {0}")]
    AlreadyExists(&'static str),
    #[error("not found")]
    NotFound,
    #[error("too many failed attempts from this address; wait and try again later")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("a total of the stored figures is too large to be true")]
    ImpossibleTotal,
    #[error("storage error")]
    Storage(#[from] rusqlite::Error),
    #[error("internal error")]
    Internal(&'static str),
}

impl HqError {
    pub fn code(&self) -> ErrorCode {
        match self {
            HqError::ApiVersion => ErrorCode::ApiVersion,
            HqError::BodyTooLarge => ErrorCode::BodyTooLarge,
            HqError::BadBody => ErrorCode::BadBody,
            HqError::IdempotencyKey => ErrorCode::IdempotencyKey,
            HqError::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            HqError::Protocol(e) => e.code(),
            HqError::CampusNotEnrolled => ErrorCode::CampusNotEnrolled,
            HqError::EnrolmentCodeInvalid => ErrorCode::EnrolmentCodeInvalid,
            HqError::TokenInvalid => ErrorCode::TokenInvalid,
            HqError::DeviceRevoked => ErrorCode::DeviceRevoked,
            HqError::LoginRequired => ErrorCode::LoginRequired,
            HqError::Csrf => ErrorCode::Csrf,
            HqError::BadForm(_) => ErrorCode::BadForm,
            HqError::AlreadyExists(_) => ErrorCode::AlreadyExists,
            HqError::NotFound => ErrorCode::NotFound,
            HqError::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            HqError::ImpossibleTotal => ErrorCode::ImpossibleTotal,
            HqError::Storage(_) => ErrorCode::Storage,
            HqError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HqError::ApiVersion | HqError::BadBody | HqError::IdempotencyKey => {
                StatusCode::BAD_REQUEST
            }
            HqError::BadForm(_) => StatusCode::BAD_REQUEST,
            HqError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            HqError::IdempotencyConflict | HqError::AlreadyExists(_) => StatusCode::CONFLICT,
            HqError::Protocol(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HqError::CampusNotEnrolled | HqError::Csrf => StatusCode::FORBIDDEN,
            HqError::EnrolmentCodeInvalid | HqError::TokenInvalid | HqError::DeviceRevoked => {
                StatusCode::UNAUTHORIZED
            }
            HqError::LoginRequired => StatusCode::SEE_OTHER,
            HqError::NotFound => StatusCode::NOT_FOUND,
            HqError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            HqError::ImpossibleTotal | HqError::Storage(_) | HqError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The message sent to the client: the variant's generic text (for a protocol refusal,
    /// the protocol's own generic text).
    pub fn message(&self) -> String {
        match self {
            HqError::Protocol(e) => e.to_string(),
            HqError::Storage(_) => "storage error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for HqError {
    fn into_response(self) -> Response {
        if let HqError::Storage(e) = &self {
            // SQLite's messages name statements and constraints, never bound values.
            eprintln!("storage error: {e}");
        }
        if let HqError::LoginRequired = self {
            let mut res = StatusCode::SEE_OTHER.into_response();
            res.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/login"));
            return res;
        }
        let status = self.status();
        let self_code = self.code();
        let retry_after = match self {
            HqError::TooManyAttempts { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let body = ErrorBody {
            code: self.code(),
            message: self.message(),
        };
        let mut res = (status, axum::Json(body)).into_response();
        if matches!(
            self_code,
            ErrorCode::TokenInvalid | ErrorCode::DeviceRevoked
        ) {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        res
    }
}

pub type Result<T, E = HqError> = std::result::Result<T, E>;
