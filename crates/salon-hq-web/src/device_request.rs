//! What every device request is read with: its bearer token, and its body with an over-limit
//! body answered as ours.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, StatusCode};

use salon_hq_store::error::HqError;

/// The body as bytes, with an over-limit body answered as ours (413, `body_too_large`).
pub(crate) fn body(
    b: std::result::Result<Bytes, BytesRejection>,
) -> salon_hq_store::error::Result<Bytes> {
    b.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HqError::BodyTooLarge
        } else {
            HqError::BadBody
        }
    })
}

pub(crate) fn bearer(headers: &HeaderMap) -> salon_hq_store::error::Result<String> {
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
