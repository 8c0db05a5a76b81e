//! The headquarters (事務局) server of Career Salon.
//!
//! Devices enrol with a one-time code and then upload counts (never anything about a person,
//! see `salon-protocol`); headquarters staff see the project's figures against its targets in
//! a server-rendered dashboard in Japanese. [`router`] is the whole HTTP surface; the
//! `salon-hq` binary serves it and administers the database.
//!
//! Guessing is slowed down: each failed login of an account doubles the wait before its next
//! try, up to 15 minutes, from any address (`store::logins`, counted in the database; a browser
//! that logged in to the account before skips it), 20 failed logins from one client address
//! lock the address, and 10 refused enrolment codes from one address lock enrolment from it
//! (429, `too_many_attempts`; [`throttle`], in memory). Nothing names anyone in the log.
//! Addresses come from the connection (`into_make_service_with_connect_info::<SocketAddr>`);
//! `X-Forwarded-For` is believed only from a proxy named with `--trusted-proxy`.
//!
//! The admin session cookie is always `Secure` and `__Host-` (browsers keep Secure cookies for
//! http://127.0.0.1 and http://localhost, so local use works without TLS); the login form
//! carries a CSRF token tied to a cookie of its own.

mod api;
pub mod error;
pub mod figures;
mod health;
mod html;
pub mod noisy;
pub mod path_estimates;
pub mod secret;
pub mod sensitive_estimates;
pub mod store;
pub mod survey_results;
pub mod throttle;
pub mod tokyo;
mod web;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use chrono::{DateTime, Duration, Utc};

pub use error::HqError;
pub use store::Store;
pub use throttle::Throttle;

/// Where the request log goes: `tracing` (which the binary writes to stderr as text or JSON
/// lines), or memory (for tests that read it back, one line per request).
#[derive(Debug, Clone)]
pub enum LogSink {
    Tracing,
    Memory(Arc<Mutex<Vec<String>>>),
}

impl LogSink {
    /// One request, by what can be said of it: its method, the route's pattern, the status and
    /// how long it took. Nothing else can reach the log through here.
    pub fn request(&self, method: &axum::http::Method, route: &str, status: u16, ms: u64) {
        match self {
            LogSink::Tracing => tracing::info!(
                target: "salon_hq::request",
                method = %method,
                route,
                status,
                ms,
                "request"
            ),
            LogSink::Memory(lines) => lines
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(format!("{method} {route} {status} {ms}ms")),
        }
    }
}

/// The time the handlers go by: the system's, or one a test sets and moves.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// A clock that stands at `at` until moved.
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Manual(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a manual clock on by `by`; the system clock cannot be moved (nothing happens).
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(t) = self {
            *t.lock().unwrap_or_else(|p| p.into_inner()) += by;
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub log: LogSink,
    /// Failed logins and enrolments, for brute-force protection.
    pub throttle: Arc<Throttle>,
    pub clock: Clock,
    /// The address people open headquarters at, without a trailing slash (`--public-url`):
    /// every link the server prints or puts in a QR code starts with it.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); from any
    /// other peer the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store: Arc::new(store),
            log: LogSink::Tracing,
            throttle: Arc::default(),
            clock: Clock::System,
            public_url: "http://127.0.0.1:8700".to_owned(),
            trusted_proxies: Vec::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs a store call off the async threads. Dropped before it ends (its client gone), the
    /// call's reads stop (`store::watching`).
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, HqError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, HqError> + Send + 'static,
    {
        /// Raises the flag when dropped while still armed: the call's future went away.
        struct RaiseOnDrop(Option<Arc<AtomicBool>>);
        impl Drop for RaiseOnDrop {
            fn drop(&mut self) {
                if let Some(flag) = self.0.take() {
                    flag.store(true, Ordering::Relaxed);
                }
            }
        }
        let store = self.store.clone();
        let flag = Arc::new(AtomicBool::new(false));
        let mut raise = RaiseOnDrop(Some(flag.clone()));
        let answer = tokio::task::spawn_blocking(move || store::watching(flag, || f(&store)))
            .await
            .map_err(|_| HqError::Internal("task"));
        // Finished: nothing left to stop.
        raise.0 = None;
        answer?
    }
}

/// The client's address, when the server was built with
/// `into_make_service_with_connect_info::<SocketAddr>` (otherwise none): the peer, or for a
/// proxy named with `--trusted-proxy` the address it appended last to `X-Forwarded-For`.
pub(crate) struct Peer(pub Option<IpAddr>);

/// Whether the warning about a forwarded header from an unnamed peer was written already.
static UNTRUSTED_FORWARD_WARNED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl FromRequestParts<AppState> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        // A proxy that appends its own header line puts the address it saw last.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok());
        // A proxy on 127.0.0.1 reaches a dual-stack listener as ::ffff:127.0.0.1.
        let trusted = peer.is_some_and(|p| {
            state
                .trusted_proxies
                .iter()
                .any(|t| t.to_canonical() == p.to_canonical())
        });
        if forwarded.is_some()
            && peer.is_some()
            && !trusted
            && !UNTRUSTED_FORWARD_WARNED.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::warn!(
                "X-Forwarded-For を送ってきた接続元は --trusted-proxy に指定されていないため、その値を使いません。リバースプロキシを使っているなら、そのアドレスを --trusted-proxy に指定してください"
            );
        }
        Ok(Peer(client_address(peer, forwarded, trusted)))
    }
}

/// The peer, or for a trusted proxy the last address in `X-Forwarded-For`: the one the proxy
/// itself appended, which a client cannot forge.
fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: bool,
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted {
        return Some(peer);
    }
    forwarded_for
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .or(Some(peer))
}

/// The whole server: the device API under `/api/v1`, `/healthz` and `/readyz`, the admin web
/// everywhere else.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::router())
        .merge(health::router())
        .merge(web::router())
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// One event per request: method, route (the pattern, so `/s/{token}` and never a survey
/// link's token; "(no route)" for a path that matched none), status, duration. Never a body,
/// a query, a header value, a token, a code or a cookie.
async fn log_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
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

#[cfg(test)]
mod peer_tests {
    use super::*;

    #[test]
    fn only_a_named_proxy_is_believed() {
        let outside: IpAddr = "203.0.113.7".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let client: IpAddr = "198.51.100.20".parse().unwrap();
        // Any peer not named, loopback included (any local process), gains nothing.
        assert_eq!(
            client_address(Some(outside), Some("10.0.0.1"), false),
            Some(outside)
        );
        assert_eq!(
            client_address(Some(local), Some("198.51.100.20"), false),
            Some(local)
        );
        // Through the named proxy: the address it appended last.
        assert_eq!(
            client_address(Some(local), Some("10.9.9.9, 198.51.100.20"), true),
            Some(client)
        );
        assert_eq!(
            client_address(Some(local), Some("not an address"), true),
            Some(local)
        );
        assert_eq!(client_address(Some(local), None, true), Some(local));
        assert_eq!(client_address(None, Some("198.51.100.20"), true), None);
    }
}
