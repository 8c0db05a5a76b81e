//! Health checks for a service manager or a monitor: `/healthz` answers while the process runs;
//! `/readyz` answers 200 only when the database can be read and holds every migration this
//! binary knows, and 503 otherwise (say while an older binary's database waits for its
//! migration, or the disk under it has gone).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::state::ServerState;
use salon_hq_store::MIGRATIONS;

pub(crate) fn router() -> Router<ServerState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok\n"
}

#[derive(Debug, Serialize)]
struct Readiness {
    ready: bool,
    /// The database's schema version, when it could be read.
    schema: Option<usize>,
    /// The version this binary migrates to.
    expected: usize,
}

async fn readyz(State(state): State<ServerState>) -> (StatusCode, Json<Readiness>) {
    let expected = MIGRATIONS.len();
    let schema = match state.blocking(|s| s.schema_version()).await {
        Ok(v) => Some(v),
        Err(e) => {
            e.log_storage();
            None
        }
    };
    let ready = schema == Some(expected);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready,
            schema,
            expected,
        }),
    )
}
