//! What the 操作記録's tests through the real binary share: `audit verify`, a database with
//! six lines, and a copy set back to before the chain the way an attacker would.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rusqlite::Connection;

use crate::server::{self, hq};

/// `salon-hq audit verify ARGS` on the database in `dir`: whether it passed, and its stdout
/// and stderr together.
pub fn verify(dir: &Path, args: &[&str]) -> (bool, String) {
    let args: Vec<&str> = ["audit", "verify"].iter().chain(args).copied().collect();
    server::hq_said(dir, &args)
}

/// A database in a temp folder with six audit lines, each written by the command line.
pub fn six_lines() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    hq(
        dir.path(),
        &["admin", "create-admin", "--name", server::ADMIN],
    );
    for i in 0..4 {
        let code = format!("C-{:03}", 100 + i);
        hq(
            dir.path(),
            &[
                "admin",
                "add-campus",
                "--code",
                &code,
                "--name",
                "柏キャンパス",
            ],
        );
    }
    hq(
        dir.path(),
        &[
            "admin",
            "issue-code",
            "--supporter",
            "山田 花子",
            "--campus",
            "C-100",
        ],
    );
    dir
}

pub fn db(dir: &Path) -> Connection {
    Connection::open(dir.join("hq.db")).unwrap()
}

pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// What an attacker does to a copy so that salon-hq takes it for one from before the chain:
/// the `mac` column dropped, every later migration undone, the schema version set back to 2.
pub fn set_back_before_the_chain(path: &Path) {
    assert_eq!(
        salon_hq_store::MIGRATIONS.len(),
        10,
        "undo the new migration here too"
    );
    Connection::open(path)
        .unwrap()
        .execute_batch(
            "DROP TABLE relayed_packages;
             DROP TABLE device_keys;
             DROP TABLE app_updates;
             ALTER TABLE settings DROP COLUMN updates_offered;
             ALTER TABLE devices DROP COLUMN update_platform;
             DROP TABLE releases;
             CREATE TABLE month_releases (
                 device_id   INTEGER NOT NULL REFERENCES devices(id),
                 campus_code TEXT    NOT NULL REFERENCES campuses(code),
                 month       TEXT    NOT NULL,
                 release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
                 breakdown   TEXT    NOT NULL,
                 visits      INTEGER NOT NULL,
                 received_at INTEGER NOT NULL,
                 PRIMARY KEY (device_id, campus_code, month, release));
             CREATE INDEX month_releases_by_month ON month_releases (month);
             CREATE TABLE path_releases (
                 device_id   INTEGER NOT NULL REFERENCES devices(id),
                 from_month  TEXT    NOT NULL,
                 to_month    TEXT    NOT NULL,
                 release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
                 body        TEXT    NOT NULL,
                 students    INTEGER NOT NULL,
                 received_at INTEGER NOT NULL,
                 PRIMARY KEY (device_id, from_month, to_month, release));
             CREATE INDEX path_releases_by_period ON path_releases (from_month, to_month);
             ALTER TABLE audit_log DROP COLUMN mac;
             DROP TABLE login_failures;
             DELETE FROM server_secrets WHERE purpose = 'known_browser';
             ALTER TABLE admin_sessions DROP COLUMN last_seen_at;
             ALTER TABLE survey_questions DROP COLUMN required;
             ALTER TABLE surveys DROP COLUMN deadline;
             ALTER TABLE settings DROP COLUMN org_name;
             ALTER TABLE settings DROP COLUMN org_contact;
             ALTER TABLE terms DROP COLUMN project;
             ALTER TABLE terms DROP COLUMN distributor;
             DROP TABLE month_totals;
             DROP TABLE campus_month_totals;
             DROP TABLE release_month_totals;
             DROP TABLE release_cell_totals;
             DROP INDEX uploads_by_device_time;
             PRAGMA user_version = 2;",
        )
        .unwrap();
}

pub fn schema_version(dir: &Path) -> i64 {
    db(dir)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}
