//! A full disk, for real: the data folder (or the backup's folder) on a small tmpfs filled to
//! the last byte. Saving fails with `DiskFull`, the draft and everything saved before stay
//! whole, and saving works again once there is room.

mod common;

#[path = "common/mounts.rs"]
mod mounts;

use chrono::NaiveDate;
use common::{salon_on, set_up, visit, PASS};
use mounts::{files_in, SmallDisk};
use salon_store::backup::RestoreSecret;
use salon_store::{Store, StoreError, Vault};

const DRAFT: &str = "visit:new:disk-full";

/// A data folder set up in `data`, unlocked, with a salon open.
fn with_a_salon(data: &std::path::Path) -> (Vault, Store, i64) {
    let campus = set_up(data);
    let vault = Vault::new(data);
    let mut store = vault.unlock(PASS).unwrap();
    let session = salon_on(
        &mut store,
        campus,
        NaiveDate::from_ymd_opt(2025, 6, 3).unwrap(),
    );
    (vault, store, session)
}

#[test]
fn a_visit_saved_on_a_full_disk_fails_clearly_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount(4096) else {
        return;
    };
    let data = disk.path.join("data");
    let (vault, mut store, session) = with_a_salon(&data);
    let earlier: Vec<i64> = (0..5)
        .map(|i| {
            store
                .save_visit(&visit(session, &format!("前の記録 {i}")), None)
                .unwrap()
                .id
        })
        .collect();
    let long_note = "進路の話。".repeat(3_000);
    store.save_draft(DRAFT, &long_note).unwrap();

    let filler = disk.fill();
    // The WAL may still have room from before; each save needs more, and the disk has none.
    let mut refused = None;
    for i in 0..200 {
        match store.save_visit(&visit(session, &format!("{long_note}{i}")), Some(DRAFT)) {
            Ok(_) => {
                // It fit in space the database already had: the draft went with it, as always.
                assert!(store.draft(DRAFT).unwrap().is_none());
                store.save_draft(DRAFT, &long_note).ok();
            }
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let refused = refused.expect("a full disk refuses a save");
    assert!(matches!(refused, StoreError::DiskFull), "{refused:?}");
    assert_eq!(refused.to_string(), "the disk is full");
    // The draft is there to save again, and what was saved before is whole.
    assert_eq!(
        store.draft(DRAFT).unwrap().as_deref(),
        Some(long_note.as_str())
    );
    for (i, id) in earlier.iter().enumerate() {
        assert_eq!(store.visit(*id).unwrap().note, format!("前の記録 {i}"));
    }
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());

    // Room again: the same save works, and the draft goes with it.
    std::fs::remove_file(&filler).unwrap();
    let saved = store
        .save_visit(&visit(session, &long_note), Some(DRAFT))
        .unwrap();
    assert!(store.draft(DRAFT).unwrap().is_none());
    store.close().unwrap();

    let store = vault.unlock(PASS).unwrap();
    assert_eq!(store.visit(saved.id).unwrap().note, long_note);
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());
}

#[test]
fn a_backup_to_a_full_folder_fails_clearly_leaves_no_partial_file_and_the_store_is_untouched() {
    let Some(small) = SmallDisk::mount(64) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let (_, mut store, session) = with_a_salon(&data);
    // More than the small folder holds.
    for i in 0..40 {
        store
            .save_visit(
                &visit(session, &format!("{}{i}", "面接の練習。".repeat(400))),
                None,
            )
            .unwrap();
    }
    let to = small.path.join("career-salon.salonbackup");
    let refused = store.write_backup(&to, |_, _| {}).unwrap_err();
    assert!(matches!(refused, StoreError::BackupDiskFull), "{refused:?}");
    assert_eq!(
        files_in(&small.path),
        Vec::<String>::new(),
        "no partial backup is left"
    );
    assert_eq!(
        small.free_bytes(),
        64 * 1024,
        "the folder has all its room back"
    );

    // The store goes on, and a backup where there is room restores whole.
    let roomy = tempfile::tempdir().unwrap();
    let file = roomy.path().join("career-salon.salonbackup");
    store.write_backup(&file, |_, _| {}).unwrap();
    store.close().unwrap();
    let restored_dir = tempfile::tempdir().unwrap();
    let restored = Vault::new(restored_dir.path().join("data"))
        .restore_backup(&file, RestoreSecret::Passphrase(PASS))
        .unwrap();
    assert_eq!(restored.check_integrity().unwrap(), Vec::<String>::new());
    assert_eq!(restored.search(&Default::default()).unwrap().total, 40);
}
