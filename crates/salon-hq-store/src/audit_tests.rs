//! The audit chain against a real SQLite file: lines chain as they are recorded, the head file
//! follows and never moves back, and the key cannot be swapped under a chained log.

use chrono::Utc;
use rusqlite::Connection;
use salon_protocol::CampusCode;

use super::audit_chain::{head_message, line_fields, line_message, AuditHead, Line, GENESIS};
use super::audit_files::{self, Recorded};
use super::*;

fn store_with_campuses(n: usize) -> (tempfile::TempDir, HqStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    for i in 0..n {
        let code = CampusCode::parse(&format!("C-{:03}", 100 + i)).unwrap();
        store
            .add_campus(&Actor::cli(), &code, "キャンパス", Utc::now())
            .unwrap();
    }
    (dir, store)
}

fn recorded_head(dir: &tempfile::TempDir, store: &HqStore) -> Recorded {
    audit_files::read_head(
        &audit_files::head_path(&dir.path().join("hq.db")),
        &store.audit.key,
    )
}

fn raw(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("hq.db")).unwrap()
}

#[test]
fn lines_chain_as_recorded_and_the_head_file_follows_each_change() {
    let (dir, store) = store_with_campuses(5);
    let check = store.check_audit(None).unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.lines, 5);
    match recorded_head(&dir, &store) {
        Recorded::Head(h) => {
            assert_eq!((h.lines, h.last_id), (5, 5));
            assert_eq!(h.mac.to_vec(), check.head);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fields_cannot_trade_bytes() {
    let line = |actor: &str, detail: &str| Line {
        id: 1,
        at: 0,
        admin_id: None,
        actor: actor.into(),
        action: "campus_added".into(),
        detail: detail.into(),
    };
    assert_ne!(
        line_message(&[0; 32], &line("ab", "c")),
        line_message(&[0; 32], &line("a", "bc"))
    );
    let with_admin = Line {
        admin_id: Some(0),
        ..line("a", "b")
    };
    assert_ne!(
        line_message(&[0; 32], &with_admin),
        line_message(&[0; 32], &line("a", "b"))
    );
}

#[test]
fn a_tail_cut_and_written_past_leaves_the_head_file_where_it_was() {
    let (dir, store) = store_with_campuses(5);
    raw(&dir)
        .execute("DELETE FROM audit_log WHERE id > 2", [])
        .unwrap();
    // The server goes on recording: its line chains on from line 2, validly.
    let code = CampusCode::parse("C-900").unwrap();
    store
        .add_campus(&Actor::cli(), &code, "新キャンパス", Utc::now())
        .unwrap();
    match recorded_head(&dir, &store) {
        Recorded::Head(h) => assert_eq!(h.lines, 5, "the head file moved back"),
        other => panic!("{other:?}"),
    }
    let check = store.check_audit(None).unwrap();
    assert_eq!(check.lines, 3);
    assert_eq!(
        check.problems,
        vec![AuditProblem::TailMissing {
            missing: 2,
            expected: 5
        }]
    );
}

#[test]
fn a_chained_log_does_not_open_under_a_new_key() {
    let (dir, store) = store_with_campuses(2);
    drop(store);
    let db = dir.path().join("hq.db");
    std::fs::remove_file(audit_files::key_path(&db)).unwrap();
    assert!(matches!(HqStore::open(&db), Err(HqError::AuditKey(_))));
    assert!(!audit_files::key_path(&db).exists(), "no new key was made");
}

#[test]
fn no_trigger_planted_in_the_file_can_make_a_mac() {
    let (dir, store) = store_with_campuses(1);
    raw(&dir)
        .execute_batch(
            "CREATE TRIGGER forge AFTER INSERT ON audit_log BEGIN
               UPDATE audit_log SET mac = salon_audit_mac('forged') WHERE id = 1;
             END;",
        )
        .unwrap();
    let code = CampusCode::parse("C-901").unwrap();
    let refused = store
        .add_campus(&Actor::cli(), &code, "キャンパス", Utc::now())
        .unwrap_err();
    match refused {
        HqError::Storage(e) => assert!(e.to_string().contains("unsafe use"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.count_rows("audit_log").unwrap(), 1);
    let planted = AuditProblem::Planted(Planted {
        kind: "trigger".into(),
        name: "forge".into(),
    });
    assert_eq!(store.check_audit(None).unwrap().problems, vec![planted]);
}

/// Triggers that drop the line of one kind of change, each as it is written: the line deleted
/// after it is inserted, or its insert skipped.
const DROPPING: &[&str] = &[
    "CREATE TRIGGER t AFTER INSERT ON audit_log WHEN NEW.action = 'campus_added'
       BEGIN DELETE FROM audit_log WHERE id = NEW.id; END;",
    "CREATE TRIGGER t BEFORE INSERT ON audit_log WHEN NEW.action = 'campus_added'
       BEGIN SELECT RAISE(IGNORE); END;",
];

#[test]
fn a_database_holding_a_trigger_or_view_is_refused_at_open() {
    let views = ["CREATE VIEW t AS SELECT id, actor FROM audit_log;"];
    for plant in DROPPING.iter().chain(&views) {
        let (dir, store) = store_with_campuses(2);
        drop(store);
        raw(&dir).execute_batch(plant).unwrap();
        match HqStore::open(&dir.path().join("hq.db")) {
            Err(HqError::AuditTampered(said)) => assert!(said.contains("「t」"), "{said}"),
            other => panic!("{plant}: {other:?}"),
        }
    }
}

#[test]
fn a_trigger_planted_while_the_server_runs_cannot_drop_a_changes_line() {
    for plant in DROPPING {
        let (dir, store) = store_with_campuses(1);
        raw(&dir).execute_batch(plant).unwrap();
        let code = CampusCode::parse("C-901").unwrap();
        let refused = store
            .add_campus(&Actor::cli(), &code, "キャンパス", Utc::now())
            .unwrap_err();
        assert!(matches!(refused, HqError::AuditTampered(_)), "{refused:?}");
        assert_eq!(
            store.campuses().unwrap().len(),
            1,
            "{plant}: the campus was added without its line"
        );
        assert_eq!(store.count_rows("audit_log").unwrap(), 1);
        let check = store.check_audit(None).unwrap();
        assert!(
            matches!(&check.problems[..], [AuditProblem::Planted(p)] if p.name == "t"),
            "{check:?}"
        );
    }
}

#[test]
fn the_sql_function_makes_line_macs_and_never_a_head_signature() {
    let (_dir, store) = store_with_campuses(1);
    let key = store.audit.key.clone();
    let mac_of = |message: Vec<u8>| -> Vec<u8> {
        store
            .write()
            .query_row("SELECT salon_audit_mac(?1)", [message], |r| r.get(0))
            .unwrap()
    };
    // Asked to sign a head of 1,000 lines, it signs a line instead: a head file made from its
    // answer does not read back.
    let head = AuditHead {
        lines: 1000,
        last_id: 1000,
        mac: [9; 32],
    };
    assert_ne!(
        mac_of(head_message(&head)),
        key.head_signature(&head).to_vec()
    );
    let line = Line {
        id: 2,
        at: 0,
        admin_id: None,
        actor: "a".into(),
        action: "campus_added".into(),
        detail: "C-100 x".into(),
    };
    assert_eq!(
        mac_of(line_fields(&GENESIS, &line)),
        key.line_mac(&GENESIS, &line).to_vec()
    );
    assert_eq!(
        line_message(&GENESIS, &line)[..],
        [
            b"salon-hq audit line v1\0".as_slice(),
            &line_fields(&GENESIS, &line)
        ]
        .concat()[..]
    );
}

#[test]
fn a_head_file_made_anew_is_told_by_its_line_after_a_restart() {
    let (dir, store) = store_with_campuses(5);
    drop(store);
    // The tail cut together with the head file: the head file cannot tell, so the server must
    // not forget that it had to make one anew.
    let db = dir.path().join("hq.db");
    raw(&dir)
        .execute("DELETE FROM audit_log WHERE id > 3", [])
        .unwrap();
    std::fs::remove_file(audit_files::head_path(&db)).unwrap();
    let store = HqStore::open(&db).unwrap();
    assert_eq!(
        store.check_audit(None).unwrap().problems,
        vec![AuditProblem::HeadMissing]
    );
    store.audit_checkpoint().unwrap();
    drop(store);

    let store = HqStore::open(&db).unwrap();
    let check = store.check_audit(None).unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.lines, 4);
    match &check.notices[..] {
        [n] => {
            assert_eq!((n.position, n.action), (4, AuditAction::HeadRebuilt));
            assert!(n.detail.contains("（そのとき 3 行）"), "{}", n.detail);
            assert!(n.ja().starts_with("4 行目（ID 4、"), "{}", n.ja());
        }
        other => panic!("{other:?}"),
    }
    let newest = &store.audit_log(None).unwrap()[0];
    assert_eq!(
        (newest.action, newest.actor.as_str()),
        (Some(AuditAction::HeadRebuilt), "サーバー")
    );
    match recorded_head(&dir, &store) {
        Recorded::Head(h) => assert_eq!(h.lines, 4, "the head file covers its own line"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_line_gone_between_its_commit_and_the_head_file_is_told() {
    let (dir, store) = store_with_campuses(3);
    {
        let mut writer = store.write();
        let tx = writer.transaction().unwrap();
        audit::record(
            &tx,
            &Actor::cli(),
            Utc::now(),
            AuditAction::CampusAdded,
            "C-900 x",
        )
        .unwrap();
        tx.commit().unwrap();
        // Another process deletes it before the writer lets go: the chain still holds from
        // line 3, and the head file has not moved yet.
        raw(&dir)
            .execute("DELETE FROM audit_log WHERE id = 4", [])
            .unwrap();
    }
    let check = store.check_audit(None).unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.lines, 4);
    match &check.notices[..] {
        [n] => {
            assert_eq!((n.position, n.action), (4, AuditAction::LinesMissing));
            assert!(n.detail.contains("1 行"), "{}", n.detail);
        }
        other => panic!("{other:?}"),
    }
    match recorded_head(&dir, &store) {
        Recorded::Head(h) => assert_eq!(h.lines, 4),
        other => panic!("{other:?}"),
    }

    // A line whose transaction rolled back was never written: nothing is missing.
    {
        let mut writer = store.write();
        let tx = writer.transaction().unwrap();
        audit::record(
            &tx,
            &Actor::cli(),
            Utc::now(),
            AuditAction::CampusAdded,
            "C-901 y",
        )
        .unwrap();
    }
    let code = CampusCode::parse("C-902").unwrap();
    store
        .add_campus(&Actor::cli(), &code, "キャンパス", Utc::now())
        .unwrap();
    let check = store.check_audit(None).unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!((check.lines, check.notices.len()), (5, 1));
}

#[test]
fn lines_chained_by_the_migration_are_told_by_a_line_of_their_own() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/1.0/hq.db");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hq.db");
    std::fs::copy(&fixture, &db).unwrap();
    let before: u64 = raw(&dir)
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(before > 0, "the fixture has audit lines");
    let store = HqStore::open(&db).unwrap();
    let check = store.check_audit(None).unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.lines, before + 1);
    match &check.notices[..] {
        [n] => {
            assert_eq!(
                (n.position, n.action),
                (before + 1, AuditAction::ChainStarted)
            );
            assert_eq!(
                n.detail,
                format!("それまでの操作記録 {before} 行に鎖を付けました")
            );
        }
        other => panic!("{other:?}"),
    }
    match recorded_head(&dir, &store) {
        Recorded::Head(h) => assert_eq!(h.lines, before + 1),
        other => panic!("{other:?}"),
    }
    // A new database has nothing to chain, and says nothing.
    let (_dir, fresh) = store_with_campuses(1);
    assert_eq!(fresh.check_audit(None).unwrap().notices, vec![]);
}
