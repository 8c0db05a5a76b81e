//! Headquarters' refusals over HTTP: each [`HqError`]'s status, and the device API's JSON body
//! for it (`salon_protocol::ErrorBody`: its stable code and generic message, with the snapshot or
//! the held revisions a laptop acts on). The admin web shows the same errors as pages
//! (`admin::WebError`), with the same statuses.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use salon_hq_store::HqError;
use salon_protocol::{ErrorBody, ErrorCode};

/// An error answered to a laptop as JSON.
#[derive(Debug)]
pub struct Refusal(pub HqError);

impl From<HqError> for Refusal {
    fn from(e: HqError) -> Self {
        Refusal(e)
    }
}

pub type Result<T, E = Refusal> = std::result::Result<T, E>;

/// The status of a refusal, for the device API and the admin web alike.
pub fn status(error: &HqError) -> StatusCode {
    match error {
        HqError::ApiVersion | HqError::BadBody | HqError::IdempotencyKey => StatusCode::BAD_REQUEST,
        HqError::BadForm(_) => StatusCode::BAD_REQUEST,
        HqError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        HqError::IdempotencyConflict
        | HqError::AlreadyExists(_)
        | HqError::OwnAccount
        | HqError::LastManager
        | HqError::SurveyAnswered
        | HqError::SurveyFinal
        | HqError::RevisionHeld { .. }
        | HqError::ReleaseHeld { .. }
        | HqError::RelayKeysChanged
        | HqError::RelayFetched
        | HqError::RelayReplayed
        | HqError::KeysRetired => StatusCode::CONFLICT,
        HqError::RelayRecipient => StatusCode::UNPROCESSABLE_ENTITY,
        HqError::RelayExpired => StatusCode::GONE,
        HqError::Protocol(_) | HqError::Implausible { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        HqError::CampusNotEnrolled | HqError::Csrf | HqError::ManagersOnly => StatusCode::FORBIDDEN,
        HqError::WrongPassword => StatusCode::BAD_REQUEST,
        HqError::SetupLinkInvalid | HqError::SurveyClosed | HqError::SurveyFormExpired => {
            StatusCode::GONE
        }
        HqError::EnrolmentCodeInvalid | HqError::TokenInvalid | HqError::DeviceRevoked => {
            StatusCode::UNAUTHORIZED
        }
        HqError::LoginRequired => StatusCode::SEE_OTHER,
        HqError::NotFound => StatusCode::NOT_FOUND,
        HqError::TooManyAttempts { .. } | HqError::RelayFull => StatusCode::TOO_MANY_REQUESTS,
        HqError::ImpossibleTotal
        | HqError::Storage(_)
        | HqError::AuditKey(_)
        | HqError::AuditTampered(_)
        | HqError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        HqError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let Refusal(error) = self;
        error.log_storage();
        if let HqError::LoginRequired = error {
            let mut res = StatusCode::SEE_OTHER.into_response();
            res.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/login"));
            return res;
        }
        let status = status(&error);
        let self_code = error.code();
        let retry_after = match error {
            HqError::TooManyAttempts { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let message = error.message();
        let (snapshot, held) = match error {
            HqError::Implausible { snapshot, .. } => (Some(snapshot), Vec::new()),
            HqError::RevisionHeld { held, .. } | HqError::ReleaseHeld { held } => (None, held),
            _ => (None, Vec::new()),
        };
        let body = ErrorBody {
            code: self_code,
            message,
            snapshot,
            held,
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
