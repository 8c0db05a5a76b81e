//! The HTTP surface of the headquarters (事務局) server of Career Salon: [`router`].
//!
//! Devices enrol with a one-time code and then upload counts (never anything about a person,
//! see `salon-protocol`) through the device API (`api`); headquarters staff see the project's
//! figures against its targets in a server-rendered admin web in Japanese (`admin`); students
//! answer anonymous surveys on public forms. The database is `salon-hq-store`; the `salon-hq`
//! binary serves this router and administers the database.
//!
//! Guessing is slowed down: each failed login of an account doubles the wait before its next
//! try, up to 15 minutes, from any address (`salon_hq_store::logins`, counted in the database; a browser
//! that logged in to the account before skips it), 20 failed logins from one client address
//! lock the address, and 10 refused enrolment codes from one address lock enrolment from it
//! (429, `too_many_attempts`; [`throttle`], in memory). Nothing names anyone in the log.
//! Addresses come from the connection (`into_make_service_with_connect_info::<SocketAddr>`);
//! `X-Forwarded-For` is believed only from a proxy named with `--trusted-proxy`.
//!
//! The admin session cookie is always `Secure` and `__Host-` (browsers keep Secure cookies for
//! http://127.0.0.1 and http://localhost, so local use works without TLS); the login form
//! carries a CSRF token tied to a cookie of its own.

mod admin;
mod api;
mod device_request;
mod health;
mod html;
mod peer;
pub mod refusal;
mod relay;
mod state;
pub mod survey_results;
pub mod throttle;
mod updates;

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

pub use throttle::Throttle;

pub use admin::messages::message_ja;
pub use state::{Clock, LogSink, ServerState};

/// The whole server: the device API under `/api/v1`, the app's updates under `/api/updates`,
/// `/healthz` and `/readyz`, the admin web everywhere else.
pub fn router(state: ServerState) -> Router {
    Router::new()
        .nest("/api/v1", api::router())
        .nest(salon_protocol::updates::UPDATES_PATH, updates::router())
        .merge(health::router())
        .merge(admin::router())
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// One event per request: method, route (the pattern, so `/s/{token}` and never a survey
/// link's token; "(no route)" for a path that matched none), status, duration. Never a body,
/// a query, a header value, a token, a code or a cookie.
async fn log_request(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".to_owned());
    let started = Instant::now();
    let res = next.run(req).await;
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    state.log.request(&method, &path, res.status().as_u16(), ms);
    res
}
