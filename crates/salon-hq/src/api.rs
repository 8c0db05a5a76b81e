//! The device API, `/api/v1/*`: enrol, config, upload. Every request and answer carries the
//! API version header; a request without a version from `MIN_API_VERSION` to `API_VERSION`
//! is refused before anything else ("update the app"). Versions 3 to 6 differ from 7 only by
//! what they cannot carry (events before 4, releases and the noise policy before 5, path
//! releases before 6) and by the topics a month's release holds (all of them before 7), so the
//! same handlers serve them all; a device is not sent what it cannot read.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use salon_protocol::{
    DeviceConfig, EnrolRequest, Enrolment, Receipt, API_VERSION, API_VERSION_HEADER,
    IDEMPOTENCY_HEADER, MAX_BODY_BYTES, MIN_API_VERSION,
};

use crate::error::{HqError, Result};
use crate::throttle::Key;
use crate::{AppState, Peer};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/enrol", post(enrol))
        .route("/config", get(config))
        .route("/upload", post(upload))
        .fallback(|| async { HqError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(api_version))
}

/// The version a request names, if it names one.
fn version_of(headers: &HeaderMap) -> Option<u32> {
    headers
        .get(API_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok())
}

/// The first version whose devices read the noise policy.
const NOISE_FROM_VERSION: u32 = 5;
/// The first version whose devices release path decisions per period.
pub(crate) const PATHS_FROM_VERSION: u32 = 6;

fn reads_noise(headers: &HeaderMap) -> bool {
    version_of(headers).is_some_and(|v| v >= NOISE_FROM_VERSION)
}

fn reads_path_calendar(headers: &HeaderMap) -> bool {
    version_of(headers).is_some_and(|v| v >= PATHS_FROM_VERSION)
}

async fn api_version(req: Request, next: Next) -> Response {
    let ok =
        version_of(req.headers()).is_some_and(|v| (MIN_API_VERSION..=API_VERSION).contains(&v));
    let mut res = if ok {
        next.run(req).await
    } else {
        HqError::ApiVersion.into_response()
    };
    res.headers_mut()
        .insert(API_VERSION_HEADER, HeaderValue::from(API_VERSION));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The body as bytes, with an over-limit body answered as ours (413, `body_too_large`).
fn body(b: std::result::Result<Bytes, BytesRejection>) -> Result<Bytes> {
    b.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HqError::BodyTooLarge
        } else {
            HqError::BadBody
        }
    })
}

fn bearer(headers: &HeaderMap) -> Result<String> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(HqError::TokenInvalid)?;
    let token = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 100)
        .ok_or(HqError::TokenInvalid)?;
    Ok(token.to_owned())
}

fn idempotency_key(headers: &HeaderMap) -> Result<String> {
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or(HqError::IdempotencyKey)?;
    let ok = (1..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(HqError::IdempotencyKey);
    }
    Ok(key.to_owned())
}

/// Enrols a device. Refused codes are counted per client address (see `throttle`): too many
/// and the address gets `too_many_attempts`, even with a good code, until the lock ends.
async fn enrol(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<Enrolment>> {
    let raw = body(raw)?;
    let attempt = match peer {
        Some(ip) => Some(
            state
                .throttle
                .begin(vec![Key::enrol_peer(ip)], state.now())
                .map_err(|r| HqError::TooManyAttempts {
                    retry_after_secs: r.retry_after_secs,
                })?,
        ),
        None => None,
    };
    let Ok(req) = serde_json::from_slice::<EnrolRequest>(&raw) else {
        if let Some(a) = attempt {
            a.abandon();
        }
        return Err(HqError::BadBody);
    };
    let now = state.now();
    let result = state.blocking(move |s| s.enrol(&req.code, now)).await;
    if let Some(a) = attempt {
        match &result {
            Ok(_) => a.succeeded(state.now()),
            Err(HqError::EnrolmentCodeInvalid) => a.failed(state.now()),
            Err(_) => a.abandon(),
        }
    }
    let mut enrolment = result?;
    if !reads_noise(&headers) {
        enrolment.noise = None;
    }
    if !reads_path_calendar(&headers) {
        enrolment.path_calendar = None;
    }
    Ok(Json(enrolment))
}

async fn config(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<DeviceConfig>> {
    let token = bearer(&headers)?;
    let mut config = state.blocking(move |s| s.device_config(&token)).await?;
    if !reads_noise(&headers) {
        config.noise = None;
        config.releases_held.clear();
    }
    if !reads_path_calendar(&headers) {
        config.path_calendar = None;
        config.path_releases_held.clear();
    }
    Ok(Json(config))
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<Receipt>> {
    let token = bearer(&headers)?;
    let key = idempotency_key(&headers)?;
    let raw = body(raw)?;
    let now = state.now();
    // The version middleware let only a version it serves through.
    let version = version_of(&headers).unwrap_or(API_VERSION);
    let receipt = state
        .blocking(move |s| s.upload_from(version, &token, &key, &raw, now))
        .await?;
    Ok(Json(receipt))
}
