//! Backups and restores of the 操作記録, through the real `salon-hq` binary: a backup carries
//! the key and a restore puts it back; a backup holding a trigger is refused; a copy with no
//! chain (from before it, or set back to look so) is not put over a chained log unless the
//! operator says so, and then under a new key, with a line saying so.

mod audit_support;
mod server;

use std::path::Path;

use audit_support::*;
use rusqlite::Connection;
use server::hq;

#[test]
fn a_backup_carries_the_key_and_a_restore_puts_it_back() {
    let dir = six_lines();
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("hq-2025-03-01.db");
    let said = hq(dir.path(), &["backup", "--to", copy.to_str().unwrap()]);
    assert!(said.contains("hq-2025-03-01.db.audit-key"), "{said}");
    let key = copies.path().join("hq-2025-03-01.db.audit-key");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(
        std::fs::read(&key).unwrap(),
        std::fs::read(dir.path().join("hq.db.audit-key")).unwrap()
    );

    // On a new server: the key comes back with the database, and the log verifies.
    let elsewhere = tempfile::tempdir().unwrap();
    let said = hq(
        elsewhere.path(),
        &["restore", "--from", copy.to_str().unwrap()],
    );
    assert!(said.contains("記録されたときのままです（6 行"), "{said}");
    assert_eq!(
        std::fs::read(elsewhere.path().join("hq.db.audit-key")).unwrap(),
        std::fs::read(&key).unwrap()
    );
    assert_eq!(mode(&elsewhere.path().join("hq.db.audit-key")), 0o600);
    let (ok, said) = verify(elsewhere.path(), &[]);
    assert!(ok, "{said}");

    // Without its key, a chained backup is refused before anything is written.
    std::fs::remove_file(&key).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let said = server::refused(empty.path(), &["restore", "--from", copy.to_str().unwrap()]);
    assert!(said.contains("hq-2025-03-01.db.audit-key"), "{said}");
    assert!(!empty.path().join("hq.db").exists());
}

#[test]
fn a_backup_holding_a_trigger_is_refused_before_it_replaces_anything() {
    let dir = six_lines();
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("hq-planted.db");
    hq(dir.path(), &["backup", "--to", copy.to_str().unwrap()]);
    Connection::open(&copy)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER t AFTER INSERT ON audit_log WHEN NEW.action = 'admin_created'
               BEGIN DELETE FROM audit_log WHERE id = NEW.id; END;",
        )
        .unwrap();
    let before = std::fs::read(dir.path().join("hq.db")).unwrap();
    let said = server::refused(dir.path(), &["restore", "--from", copy.to_str().unwrap()]);
    assert!(said.contains("トリガー「t」"), "{said}");
    let after = std::fs::read(dir.path().join("hq.db")).unwrap();
    assert!(after == before, "a refused restore replaced the database");
    assert!(dir.path().join("hq.db.audit-head").exists());
}

#[test]
fn a_copy_set_back_before_the_chain_is_put_over_a_chained_log_only_when_the_operator_says_so() {
    let dir = six_lines();
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("hq-old.db");
    hq(dir.path(), &["backup", "--to", copy.to_str().unwrap()]);
    // The attacker's copy: set back to before the chain, a line edited, and no key (they do
    // not have it).
    set_back_before_the_chain(&copy);
    Connection::open(&copy)
        .unwrap()
        .execute(
            "UPDATE audit_log SET detail = 'C-100 別の名前' WHERE id = 3",
            [],
        )
        .unwrap();
    std::fs::remove_file(copies.path().join("hq-old.db.audit-key")).unwrap();
    let key = std::fs::read(dir.path().join("hq.db.audit-key")).unwrap();
    let head = std::fs::read(dir.path().join("hq.db.audit-head")).unwrap();
    let before = std::fs::read(dir.path().join("hq.db")).unwrap();

    let said = server::refused(dir.path(), &["restore", "--from", copy.to_str().unwrap()]);
    assert!(said.contains("--accept-unchained-backup"), "{said}");
    let after = std::fs::read(dir.path().join("hq.db")).unwrap();
    assert!(after == before, "a refused restore replaced the database");
    assert_eq!(
        std::fs::read(dir.path().join("hq.db.audit-key")).unwrap(),
        key
    );
    assert_eq!(
        std::fs::read(dir.path().join("hq.db.audit-head")).unwrap(),
        head
    );
    let (ok, said) = verify(dir.path(), &[]);
    assert!(ok, "{said}");

    // Said so: put back, chained under a new key, and the chaining stays in the log.
    let said = hq(
        dir.path(),
        &[
            "restore",
            "--from",
            copy.to_str().unwrap(),
            "--accept-unchained-backup",
        ],
    );
    assert!(
        said.contains("注意：7 行目（ID 7、")
            && said.contains("それまでの操作記録 6 行に鎖を付けました"),
        "{said}"
    );
    let new_key = std::fs::read(dir.path().join("hq.db.audit-key")).unwrap();
    assert!(
        new_key != key,
        "the replaced log's key vouches for the copy"
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("hq.db.before-restore-") && name.ends_with(".audit-key"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(dir.path().join(&kept[0])).unwrap(), key);
    let (ok, said) = verify(dir.path(), &[]);
    assert!(ok, "{said}");
    assert!(
        said.contains("それまでの操作記録 6 行に鎖を付けました"),
        "{said}"
    );
}

#[test]
fn a_backup_from_before_the_chain_restores_onto_a_new_server_as_it_is() {
    // 1.0's database, as its own backup: a server with no chain yet has nothing to protect.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/1.0/hq.db");
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("hq-1.0.db");
    std::fs::copy(&fixture, &copy).unwrap();
    let lines: i64 = Connection::open(&copy)
        .unwrap()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let said = hq(fresh.path(), &["restore", "--from", copy.to_str().unwrap()]);
    assert!(
        said.contains(&format!("それまでの操作記録 {lines} 行に鎖を付けました")),
        "{said}"
    );
    assert_eq!(mode(&fresh.path().join("hq.db.audit-key")), 0o600);
    let (ok, said) = verify(fresh.path(), &[]);
    assert!(ok, "{said}");
}
