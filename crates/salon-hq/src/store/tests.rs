//! The store against a real SQLite file: migrations, codes, sessions.

use salon_protocol::EnrolmentCode;

use super::*;

#[test]
fn month_snapshots_held_from_version_1_get_the_visits_of_their_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO campuses VALUES ('C-012', '柏', 0);
             INSERT INTO devices VALUES (1, x'00', '山田', 0, NULL);
             INSERT INTO day_snapshots VALUES
               (1, 'C-012', '2025-02-18', 1, 1, 180, 7, 5, 1, 0, 0, 0, 0, 0, 0),
               (1, 'C-012', '2025-02-25', 1, 1, 180, 9, 6, 1, 0, 0, 0, 0, 0, 0),
               (1, 'C-012', '2025-03-04', 1, 1, 180, 4, 4, 1, 0, 0, 0, 0, 0, 0);",
        )
        .unwrap();
        let breakdown = serde_json::json!({
            "byRoute": salon_protocol::Route::ALL.iter().map(|r| serde_json::json!({"code": r.code(), "count": null})).collect::<Vec<_>>(),
            "byTopic": salon_protocol::Topic::ALL.iter().map(|t| serde_json::json!({"code": t.code(), "count": null})).collect::<Vec<_>>(),
            "byFormat": salon_protocol::Format::ALL.iter().map(|f| serde_json::json!({"code": f.code(), "count": 0})).collect::<Vec<_>>(),
            "pathDecisions": salon_protocol::PathStatus::DECIDED.iter().map(|p| serde_json::json!({"code": p.code(), "count": 0})).collect::<Vec<_>>(),
        });
        let v1 = serde_json::json!({
            "campus": "C-012", "month": "2025-02", "revision": 1,
            "rule": {"k": 5, "sensitiveK": 10}, "breakdown": breakdown,
        });
        conn.execute(
            "INSERT INTO month_snapshots VALUES (1, 'C-012', '2025-02', 1, ?1, 0)",
            [v1.to_string()],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    let feb = Month::parse("2025-02").unwrap();
    let held = store.month_snapshots(feb, feb).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].snapshot.breakdown.visits, 16);
    assert_eq!(held[0].visits_in_days, 16);
    // Version 3 keeps every revision: the snapshots held become the first of each history.
    let day = chrono::NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
    let revisions = store.day_revisions("C-012", day).unwrap();
    assert_eq!(revisions.len(), 1);
    assert!(revisions[0].current);
    assert_eq!(
        (
            revisions[0].revision,
            revisions[0].counts.visits,
            revisions[0].supporter.as_str()
        ),
        (1, 9, "山田")
    );
    let months: i64 = store
        .read()
        .query_row("SELECT count(*) FROM month_revisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(months, 1);
    assert_eq!(store.quiet_days().unwrap(), 14);
}

#[test]
fn an_empty_database_migrates_to_the_latest_version_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    assert_eq!(store.rule().unwrap(), SuppressionRule::default());
    for t in [
        "campuses",
        "devices",
        "day_snapshots",
        "month_snapshots",
        "uploads",
    ] {
        assert_eq!(store.count_rows(t).unwrap(), 0);
    }
    let mode: String = store
        .write()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
}

#[test]
fn a_code_works_once_and_not_after_fifteen_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("hq.db")).unwrap();
    let now = Utc::now();
    let c012 = CampusCode::parse("C-012").unwrap();
    store
        .add_campus(&crate::store::Actor::cli(), &c012, "柏キャンパス", now)
        .unwrap();
    let issued = store
        .issue_code(
            &crate::store::Actor::cli(),
            "山田",
            std::slice::from_ref(&c012),
            now,
        )
        .unwrap();
    let code = EnrolmentCode::parse(&issued.code).unwrap();
    let late = now + chrono::Duration::seconds(CODE_LIFETIME_SECS);
    assert!(matches!(
        store.enrol(&code, late),
        Err(HqError::EnrolmentCodeInvalid)
    ));
    let e = store.enrol(&code, now).unwrap();
    assert_eq!(e.campuses, vec![c012]);
    assert!(matches!(
        store.enrol(&code, now),
        Err(HqError::EnrolmentCodeInvalid)
    ));
    assert_eq!(store.count_rows("devices").unwrap(), 1);
}

#[test]
fn reads_go_on_while_the_writer_is_busy_and_readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(&dir.path().join("hq.db")).unwrap());
    let c012 = CampusCode::parse("C-012").unwrap();
    store
        .add_campus(
            &crate::store::Actor::cli(),
            &c012,
            "柏キャンパス",
            Utc::now(),
        )
        .unwrap();
    // The writer is held, as during a long upload: reading must not wait for it.
    let writing = store.write();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = store.clone();
    std::thread::spawn(move || {
        let _ = tx.send(reader.campuses().map(|c| c.len()).ok());
    });
    let read = rx.recv_timeout(std::time::Duration::from_secs(10));
    drop(writing);
    assert_eq!(read, Ok(Some(1)), "a read waited behind the writer");
    let refused = store
        .read()
        .execute("DELETE FROM campuses", [])
        .unwrap_err();
    assert!(refused.to_string().contains("readonly"), "{refused}");
    assert_eq!(store.campuses().unwrap().len(), 1);
}

#[test]
fn accounts_from_before_roles_stay_managers_and_campuses_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        let conn = Connection::open(&path).unwrap();
        for (_, sql) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO admins (name, password_hash, created_at) VALUES ('佐藤', 'x', 0);
             INSERT INTO campuses VALUES ('C-012', '柏', 0);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    let admins = store.admins().unwrap();
    assert_eq!(
        (
            admins[0].name.as_str(),
            admins[0].role,
            admins[0].stopped_at
        ),
        ("佐藤", Role::Manager, None)
    );
    assert_eq!(store.campuses().unwrap()[0].retired_at, None);
    assert!(store.audit_log(None).unwrap().is_empty());
    // An account exists: no set-up link.
    assert!(store.issue_setup_link(Utc::now()).unwrap().is_none());
}

#[test]
fn period_targets_become_terms_named_after_their_months() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        let conn = Connection::open(&path).unwrap();
        for (_, sql) in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO targets (from_month, to_month, schools, sessions, visits) VALUES
               ('2024-04', '2025-03', 22, 240, 500),
               ('2024-09', '2025-02', 20, 230, 400),
               ('2025-04', '2025-09', 1, 2, 3);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    type Row = (
        String,
        String,
        String,
        Option<u32>,
        Option<u32>,
        Option<u32>,
    );
    let mut terms: Vec<Row> = store
        .terms()
        .unwrap()
        .into_iter()
        .map(|t| {
            (
                t.name,
                t.from.to_string(),
                t.to.to_string(),
                t.targets.schools,
                t.targets.sessions,
                t.targets.visits,
            )
        })
        .collect();
    terms.sort();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        terms,
        vec![
            (
                s("2024年9月〜2025年2月"),
                s("2024-09"),
                s("2025-02"),
                Some(20),
                Some(230),
                Some(400)
            ),
            (
                s("2024年度"),
                s("2024-04"),
                s("2025-03"),
                Some(22),
                Some(240),
                Some(500)
            ),
            (
                s("2025年4月〜2025年9月"),
                s("2025-04"),
                s("2025-09"),
                Some(1),
                Some(2),
                Some(3)
            ),
        ]
    );
    assert!(store.terms().unwrap().iter().all(|t| t
        .targets
        .events
        .iter()
        .all(|e| e.events.is_none() && e.participants.is_none())));
}

/// A database from before HQ migration 0011: its uploads keep no version (unknown, shown as
/// 「—」), and nothing else about them changes.
#[test]
fn uploads_received_before_migration_11_keep_no_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for (_, sql) in &MIGRATIONS[..10] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 10).unwrap();
        conn.execute_batch(
            "INSERT INTO devices (id, token_hash, supporter, created_at) VALUES (1, x'00', '山田', 0);
             INSERT INTO uploads (device_id, idem_key, body_sha256, receipt, received_at)
             VALUES (1, 'k', x'00', '{}', 0);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    let devices = store.devices().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].api_version, None);
    assert!(devices[0].last_upload_at.is_some());
}
