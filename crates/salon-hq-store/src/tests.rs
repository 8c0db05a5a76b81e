//! The store against a real SQLite file: migrations, codes, sessions.

use chrono::Utc;
use salon_protocol::{AppVersion, CampusCode, EnrolmentCode};

fn app(version: &str) -> AppVersion {
    AppVersion::parse(version).unwrap()
}

use super::*;

#[test]
fn an_empty_database_migrates_to_the_latest_version_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    let store = HqStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
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
    let again = HqStore::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
}

#[test]
fn a_code_works_once_and_not_after_fifteen_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    let now = Utc::now();
    let c012 = CampusCode::parse("C-012").unwrap();
    store
        .add_campus(&crate::audit::Actor::cli(), &c012, "柏キャンパス", now)
        .unwrap();
    let issued = store
        .issue_code(
            &crate::audit::Actor::cli(),
            "山田",
            std::slice::from_ref(&c012),
            now,
        )
        .unwrap();
    let code = EnrolmentCode::parse(&issued.code).unwrap();
    let late = now + chrono::Duration::seconds(CODE_LIFETIME_SECS);
    assert!(matches!(
        store.enrol(&code, &app("1.0.0"), late),
        Err(HqError::EnrolmentCodeInvalid)
    ));
    let e = store.enrol(&code, &app("1.0.0"), now).unwrap();
    assert_eq!(e.campuses, vec![c012]);
    assert!(matches!(
        store.enrol(&code, &app("1.0.0"), now),
        Err(HqError::EnrolmentCodeInvalid)
    ));
    assert_eq!(store.count_rows("devices").unwrap(), 1);
}

#[test]
fn reads_go_on_while_the_writer_is_busy_and_readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(HqStore::open(&dir.path().join("hq.db")).unwrap());
    let c012 = CampusCode::parse("C-012").unwrap();
    store
        .add_campus(
            &crate::audit::Actor::cli(),
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

/// A device's app version is kept from its enrolment and every configuration it fetches, and
/// the devices list names the latest.
#[test]
fn a_devices_app_version_is_the_latest_it_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    let now = Utc::now();
    let c012 = CampusCode::parse("C-012").unwrap();
    let by = crate::audit::Actor::cli();
    store.add_campus(&by, &c012, "柏", now).unwrap();
    let issued = store
        .issue_code(&by, "山田", std::slice::from_ref(&c012), now)
        .unwrap();
    let code = EnrolmentCode::parse(&issued.code).unwrap();
    let token = store.enrol(&code, &app("1.0.0"), now).unwrap().token;
    assert_eq!(
        store.devices().unwrap()[0].app_version.as_deref(),
        Some("1.0.0")
    );
    store.device_config(&token, &app("1.1.0-rc.1")).unwrap();
    assert_eq!(
        store.devices().unwrap()[0].app_version.as_deref(),
        Some("1.1.0-rc.1")
    );
}
