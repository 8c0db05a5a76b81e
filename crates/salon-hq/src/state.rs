//! What every handler shares (AppState: the store, the request log, the throttle, the clock,
//! the public address and the trusted proxies), and the clock and log it is built from.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::store::{self, Store};
use crate::{HqError, Throttle};

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
