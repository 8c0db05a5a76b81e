//! What every handler shares (ServerState: the store, the request log, the throttle, the clock,
//! the public address and the trusted proxies), and the clock and log it is built from.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use salon_hq_store::HqError;
use salon_hq_store::HqStore;

use crate::throttle::Throttle;

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
pub struct ServerState {
    pub store: Arc<HqStore>,
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

impl ServerState {
    pub fn new(store: HqStore) -> ServerState {
        ServerState {
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
    /// call's reads stop (`salon_hq_store::watching`).
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, HqError>
    where
        T: Send + 'static,
        F: FnOnce(&HqStore) -> Result<T, HqError> + Send + 'static,
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
        let answer =
            tokio::task::spawn_blocking(move || salon_hq_store::watching(flag, || f(&store)))
                .await
                .map_err(|_| HqError::Internal("task"));
        // Finished: nothing left to stop.
        raise.0 = None;
        answer?
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_whose_caller_has_gone_is_told_so_and_one_awaited_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let state = ServerState::new(HqStore::open(&dir.path().join("hq.db")).unwrap());
        let awaited = state
            .blocking(|_| Ok(salon_hq_store::caller_gone()))
            .await
            .unwrap();
        assert!(!awaited, "a caller that waits is there");

        // The caller gives up after 50 ms; the call notices within its 10 s.
        let (tx, rx) = std::sync::mpsc::channel();
        let call = state.blocking(move |_| {
            let started = Instant::now();
            while !salon_hq_store::caller_gone() && started.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(5));
            }
            tx.send(started.elapsed()).unwrap();
            Ok(())
        });
        assert!(tokio::time::timeout(Duration::from_millis(50), call)
            .await
            .is_err());
        let noticed = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert!(
            noticed < Duration::from_secs(2),
            "noticed after {noticed:?}"
        );
    }
}
