//! The 操作記録 shows tampering, through the real `salon-hq` binary on real SQLite files: `audit
//! verify` on a whole log, on a line edited and chained again without the key, on a log whose
//! last lines were deleted (seen from the head file, and from the server log's daily figures
//! when the head file went too), on a head file made anew, on a database it must not migrate,
//! on 1.0's database; and the log page through the real router. Backups and restores:
//! `audit_restore.rs`.

mod audit_support;
mod common;
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use audit_support::*;
use salon_hq_store::audit_chain::{line_message, Line};
use salon_hq_store::secret::hmac_sha256;
use server::hq;

#[test]
fn a_whole_log_verifies_and_its_key_and_head_are_the_owners_alone() {
    let dir = six_lines();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(ok, "{said}");
    assert!(said.contains("記録されたときのままです（6 行"), "{said}");
    assert_eq!(mode(&dir.path().join("hq.db.audit-key")), 0o600);
    assert_eq!(mode(&dir.path().join("hq.db.audit-head")), 0o600);
    let key = std::fs::read_to_string(dir.path().join("hq.db.audit-key")).unwrap();
    assert!(!said.contains(key.trim()), "the key was printed");
}

/// The lines from `from` on given MACs the attacker computes: the real encoding, under a key
/// of their own (they do not have the server's).
fn chain_again_without_the_key(dir: &Path, from: i64) {
    let conn = db(dir);
    let mut prev: Vec<u8> = conn
        .query_row("SELECT mac FROM audit_log WHERE id = ?1", [from - 1], |r| {
            r.get(0)
        })
        .unwrap();
    let lines: Vec<Line> = conn
        .prepare("SELECT id, at, admin_id, actor, action, detail FROM audit_log WHERE id >= ?1 ORDER BY id")
        .unwrap()
        .query_map([from], |r| {
            Ok(Line {
                id: r.get(0)?,
                at: r.get(1)?,
                admin_id: r.get(2)?,
                actor: r.get(3)?,
                action: r.get(4)?,
                detail: r.get(5)?,
            })
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let attackers_key = [0x5a; 32];
    for line in lines {
        let mac = hmac_sha256(&attackers_key, &[&line_message(&prev, &line)]).to_vec();
        conn.execute(
            "UPDATE audit_log SET mac = ?1 WHERE id = ?2",
            rusqlite::params![mac, line.id],
        )
        .unwrap();
        prev = mac;
    }
}

#[test]
fn a_line_edited_and_chained_again_without_the_key_is_named() {
    let dir = six_lines();
    db(dir.path())
        .execute(
            "UPDATE audit_log SET detail = 'C-100 別の名前' WHERE id = 3",
            [],
        )
        .unwrap();
    chain_again_without_the_key(dir.path(), 3);
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok, "{said}");
    assert!(said.contains("3 行目（ID 3、"), "{said}");
    assert!(
        !said.contains("別の名前"),
        "a line's text was printed: {said}"
    );

    // Edited with its MAC left as it was: named the same way.
    let dir = six_lines();
    db(dir.path())
        .execute("UPDATE audit_log SET detail = 'C-999 x' WHERE id = 4", [])
        .unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok, "{said}");
    assert!(said.contains("4 行目（ID 4、"), "{said}");
}

#[test]
fn the_last_three_lines_deleted_are_reported_missing() {
    let dir = six_lines();
    db(dir.path())
        .execute("DELETE FROM audit_log WHERE id > 3", [])
        .unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok, "{said}");
    assert!(said.contains("末尾の 3 行がありません"), "{said}");
}

/// The server log's audit line, once `serve` has written it: (lines, head).
fn logged_head(server: &server::Server) -> (u64, String) {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let found = server.log.lock().unwrap().iter().find_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            (v["target"] == "salon_hq::audit" && v["message"] == "audit log head").then(|| {
                assert_eq!(v["intact"], true, "{line}");
                (
                    v["lines"].as_u64().unwrap(),
                    v["head"].as_str().unwrap().to_owned(),
                )
            })
        });
        if let Some(found) = found {
            return found;
        }
        assert!(Instant::now() < until, "no audit line in the log");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_tail_deleted_with_the_head_file_is_found_from_the_logged_figures() {
    let (server, _codes) = server::Server::start(2);
    let (lines, head) = logged_head(&server);
    assert_eq!(
        lines, 5,
        "an admin, and a campus and a code for each of 2 devices"
    );
    let key = std::fs::read_to_string(server.dir.path().join("hq.db.audit-key")).unwrap();
    for line in server.log.lock().unwrap().iter() {
        for secret in [key.trim(), "山田", server::ADMIN, "キャンパス"] {
            assert!(!line.contains(secret), "{secret} in the log: {line}");
        }
    }
    let dir = server.stop();
    let count = lines.to_string();
    let (ok, said) = verify(
        dir.path(),
        &["--expect-count", &count, "--expect-head", &head],
    );
    assert!(ok, "{said}");

    db(dir.path())
        .execute("DELETE FROM audit_log WHERE id > 3", [])
        .unwrap();
    std::fs::remove_file(dir.path().join("hq.db.audit-head")).unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("控え（.audit-head）がありませんでした"),
        "{said}"
    );
    let (ok, said) = verify(
        dir.path(),
        &["--expect-count", &count, "--expect-head", &head],
    );
    assert!(!ok, "{said}");
    assert!(said.contains("末尾の 2 行がありません"), "{said}");
}

#[test]
fn a_head_file_made_anew_is_still_told_by_a_later_verify() {
    let dir = six_lines();
    db(dir.path())
        .execute("DELETE FROM audit_log WHERE id > 3", [])
        .unwrap();
    std::fs::remove_file(dir.path().join("hq.db.audit-head")).unwrap();
    // The next change, by another process, writes the head file anew.
    hq(
        dir.path(),
        &[
            "admin",
            "add-campus",
            "--code",
            "C-200",
            "--name",
            "新キャンパス",
        ],
    );
    let (ok, said) = verify(dir.path(), &[]);
    assert!(ok, "{said}");
    assert!(said.contains("記録されたときのままです（5 行"), "{said}");
    assert!(
        said.contains("注意：5 行目（ID 5、")
            && said.contains("（head ファイル）がなかったため作り直しました（そのとき 4 行）"),
        "{said}"
    );
}

#[test]
fn verify_reads_the_database_as_it_is_and_never_migrates_it_or_makes_a_key() {
    // A copy set back to before the chain, one line edited: opening it as the server does
    // would chain the edit under the real key.
    let dir = six_lines();
    set_back_before_the_chain(&dir.path().join("hq.db"));
    db(dir.path())
        .execute(
            "UPDATE audit_log SET detail = 'C-100 別の名前' WHERE id = 3",
            [],
        )
        .unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("（版 2）は、操作記録に鎖（MAC）が付く前の版です"),
        "{said}"
    );
    assert_eq!(schema_version(dir.path()), 2, "verify migrated it");

    // 1.0's database, without a key: none is made.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/1.0/hq.db");
    let old = tempfile::tempdir().unwrap();
    std::fs::copy(&fixture, old.path().join("hq.db")).unwrap();
    let (ok, said) = verify(old.path(), &[]);
    assert!(!ok && said.contains("（版 1）は、操作記録に鎖"), "{said}");
    assert_eq!(schema_version(old.path()), 1);
    assert!(
        !old.path().join("hq.db.audit-key").exists(),
        "verify made a key"
    );

    // A chained database whose key is gone: said so, and still no key made.
    let dir = six_lines();
    std::fs::remove_file(dir.path().join("hq.db.audit-key")).unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(
        !ok && said.contains("hq.db.audit-key がありません"),
        "{said}"
    );
    assert!(!dir.path().join("hq.db.audit-key").exists());

    // The version left, the column dropped: named as removed.
    let dir = six_lines();
    db(dir.path())
        .execute_batch("ALTER TABLE audit_log DROP COLUMN mac")
        .unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok && said.contains("MAC の列がありません"), "{said}");
}

#[test]
fn a_database_set_back_before_the_chain_in_place_is_not_opened() {
    let dir = six_lines();
    set_back_before_the_chain(&dir.path().join("hq.db"));
    db(dir.path())
        .execute(
            "UPDATE audit_log SET detail = 'C-100 別の名前' WHERE id = 3",
            [],
        )
        .unwrap();
    let key = std::fs::read(dir.path().join("hq.db.audit-key")).unwrap();
    let said = server::refused(dir.path(), &["admin", "devices"]);
    assert!(said.contains("前の版に見せかけて"), "{said}");
    assert_eq!(schema_version(dir.path()), 2, "it was migrated");
    assert_eq!(
        std::fs::read(dir.path().join("hq.db.audit-key")).unwrap(),
        key
    );
}

#[test]
fn a_1_0_database_is_chained_at_its_first_open_and_verifies() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/1.0/hq.db");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&fixture, dir.path().join("hq.db")).unwrap();
    let lines: i64 = db(dir.path())
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(lines > 0, "the fixture has audit lines");
    // Opened by salon-hq (here its command line; serve alike), not by verify.
    hq(dir.path(), &["admin", "devices"]);
    let (ok, said) = verify(dir.path(), &[]);
    assert!(ok, "{said}");
    // With the server's own line saying they were chained then.
    assert!(said.contains(&format!("（{} 行", lines + 1)), "{said}");
    assert!(
        said.contains(&format!("それまでの操作記録 {lines} 行に鎖を付けました")),
        "{said}"
    );
    assert_eq!(mode(&dir.path().join("hq.db.audit-key")), 0o600);
    let unchained: i64 = db(dir.path())
        .query_row(
            "SELECT count(*) FROM audit_log WHERE mac IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unchained, 0);
    let migrated = salon_hq_store::HqStore::open(&dir.path().join("hq.db")).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let new = salon_hq_store::HqStore::open(&fresh.path().join("hq.db")).unwrap();
    assert_eq!(migrated.schema().unwrap(), new.schema().unwrap());
    drop(migrated);
    // From then on, a change to one of 1.0's lines shows.
    db(dir.path())
        .execute(
            "UPDATE audit_log SET actor = 'someone else' WHERE id = 1",
            [],
        )
        .unwrap();
    let (ok, said) = verify(dir.path(), &[]);
    assert!(!ok && said.contains("1 行目（ID 1、"), "{said}");
}

#[tokio::test]
async fn the_log_page_says_whether_the_chain_holds_and_names_the_first_bad_line() {
    let hq = common::Hq::new();
    let cookie = hq.login().await;
    let page = hq.get("/audit", Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"audit-intact\""), "{page}");
    assert!(!page.contains("audit-broken"));

    db(hq.dir.path())
        .execute(
            "UPDATE audit_log SET detail = 'C-012 偽キャンパス' WHERE id = 2",
            [],
        )
        .unwrap();
    chain_again_without_the_key(hq.dir.path(), 2);
    let page = hq.get("/audit", Some(&cookie)).await.text();
    let at = page
        .find("data-testid=\"audit-broken\"")
        .unwrap_or_else(|| panic!("{page}"));
    let alert = &page[page[..at].rfind('<').unwrap()..];
    assert!(alert.contains("role=\"alert\""), "{alert}");
    assert!(alert.contains("2 行目（ID 2、"), "{alert}");
    assert!(!page.contains("audit-intact"));
}

#[tokio::test]
async fn the_log_page_tells_of_a_head_file_made_anew() {
    let hq = common::Hq::new();
    let cookie = hq.login().await;
    std::fs::remove_file(hq.dir.path().join("hq.db.audit-head")).unwrap();
    let page = hq.get("/audit", Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"audit-broken\""), "{page}");
    hq.store().audit_checkpoint().unwrap();
    let page = hq.get("/audit", Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"audit-intact\""), "{page}");
    let at = page
        .find("data-testid=\"audit-notices\"")
        .unwrap_or_else(|| panic!("{page}"));
    assert!(page[at..].contains("作り直しました"), "{page}");
}
