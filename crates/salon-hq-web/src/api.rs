//! The device API, `/api/v1/*`: enrol, config, upload, and the handover relay (`relay.rs`). Every request carries the protocol's
//! version and the app's own; a request without `API_VERSION`, or without an app version
//! headquarters can read, is refused before anything else ("update the app"). The app version
//! is kept per device for the devices page; nothing else depends on it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use salon_protocol::{
    AppVersion, DeviceConfig, EnrolRequest, Enrolment, Receipt, API_VERSION, API_VERSION_HEADER,
    APP_VERSION_HEADER, IDEMPOTENCY_HEADER, MAX_BODY_BYTES,
};

use salon_hq_store::error::HqError;

use crate::device_request::{bearer, body};
use crate::peer::Peer;
use crate::refusal::{Refusal, Result};
use crate::state::ServerState;
use crate::throttle::Key;

pub(crate) fn router() -> Router<ServerState> {
    Router::new()
        .route("/enrol", post(enrol))
        .route("/config", get(config))
        .route("/upload", post(upload))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .nest("/relay", crate::relay::router())
        .fallback(|| async { Refusal(HqError::NotFound) })
        .layer(middleware::from_fn(api_version))
}

/// The app version a request names, if it names one headquarters can read.
fn app_version(headers: &HeaderMap) -> Option<AppVersion> {
    headers
        .get(APP_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| AppVersion::parse(v.trim()))
}

fn speaks_this_protocol(headers: &HeaderMap) -> bool {
    let api = headers
        .get(API_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    api == Some(API_VERSION) && app_version(headers).is_some()
}

async fn api_version(req: Request, next: Next) -> Response {
    let mut res = if speaks_this_protocol(req.headers()) {
        next.run(req).await
    } else {
        Refusal(HqError::ApiVersion).into_response()
    };
    res.headers_mut()
        .insert(API_VERSION_HEADER, HeaderValue::from(API_VERSION));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn idempotency_key(headers: &HeaderMap) -> salon_hq_store::error::Result<String> {
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
    State(state): State<ServerState>,
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
        return Err(HqError::BadBody.into());
    };
    let now = state.now();
    let version = app_version(&headers).ok_or(HqError::ApiVersion)?;
    let result = state
        .blocking(move |s| s.enrol(&req.code, &version, now))
        .await;
    if let Some(a) = attempt {
        match &result {
            Ok(_) => a.succeeded(state.now()),
            Err(HqError::EnrolmentCodeInvalid) => a.failed(state.now()),
            Err(_) => a.abandon(),
        }
    }
    Ok(Json(result?))
}

async fn config(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Json<DeviceConfig>> {
    let token = bearer(&headers)?;
    let version = app_version(&headers).ok_or(HqError::ApiVersion)?;
    let config = state
        .blocking(move |s| s.device_config(&token, &version))
        .await?;
    Ok(Json(config))
}

async fn upload(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<Receipt>> {
    let token = bearer(&headers)?;
    let key = idempotency_key(&headers)?;
    let raw = body(raw)?;
    let now = state.now();
    let receipt = state
        .blocking(move |s| s.upload(&token, &key, &raw, now))
        .await?;
    Ok(Json(receipt))
}
