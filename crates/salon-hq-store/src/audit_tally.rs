//! Which audit lines the writing connection committed, as SQLite's commit and rollback hooks
//! see its transactions end, so that the head file moves forward only over a log that holds
//! every one of them (`AuditState::advance`).
//!
//! Why: a line can go after `record` has read it back (a statement later in the same
//! transaction, through a trigger planted while the server runs, or another process between
//! the commit and the head file), and the chain then still holds from the line before. Only
//! the writer knows which lines it committed; a transaction rolled back took its lines with
//! it, and they must not count.

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use super::audit_chain::Mac;

/// The MACs of the lines made and committed on one connection. `record` is never called in
/// a savepoint that may roll back alone: SQLite tells no hook of that, and its line would
/// count as committed.
#[derive(Debug, Default)]
pub(crate) struct Tally(Mutex<Counts>);

#[derive(Debug, Default)]
struct Counts {
    /// Made in the transaction still open.
    open: Vec<Mac>,
    /// Committed since the head file last moved.
    committed: Vec<Mac>,
    /// How many of `committed` the last commit added, until a MAC made since shows that
    /// commit over. A rollback straight after a commit hook is that commit failing (a full
    /// disk when the commit writes), which took its lines with it.
    last_commit: usize,
}

impl Tally {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `salon_audit_mac` made `mac`.
    pub(crate) fn made(&self, mac: Mac) {
        let mut c = self.counts();
        c.open.push(mac);
        c.last_commit = 0;
    }

    /// Counts from now on what `conn` commits. Installed after the migrations, whose own
    /// lines the head file is written over at open (`forget`).
    pub(crate) fn install(self: &Arc<Tally>, conn: &Connection) {
        let tally = self.clone();
        conn.commit_hook(Some(move || {
            let mut c = tally.counts();
            let open = std::mem::take(&mut c.open);
            c.last_commit = open.len();
            c.committed.extend(open);
            false
        }));
        let tally = self.clone();
        conn.rollback_hook(Some(move || {
            let mut c = tally.counts();
            c.open.clear();
            let keep = c.committed.len() - c.last_commit;
            c.committed.truncate(keep);
            c.last_commit = 0;
        }));
    }

    pub(crate) fn any_committed(&self) -> bool {
        !self.counts().committed.is_empty()
    }

    /// The lines committed since the last call, counted no more.
    pub(crate) fn take_committed(&self) -> Vec<Mac> {
        let mut c = self.counts();
        c.last_commit = 0;
        std::mem::take(&mut c.committed)
    }

    /// Puts back lines taken but not yet checked (the check could not be written down).
    pub(crate) fn put_back(&self, macs: Vec<Mac>) {
        let mut c = self.counts();
        c.committed.splice(0..0, macs);
    }

    /// Nothing counted: what was made so far is covered by the head file.
    pub(crate) fn forget(&self) {
        *self.counts() = Counts::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn_with(tally: &Arc<Tally>) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        tally.install(&conn);
        conn
    }

    #[test]
    fn only_lines_of_committed_transactions_count() {
        let tally = Arc::new(Tally::default());
        let mut conn = conn_with(&tally);
        let tx = conn.transaction().unwrap();
        tally.made([1; 32]);
        tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        tx.commit().unwrap();
        let tx = conn.transaction().unwrap();
        tally.made([2; 32]);
        tx.execute("INSERT INTO t VALUES (2)", []).unwrap();
        drop(tx);
        assert_eq!(tally.take_committed(), vec![[1; 32]]);
        assert!(!tally.any_committed());
    }

    #[test]
    fn a_rollback_straight_after_a_commit_takes_that_commits_lines() {
        let tally = Arc::new(Tally::default());
        let conn = conn_with(&tally);
        tally.made([1; 32]);
        conn.execute_batch("BEGIN; INSERT INTO t VALUES (1); COMMIT;")
            .unwrap();
        tally.made([2; 32]);
        conn.execute_batch("BEGIN; INSERT INTO t VALUES (2); COMMIT;")
            .unwrap();
        // As SQLite calls the hooks when the commit's write fails.
        conn.execute_batch("BEGIN; INSERT INTO t VALUES (3); ROLLBACK;")
            .unwrap();
        assert_eq!(tally.take_committed(), vec![[1; 32]]);
    }
}
