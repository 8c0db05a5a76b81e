//! The `salon-hq` binary's copies of its database: `backup --to FILE` while the server runs
//! (SQLite's online backup in one step, so the copy is the database at one moment, uploads and
//! all), `restore --from FILE` while it is stopped, and the lock that tells the two apart.
//!
//! The 操作記録's key travels with the copy as `FILE.audit-key` (0600): the log's MACs can be
//! checked only with it. The head file does not: a restore writes it anew from the restored
//! log, whose end is the backup's. A backup with no chain is not put over a chained log
//! unless the operator says so (`restore`).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use salon_hq_store::audit_chain::has_macs;
use salon_hq_store::audit_files::{copy_key, head_path, key_path, read_key};
use salon_hq_store::{planted, MIGRATIONS};

/// What a copy holds, for the operator's console.
#[derive(Debug)]
pub struct Copied {
    pub bytes: u64,
    pub schema: usize,
}

/// Held by `serve` for as long as it runs: a second server on the same database, or a restore
/// under a running one, is refused.
pub fn serve_lock(db: &Path) -> anyhow::Result<File> {
    let path = sibling(db, ".lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("ロックファイル {} を作成できません", path.display()))?;
    if lock.try_lock().is_err() {
        bail!(
            "このデータベース（{}）は別の salon-hq が使っています。止めてからやり直してください",
            db.display()
        );
    }
    Ok(lock)
}

/// Copies the database at `db` to `to` while the server may be writing, and the audit key
/// beside it to `to` + `.audit-key`. The copy appears whole or not at all (written beside
/// `to`, synced, then renamed).
pub fn backup(db: &Path, to: &Path) -> anyhow::Result<Copied> {
    if !db.exists() {
        bail!("データベース {} がありません", db.display());
    }
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("データベース {} を開けません", db.display()))?;
    let copied = copy_whole(&source, to)?;
    let key = key_path(db);
    if key.exists() {
        copy_key(&key, &key_path(to))
            .with_context(|| format!("操作記録の鍵を {} に写せません", key_path(to).display()))?;
    } else if has_macs(&source)? {
        bail!(
            "操作記録の鍵 {} がありません。鍵のないバックアップでは操作記録を確かめられません",
            key.display()
        );
    }
    Ok(copied)
}

/// Puts the backup `from` in place of the database at `db`. The server must be stopped. What
/// was there is kept beside it first (`….before-restore-<time>`, with its audit key), so a
/// wrong file loses nothing.
///
/// A backup without an audit key whose log has no MAC (one from before the chain, or a copy
/// set back to look so, or emptied) has its lines chained at the next open: the chain vouches
/// for them only from then on, edited lines too. Over a log that is chained (its key or head
/// file is here), it is put back only when `accept_unchained` says the operator means it; its
/// lines are then chained under a new key, never the key of the log it replaces, and the
/// line the chaining writes stays in the log.
pub fn restore(from: &Path, db: &Path, accept_unchained: bool) -> anyhow::Result<Copied> {
    let _lock = serve_lock(db)?;
    let backup = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("{} を開けません", from.display()))?;
    let schema = check_backup(&backup).with_context(|| {
        format!(
            "{} は事務局サーバーのバックアップではありません",
            from.display()
        )
    })?;
    if schema > MIGRATIONS.len() {
        bail!(
            "{} はこの salon-hq より新しい版のバックアップです（版 {schema}）。salon-hq を更新してください",
            from.display()
        );
    }
    // The backup's key, checked before anything is written. A backup from before the chain has
    // none and needs none: its lines are chained at the next open.
    let backup_key = key_path(from);
    let with_key = match read_key(&backup_key) {
        Ok(Some(_)) => true,
        Ok(None) if !has_macs(&backup)? => false,
        _ => bail!(
            "操作記録の鍵 {} がないか読めません。バックアップと一緒に作られた鍵をその名前で置いてください",
            backup_key.display()
        ),
    };
    let chained_here = key_path(db).exists() || head_path(db).exists();
    if !with_key && chained_here && !accept_unchained {
        bail!(
            "{} には、操作記録の鎖（MAC）もその鍵もありません。このサーバーの操作記録には鎖が付いています。\
             鎖のないバックアップの操作記録は、戻した後にサーバーが開いたときに初めて鎖が付くので、それまでに書き換えられていても分かりません\
             （鎖の付く前の版に見せかけたコピーで、書き換えた記録を通すこともできます）。\
             鎖の付く前の版の salon-hq で作ったバックアップだと確かめたうえで戻すときは、--accept-unchained-backup を付けてください。\
             その操作記録には新しい鍵で鎖が付き、そのことが操作記録の 1 行として残ります",
            from.display()
        );
    }
    let stamp = salon_hq_web::Clock::System.now().format("%Y%m%d-%H%M%S");
    let aside = sibling(db, &format!(".before-restore-{stamp}"));
    if db.exists() {
        let current = Connection::open(db)
            .with_context(|| format!("データベース {} を開けません", db.display()))?;
        copy_whole(&current, &aside)?;
        eprintln!("それまでのデータベースを {} に残しました", aside.display());
    }
    if key_path(db).exists() {
        copy_key(&key_path(db), &key_path(&aside))?;
        eprintln!(
            "それまでの操作記録の鍵を {} に残しました",
            key_path(&aside).display()
        );
    }
    // A write-ahead log left by the database being replaced must not be read into the new one.
    for suffix in ["-wal", "-shm"] {
        let stale = sibling(db, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale)
                .with_context(|| format!("{} を消せません", stale.display()))?;
        }
    }
    let copied = copy_whole(&backup, db)?;
    if with_key {
        copy_key(&backup_key, &key_path(db))?;
    } else {
        // The key made that log's MACs, not this one's: lines chained under it here would be
        // vouched for by the log being replaced. The next open makes a new one.
        remove_if_there(&key_path(db))?;
    }
    // It recorded the end of the database just replaced.
    remove_if_there(&head_path(db))?;
    Ok(copied)
}

fn remove_if_there(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("{} を消せません", path.display()))
        }
        _ => Ok(()),
    }
}

/// The schema version of a database that passes SQLite's integrity check and has
/// headquarters' tables; an error otherwise.
fn check_backup(conn: &Connection) -> anyhow::Result<usize> {
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        bail!("壊れています（{verdict}）");
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
         AND name IN ('campuses', 'devices', 'day_snapshots', 'uploads')",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || tables != 4 {
        bail!("事務局サーバーの表がありません");
    }
    // Refused before it replaces anything: the server would not open it.
    if let Some(p) = planted(conn)? {
        bail!("{}", p.refused_ja());
    }
    Ok(usize::try_from(version)?)
}

/// `source` whole into `to`, through a file beside it that is synced and renamed.
fn copy_whole(source: &Connection, to: &Path) -> anyhow::Result<Copied> {
    let partial = sibling(to, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let mut dest = Connection::open(&partial)
            .with_context(|| format!("{} に書けません", partial.display()))?;
        {
            let backup = Backup::new(source, &mut dest)?;
            // All pages in one step: one read transaction, one moment of the database.
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => continue,
                    StepResult::Busy | StepResult::Locked => {
                        std::thread::sleep(std::time::Duration::from_millis(50))
                    }
                    _ => bail!("SQLite のバックアップが予期しない状態で止まりました"),
                }
            }
        }
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        let schema: i64 = dest.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        dest.close().map_err(|(_, e)| e)?;
        File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, to).with_context(|| format!("{} に書けません", to.display()))?;
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        Ok(Copied {
            bytes: std::fs::metadata(to)?.len(),
            schema: usize::try_from(schema)?,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
