//! The headquarters (事務局) server of Career Salon.
//!
//! Devices enrol with a one-time code and then upload counts (never anything about a person,
//! see `salon-protocol`); headquarters staff see the project's figures against its targets in
//! a server-rendered dashboard in Japanese. [`router`] is the whole HTTP surface; the
//! `salon-hq` binary serves it and administers the database.

mod api;
pub mod error;
pub mod figures;
mod html;
pub mod secret;
pub mod store;
mod web;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

pub use error::HqError;
pub use store::Store;

/// Where the one-line request log goes: stderr, or memory (for tests that read it back).
#[derive(Debug, Clone)]
pub enum LogSink {
    Stderr,
    Memory(Arc<Mutex<Vec<String>>>),
}

impl LogSink {
    pub fn line(&self, line: String) {
        match self {
            LogSink::Stderr => eprintln!("{line}"),
            LogSink::Memory(lines) => lines.lock().unwrap_or_else(|p| p.into_inner()).push(line),
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub log: LogSink,
    /// Whether the session cookie carries `Secure` (set it when served behind HTTPS).
    pub secure_cookie: bool,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store: Arc::new(store),
            log: LogSink::Stderr,
            secure_cookie: false,
        }
    }

    /// Runs a store call off the async threads.
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, HqError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, HqError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|_| HqError::Internal("task"))?
    }
}

/// The whole server: the device API under `/api/v1`, the admin web everywhere else.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::router())
        .merge(web::router())
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// One line per request: method, path (without the query), status, duration. Never a body, a
/// header value, a token, a code or a cookie.
async fn log_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    state.log.line(format!(
        "{method} {path} {} {}ms",
        res.status().as_u16(),
        started.elapsed().as_millis()
    ));
    res
}
