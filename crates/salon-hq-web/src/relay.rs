//! The handover relay's device API, `/api/v1/relay/*` (salon-protocol `relay`): keys, the
//! list of colleagues' laptops, a package sent, the inbox, a package fetched (and deleted
//! here once received), declined, a receipt, an acknowledgement, a cancel. Under the device API's version check; a
//! package may be up to `MAX_PACKAGE_BYTES`, far over the device API's 64 KiB.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use salon_protocol::relay::{
    RelayId, RelayInbox, RelayLaptops, RelayPackage, RelayReceipt, RelaySend, MAX_PACKAGE_BYTES,
};
use salon_protocol::{PackageId, PublicKeys, MAX_BODY_BYTES};
use serde::de::DeserializeOwned;

use chrono::{DateTime, Utc};
use salon_hq_store::error::HqError;
use salon_hq_store::HqStore;

use crate::device_request::{bearer, body};
use crate::refusal::Result;
use crate::state::ServerState;

/// The JSON wrapping of a package (its id, keys, expiry) on top of the package's own text.
const SEND_OVERHEAD: usize = 4 * 1024;

pub(crate) fn router() -> Router<ServerState> {
    Router::new()
        .route("/keys", put(keys))
        .route("/laptops", get(laptops))
        .route(
            "/send",
            post(send).layer(DefaultBodyLimit::max(MAX_PACKAGE_BYTES + SEND_OVERHEAD)),
        )
        .route("/inbox", get(inbox))
        .route("/fetch", post(fetch))
        .route("/received", post(received))
        .route("/decline", post(decline))
        .route("/receipt", post(receipt))
        .route("/ack", post(ack))
        .route("/cancel", post(cancel))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

fn parse<T: DeserializeOwned>(
    raw: std::result::Result<Bytes, BytesRejection>,
) -> salon_hq_store::error::Result<T> {
    serde_json::from_slice(&body(raw)?).map_err(|_| HqError::BadBody)
}

async fn keys(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let token = bearer(&headers)?;
    let keys: PublicKeys = parse(raw)?;
    let now = state.now();
    state
        .blocking(move |s| s.register_keys(&token, &keys, now))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn laptops(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Json<RelayLaptops>> {
    let token = bearer(&headers)?;
    Ok(Json(
        state.blocking(move |s| s.relay_laptops(&token)).await?,
    ))
}

async fn send(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let token = bearer(&headers)?;
    let send: RelaySend = parse(raw)?;
    let now = state.now();
    state
        .blocking(move |s| s.relay_send(&token, send, now))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn inbox(State(state): State<ServerState>, headers: HeaderMap) -> Result<Json<RelayInbox>> {
    let token = bearer(&headers)?;
    let now = state.now();
    Ok(Json(
        state.blocking(move |s| s.relay_inbox(&token, now)).await?,
    ))
}

async fn fetch(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<RelayPackage>> {
    let token = bearer(&headers)?;
    let RelayId { id } = parse(raw)?;
    let now = state.now();
    Ok(Json(
        state
            .blocking(move |s| s.relay_fetch(&token, &id, now))
            .await?,
    ))
}

async fn receipt(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let token = bearer(&headers)?;
    let receipt: RelayReceipt = parse(raw)?;
    let now = state.now();
    state
        .blocking(move |s| s.relay_receipt(&token, receipt, now))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A step on one package by its id, answered with no body: `ack`, `cancel`, `received`,
/// `decline`.
type PackageStep =
    fn(&HqStore, &str, &PackageId, DateTime<Utc>) -> salon_hq_store::error::Result<()>;

async fn on_package(
    state: ServerState,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
    step: PackageStep,
) -> Result<StatusCode> {
    let token = bearer(&headers)?;
    let RelayId { id } = parse(raw)?;
    let now = state.now();
    state.blocking(move |s| step(s, &token, &id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn ack(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    on_package(state, headers, raw, HqStore::relay_ack).await
}

async fn cancel(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    on_package(state, headers, raw, HqStore::relay_cancel).await
}

async fn received(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    on_package(state, headers, raw, HqStore::relay_received).await
}

async fn decline(
    State(state): State<ServerState>,
    headers: HeaderMap,
    raw: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    on_package(state, headers, raw, HqStore::relay_decline).await
}
