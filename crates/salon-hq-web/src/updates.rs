//! Updates of the app, for Tauri's updater (`salon_protocol::updates`): the check names the
//! laptop's platform and version and answers 204 when nothing newer is offered, or the offer;
//! the bundle is downloaded from the offer's address. Both need the device's token, and both
//! sit outside the protocol's version check: an app too old to sync still gets its update.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use salon_hq_store::error::HqError;
use salon_protocol::updates::{Arch, Bundle, Target, UpdateOffer, UpdatePlatform, UPDATES_PATH};
use salon_protocol::AppVersion;
use serde::Deserialize;

use crate::device_request::bearer;
use crate::refusal::{Refusal, Result};
use crate::state::ServerState;

pub(crate) fn router() -> Router<ServerState> {
    Router::new()
        .route("/bundle/{id}", get(bundle))
        .route("/{target}/{arch}/{current}", get(check))
        .fallback(|| async { Refusal(HqError::NotFound) })
}

#[derive(Debug, Deserialize)]
struct CheckQuery {
    /// How the app was installed; its platform's usual installer when absent.
    bundle: Option<String>,
}

/// The newest update for the laptop, or 204.
async fn check(
    State(state): State<ServerState>,
    Path((target, arch, current)): Path<(String, String, String)>,
    Query(query): Query<CheckQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let token = bearer(&headers)?;
    let target = Target::from_code(&target).ok_or(HqError::NotFound)?;
    let arch = Arch::from_code(&arch).ok_or(HqError::NotFound)?;
    let bundle = match query.bundle.as_deref() {
        Some(b) => Bundle::from_code(b).ok_or(HqError::NotFound)?,
        None => Bundle::usual(target),
    };
    let platform = UpdatePlatform::of(target, arch, bundle).ok_or(HqError::NotFound)?;
    // The updater may name its version with a leading `v`.
    let current = AppVersion::parse(current.trim_start_matches('v')).ok_or(HqError::NotFound)?;
    let offered = state
        .blocking(move |s| s.update_for(&token, platform, &current))
        .await?;
    let Some(update) = offered else {
        return Ok(no_store(StatusCode::NO_CONTENT.into_response()));
    };
    let offer = UpdateOffer {
        version: update.version.to_string(),
        notes: update.notes,
        pub_date: update
            .added_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        url: format!(
            "{}{UPDATES_PATH}/bundle/{}",
            state.public_url.trim_end_matches('/'),
            update.id
        ),
        signature: update.signature,
    };
    Ok(no_store(Json(offer).into_response()))
}

/// The bundle of an update still offered.
async fn bundle(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response> {
    let token = bearer(&headers)?;
    let (name, bytes) = state.blocking(move |s| s.update_bundle(&token, id)).await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    // The name is the build's own (checked when the update was added): ASCII in quotes.
    let ascii: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"')
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(no_store(res))
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
