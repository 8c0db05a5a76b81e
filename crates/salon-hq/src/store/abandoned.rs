//! Reads nobody waits for any more stop. A page's store calls run on a blocking thread
//! (`AppState::blocking`); when the browser goes away, axum drops the request and the flag
//! given to [`watching`] is raised. Every reader connection checks the flag of the thread
//! running it every few thousand SQLite instructions and interrupts the statement once it is
//! raised, so a dashboard over a long history does not go on computing for no one while the
//! next page waits for a connection. The writer never checks it: a change, once begun,
//! commits or rolls back as a whole.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::Connection;

/// SQLite virtual-machine instructions between two looks at the flag (a few microseconds).
const STEPS_BETWEEN_LOOKS: i32 = 4_000;

thread_local! {
    static ABANDONED: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Makes `conn` (a reader) stop a statement run for a caller that has gone.
pub(super) fn stop_when_abandoned(conn: &Connection) {
    conn.progress_handler(STEPS_BETWEEN_LOOKS, Some(abandoned));
}

fn abandoned() -> bool {
    ABANDONED.with(|a| {
        a.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    })
}

/// Runs `f` on this thread with its reads stopped once `flag` is raised.
pub fn watching<T>(flag: Arc<AtomicBool>, f: impl FnOnce() -> T) -> T {
    struct Unset;
    impl Drop for Unset {
        fn drop(&mut self) {
            ABANDONED.with(|a| a.borrow_mut().take());
        }
    }
    ABANDONED.with(|a| *a.borrow_mut() = Some(flag));
    let _unset = Unset;
    f()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::{AppState, Store};

    /// A read that takes SQLite seconds: counting to `n` one row at a time.
    fn count_to(store: &Store, n: i64) -> (rusqlite::Result<i64>, Duration) {
        let started = Instant::now();
        let counted = store.read().query_row(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1)
             SELECT count(*) FROM c",
            [n],
            |r| r.get(0),
        );
        (counted, started.elapsed())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_stops_once_its_caller_has_gone_and_runs_on_while_it_waits() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Store::open(&dir.path().join("hq.db")).unwrap());
        let (counted, alone) = state
            .blocking(|s| Ok(count_to(s, 3_000_000)))
            .await
            .unwrap();
        assert_eq!(
            counted.unwrap(),
            3_000_000,
            "a caller that waits gets its answer"
        );

        // Ten times as long a count, its caller gone after 50 ms.
        let (tx, rx) = std::sync::mpsc::channel();
        let call = state.blocking(move |s| {
            tx.send(count_to(s, 30_000_000)).unwrap();
            Ok(())
        });
        assert!(tokio::time::timeout(Duration::from_millis(50), call)
            .await
            .is_err());
        let (counted, took) = rx.recv_timeout(Duration::from_secs(120)).unwrap();
        eprintln!("3,000,000 counted in {alone:?}; 30,000,000 stopped after {took:?}");
        assert!(counted.is_err(), "the read went on for no one: {counted:?}");
        assert!(
            took < alone,
            "stopped after {took:?}; 3,000,000 took {alone:?}"
        );
    }
}
