//! Reads nobody waits for any more stop. A page's store calls run on a blocking thread
//! (`ServerState::blocking`); when the browser goes away, axum drops the request and the flag
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
    conn.progress_handler(STEPS_BETWEEN_LOOKS, Some(caller_gone));
}

/// Whether the caller of the store call running on this thread has gone (always false outside
/// [`watching`]): what the readers' progress handler asks, and work between statements too.
pub fn caller_gone() -> bool {
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
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::watching;
    use crate::database::HqStore;

    /// A read that takes SQLite seconds: counting to `n` one row at a time.
    fn count_to(store: &HqStore, n: i64) -> (rusqlite::Result<i64>, Duration) {
        let started = Instant::now();
        let counted = store.read().query_row(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1)
             SELECT count(*) FROM c",
            [n],
            |r| r.get(0),
        );
        (counted, started.elapsed())
    }

    #[test]
    fn a_read_stops_once_its_flag_is_raised_and_runs_on_while_it_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
        let calm = Arc::new(AtomicBool::new(false));
        let (counted, alone) = watching(calm, || count_to(&store, 3_000_000));
        assert_eq!(counted.unwrap(), 3_000_000, "a read nobody stops ends");

        // Ten times as long a count, its flag raised after 50 ms.
        let flag = Arc::new(AtomicBool::new(false));
        let raise = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            raise.store(true, Ordering::Relaxed);
        });
        let (counted, took) = watching(flag, || count_to(&store, 30_000_000));
        eprintln!("3,000,000 counted in {alone:?}; 30,000,000 stopped after {took:?}");
        assert!(counted.is_err(), "the read went on for no one: {counted:?}");
        // Unstopped, it would take ten times `alone`; the margin is for a flag raised late on
        // a busy machine.
        assert!(
            took < alone * 5,
            "stopped after {took:?}; 3,000,000 took {alone:?}"
        );
        assert!(!super::caller_gone(), "the flag is this call's alone");
    }
}
