//! Keys made anew, against a real encrypted folder, as a thief of an old key file, a leaked
//! recovery key or a kill at the wrong moment would try them.

use std::fs;

use super::*;
use crate::vault::tests::{campus_input, fresh_store, visit_input, PASS};

const NEXT: &str = "あたらしい合言葉2026";

/// A store with a campus, a salon and a visit whose note is `note`.
fn with_a_visit(note: &str) -> (tempfile::TempDir, Store, i64) {
    let (dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
    let session = store
        .open_session(
            &salon_core::SessionOpen {
                campus_id: campus.id,
                format: "in_person".into(),
                place: String::new(),
            },
            chrono::NaiveDate::from_ymd_opt(2025, 2, 18).unwrap(),
            chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        )
        .unwrap();
    let mut visit = visit_input(session.id, None);
    visit.note = note.into();
    let visit = store.save_visit(&visit, None).unwrap();
    (dir, store, visit.id)
}

fn rotate(vault: &Vault, store: Store, proof: Proof<'_>, next: &str) -> (Store, RecoveryKey) {
    let rotation = vault.prepare_rotation(&store, proof, next, next).unwrap();
    vault.complete_rotation(store, rotation).unwrap()
}

#[test]
fn an_old_key_file_and_recovery_key_open_nothing_after_the_keys_are_made_anew() {
    let (dir, store, visit) = with_a_visit("面接の練習をした");
    let vault = Vault::new(dir.path());
    let old_keys = fs::read(dir.path().join(crate::KEY_FILE)).unwrap();
    let noise = crate::noise_key::noise_key(&store.conn).unwrap();
    let (store, recovery) = rotate(&vault, store, Proof::Passphrase(PASS), PASS);
    assert_eq!(store.visit(visit).unwrap().note, "面接の練習をした");
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());
    let search = store
        .search(&crate::SearchQuery {
            text: "面接".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(search.hits.len(), 1, "the search index came along");
    assert_eq!(
        crate::noise_key::noise_key(&store.conn).unwrap().as_bytes(),
        noise.as_bytes(),
        "the noise key is kept"
    );
    store.close().unwrap();

    // A thief holding the old keys.json and the passphrase it was sealed under.
    let thief = tempfile::tempdir().unwrap();
    fs::copy(vault.db_path(), thief.path().join(crate::DB_FILE)).unwrap();
    fs::write(thief.path().join(crate::KEY_FILE), &old_keys).unwrap();
    assert!(matches!(
        Vault::new(thief.path()).unlock(PASS),
        Err(StoreError::WrongPassphrase)
    ));
    // The passphrase and the new recovery key open it; nothing is left of the copy.
    assert!(vault.unlock(PASS).is_ok());
    let store = vault.unlock_with_recovery(recovery.display()).unwrap();
    assert_eq!(store.visit(visit).unwrap().note, "面接の練習をした");
    assert!(!dir.path().join(ROTATING_FILE).exists());
    let keys = String::from_utf8(fs::read(dir.path().join(crate::KEY_FILE)).unwrap()).unwrap();
    // The field's name in quotes: "next" alone turns up in random base64 now and then.
    assert!(!keys.contains("\"next\""), "{keys}");
}

#[test]
fn a_reset_with_the_recovery_key_makes_the_keys_anew_and_the_old_recovery_key_stops() {
    let (dir, store, visit) = with_a_visit("家のことで相談");
    let vault = Vault::new(dir.path());
    let old_keys = fs::read(dir.path().join(crate::KEY_FILE)).unwrap();
    let backup = dir.path().join("before.salonbackup");
    store.write_backup(&backup, |_, _| {}).unwrap();
    store.close().unwrap();
    // Set up in `fresh_store`, whose recovery key is not kept: make one known first.
    let store = vault.unlock(PASS).unwrap();
    let (store, first) = rotate(&vault, store, Proof::Passphrase(PASS), PASS);
    store.close().unwrap();
    let store = vault.unlock_with_recovery(first.display()).unwrap();
    assert!(matches!(
        vault.prepare_rotation(
            &store,
            Proof::RecoveryKey("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
            NEXT,
            NEXT
        ),
        Err(StoreError::WrongRecoveryKey)
    ));
    let (store, second) = rotate(&vault, store, Proof::RecoveryKey(first.display()), NEXT);
    assert_eq!(store.visit(visit).unwrap().note, "家のことで相談");
    store.close().unwrap();
    assert!(matches!(
        vault.unlock(PASS),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        vault.unlock_with_recovery(first.display()),
        Err(StoreError::WrongRecoveryKey)
    ));
    assert!(vault.unlock(NEXT).is_ok());
    assert!(vault.unlock_with_recovery(second.display()).is_ok());
    // The key file from before opens nothing made since.
    let before = tempfile::tempdir().unwrap();
    fs::write(before.path().join(crate::KEY_FILE), &old_keys).unwrap();
    fs::copy(vault.db_path(), before.path().join(crate::DB_FILE)).unwrap();
    assert!(Vault::new(before.path()).unlock(PASS).is_err());
    // A backup taken before restores with the secrets of its time (as the screen says), and
    // not with the new ones.
    let restore = |secret| {
        let target = tempfile::tempdir().unwrap();
        let restored = Vault::new(target.path().join("data")).restore_backup(&backup, secret);
        restored.map(|s| s.visit(visit).unwrap().note)
    };
    use crate::backup::RestoreSecret;
    assert!(restore(RestoreSecret::Passphrase(NEXT)).is_err());
    assert!(restore(RestoreSecret::RecoveryKey(second.display())).is_err());
    assert_eq!(
        restore(RestoreSecret::Passphrase(PASS)).unwrap(),
        "家のことで相談"
    );
}

#[test]
fn a_refused_proof_changes_nothing_on_disk() {
    let (dir, store, _) = with_a_visit("ノート");
    let vault = Vault::new(dir.path());
    store.close().unwrap();
    let store = vault.unlock(PASS).unwrap();
    let keys = fs::read(dir.path().join(crate::KEY_FILE)).unwrap();
    assert!(matches!(
        vault.prepare_rotation(
            &store,
            Proof::Passphrase("まちがった合言葉です"),
            PASS,
            PASS
        ),
        Err(StoreError::WrongPassphrase)
    ));
    assert_eq!(fs::read(dir.path().join(crate::KEY_FILE)).unwrap(), keys);
    assert!(!dir.path().join(ROTATING_FILE).exists());
    assert!(store.check_integrity().unwrap().is_empty());
}

/// Each moment a rotation can be stopped at, left as a kill would leave it: the folder unlocks
/// with the old passphrase or the new one, holds the visit, and is settled (one key, no copy).
#[test]
fn a_rotation_stopped_at_any_step_leaves_a_folder_that_unlocks() {
    for stop in [
        "after_key_file",
        "after_copy",
        "after_close",
        "after_rename",
    ] {
        let (dir, store, visit) = with_a_visit("進学の相談");
        let vault = Vault::new(dir.path());
        store.close().unwrap();
        let store = vault.unlock(PASS).unwrap();
        let file = vault.key_file().unwrap();
        let (pending, key, _) = file.begin_rotation(NEXT).unwrap();
        write_atomically(&vault.key_path(), &pending.to_json()).unwrap();
        if stop != "after_key_file" {
            store
                .export_to(&dir.path().join(ROTATING_FILE), &key)
                .unwrap();
        }
        if stop == "after_close" || stop == "after_rename" {
            store.close().unwrap();
        } else {
            drop(store);
        }
        if stop == "after_rename" {
            fs::rename(dir.path().join(ROTATING_FILE), vault.db_path()).unwrap();
        }
        let opened = vault.unlock(PASS).or_else(|_| vault.unlock(NEXT));
        let store = opened.unwrap_or_else(|e| panic!("{stop}: {e:?}"));
        assert_eq!(store.visit(visit).unwrap().note, "進学の相談", "{stop}");
        assert!(store.check_integrity().unwrap().is_empty(), "{stop}");
        assert!(!vault.key_file().unwrap().is_rotating(), "{stop}: settled");
        assert!(!dir.path().join(ROTATING_FILE).exists(), "{stop}");
        drop(store);
        let expected = if stop == "after_rename" { NEXT } else { PASS };
        assert!(vault.unlock(expected).is_ok(), "{stop}: {expected}");
    }
}
