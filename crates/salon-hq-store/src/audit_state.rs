//! The audit chain's part of an open `HqStore` (see `audit_chain.rs` for the design): the key,
//! the head file, the guard around the writing connection that brings the head file up to
//! date once a transaction that wrote a line is over, and the checks the log page, the
//! daily log and `salon-hq audit verify` run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::audit::{self, Actor, AuditAction};
use super::audit_chain::{self, AuditHead, AuditKey, Mac};
use super::audit_check::{self, AuditCheck, AuditProblem};
use super::audit_files::{self, Recorded};
use super::audit_tally::Tally;
use crate::error::{HqError, Result};

#[derive(Debug)]
pub(crate) struct AuditState {
    pub(crate) key: AuditKey,
    pub(crate) head_path: PathBuf,
    /// The lines the writing connection committed: the head file is due, over them all.
    pub(crate) tally: Arc<Tally>,
    /// The key was made by this open (a new database, or one from before the chain).
    key_is_new: bool,
}

impl AuditState {
    /// Before migrating: the key beside `db`, made now unless some line already has a MAC (a
    /// new key would make every line false: the old one must be put back instead).
    /// A database from before the chain with a head file beside it is refused: the head file
    /// is written only once the chain is there, so the database was set back to look older,
    /// and migrating it would chain whatever it now holds under this key.
    pub(crate) fn open(db: &Path, writer: &Connection) -> Result<AuditState> {
        let version = crate::rows::user_version(writer)?;
        let head_path = audit_files::head_path(db);
        if version < crate::migrations::chain_version() && head_path.exists() {
            return Err(HqError::AuditTampered(format!(
                "このデータベースは操作記録に鎖が付く前の版（版 {version}）ですが、鎖の付いた操作記録の控え {} が隣にあります。鎖の付いたデータベースが、前の版に見せかけて置かれています。開くと、書き換えられていても今の行に本物の鍵で鎖が付くため、開きません。鎖の付く前のバックアップを戻すときは salon-hq restore --accept-unchained-backup を使ってください。",
                head_path.display()
            )));
        }
        let key_path = audit_files::key_path(db);
        let (key, key_is_new) = match audit_files::read_key(&key_path)? {
            Some(key) => (key, false),
            None if audit_chain::has_macs(writer)? => return Err(HqError::AuditKey(key_path)),
            None => (audit_files::create_key(&key_path)?, true),
        };
        let tally = Arc::new(Tally::default());
        let tallied = tally.clone();
        audit_chain::register(writer, &key, move |mac| tallied.made(mac))?;
        Ok(AuditState {
            key,
            head_path,
            tally,
            key_is_new,
        })
    }

    /// After migrating: a head file for a log that has nothing to lose yet (empty, or chained
    /// by this open). A head file missing from a log with lines is left for the checks to
    /// report and for `advance` to write. From here on, the lines committed are counted.
    pub(crate) fn settle(&self, writer: &Connection) -> Result<()> {
        self.tally.forget();
        self.tally.install(writer);
        if read(&self.head_path, &self.key) != Recorded::Missing {
            return Ok(());
        }
        let empty = audit_chain::last_line(writer)?.is_none();
        if empty || self.key_is_new {
            if let Some(head) = audit_chain::extend(writer, &self.key, &AuditHead::EMPTY)? {
                self.write_head(&head)?;
            }
        }
        Ok(())
    }

    /// Moves the head file forward to the end of the log, if the log still holds the end it
    /// records and chains on from it; otherwise keeps it (the evidence) and says so in the log.
    /// Every line committed since it last moved must be among the lines it moves over (others
    /// may be there too: the command line writes from a process of its own); a line missing
    /// is written into the chain before it moves.
    pub(crate) fn advance(&self, writer: &Connection) -> Result<()> {
        let written = self.tally.take_committed();
        let moved = self.advance_over(writer, &written);
        if moved.is_err() {
            self.tally.put_back(written);
        } else {
            // This call's own line, if any, is under the head file already.
            self.tally.forget();
        }
        moved
    }

    fn advance_over(&self, writer: &Connection, written: &[Mac]) -> Result<()> {
        match read(&self.head_path, &self.key) {
            Recorded::Head(head) => match audit_chain::extend(writer, &self.key, &head)? {
                Some(found) => {
                    let missing = missing(writer, written)?;
                    if missing == 0 {
                        if found != head {
                            self.write_head(&found)?;
                        }
                        return Ok(());
                    }
                    tracing::error!(
                        target: "salon_hq::audit",
                        missing,
                        "audit lines this server committed are gone from the log"
                    );
                    self.record(
                        writer,
                        AuditAction::LinesMissing,
                        &format!("書いた操作記録 {missing} 行が、書いた直後に見つかりませんでした"),
                    )?;
                    match audit_chain::extend(writer, &self.key, &head)? {
                        Some(new) => self.write_head(&new)?,
                        None => tracing::error!(
                            target: "salon_hq::audit",
                            "the chain stopped holding while a missing line was recorded; the head file is kept"
                        ),
                    }
                }
                None => tracing::error!(
                    target: "salon_hq::audit",
                    lines = head.lines,
                    last_id = head.last_id,
                    "the audit log no longer holds the end its head file records; the head file is kept"
                ),
            },
            Recorded::Missing => match audit_chain::extend(writer, &self.key, &AuditHead::EMPTY)? {
                Some(found) if found.lines > 0 => {
                    tracing::error!(
                        target: "salon_hq::audit",
                        lines = found.lines,
                        "the audit head file was missing; written anew from the database"
                    );
                    // Said in the chain itself, not only in this process: the log page and
                    // audit verify tell it for as long as the log is kept. Until the line is
                    // written, the head file is not (a check goes on reporting it missing).
                    self.record(
                        writer,
                        AuditAction::HeadRebuilt,
                        &format!(
                            "操作記録の末尾の記録（head ファイル）がなかったため作り直しました（そのとき {} 行）",
                            found.lines
                        ),
                    )?;
                    match audit_chain::extend(writer, &self.key, &AuditHead::EMPTY)? {
                        Some(new) => self.write_head(&new)?,
                        None => tracing::error!(
                            target: "salon_hq::audit",
                            "the chain stopped holding while the head file was made anew; not written"
                        ),
                    }
                }
                Some(empty) => self.write_head(&empty)?,
                None => tracing::error!(
                    target: "salon_hq::audit",
                    "the audit head file is missing and the chain does not hold; not written"
                ),
            },
            Recorded::Forged => tracing::error!(
                target: "salon_hq::audit",
                "the audit head file is not signed with the audit key; it is kept"
            ),
        }
        Ok(())
    }

    /// A line of the server's own about the chain, in a transaction of its own (the guard
    /// runs once the caller's is over). Its time is the clock's: no caller's time reaches here.
    fn record(&self, writer: &Connection, action: AuditAction, detail: &str) -> Result<()> {
        let tx = Transaction::new_unchecked(writer, TransactionBehavior::Immediate)?;
        audit::record(
            &tx,
            &Actor::server(),
            crate::rows::server_now(),
            action,
            detail,
        )?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn write_head(&self, head: &AuditHead) -> Result<()> {
        audit_files::write_head(&self.head_path, &self.key, head)
            .map_err(|_| HqError::AuditKey(self.head_path.clone()))
    }
}

fn read(path: &Path, key: &AuditKey) -> Recorded {
    audit_files::read_head(path, key)
}

/// The whole log on the connection `conn` gives, against the head file at `head_path` and
/// `expected` (a count and last MAC from the server log) when given.
pub(crate) fn check_against_head<C: std::ops::Deref<Target = Connection>>(
    conn: impl FnOnce() -> C,
    key: &AuditKey,
    head_path: &Path,
    expected: Option<(u64, Vec<u8>)>,
) -> Result<AuditCheck> {
    // The head file first: it is written after its lines are committed, so the database
    // read next holds at least what it records.
    let recorded = read(head_path, key);
    let mut wanted = Vec::new();
    if let Recorded::Head(h) = &recorded {
        wanted.push((h.lines, h.mac.to_vec()));
    }
    wanted.extend(expected);
    let mut check = audit_check::check(&conn(), key, &wanted)?;
    // Once the server writes it anew, its line says so (`AuditNotice`).
    if matches!(recorded, Recorded::Missing) && check.lines > 0 {
        check.problems.push(AuditProblem::HeadMissing);
    }
    if recorded == Recorded::Forged {
        check.problems.push(AuditProblem::HeadForged);
    }
    Ok(check)
}

/// How many of `written` no line of the log carries. The whole log, not only past the head
/// file: another salon-hq process (the command line) may have moved it over them already. A
/// MAC covers its line's id and the line before, so it is found only where it was written.
fn missing(conn: &Connection, written: &[Mac]) -> Result<usize> {
    let mut held = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM audit_log WHERE mac = ?1)")?;
    let mut missing = 0;
    for mac in written {
        if !held.query_row([&mac[..]], |r| r.get::<_, bool>(0))? {
            missing += 1;
        }
    }
    Ok(missing)
}

/// The writing connection, held. Once it is let go after a transaction that wrote a line,
/// the head file is brought up to date from what was committed.
pub(crate) struct Writer<'a> {
    pub(crate) conn: MutexGuard<'a, Connection>,
    pub(crate) audit: &'a AuditState,
}

impl std::ops::Deref for Writer<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        // With a transaction still open (begun by hand), its end is not known here: the lines
        // stay counted until the next time.
        if !self.audit.tally.any_committed() || !self.conn.is_autocommit() {
            return;
        }
        if let Err(e) = self.audit.advance(&self.conn) {
            tracing::error!(target: "salon_hq::audit", error = %e, "the audit head file was not written");
        }
    }
}
