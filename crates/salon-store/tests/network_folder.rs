//! A data folder on a real network filesystem (sshfs from an sshd on 127.0.0.1) is refused
//! before anything is written there: setting up, unlocking and restoring all say
//! `NetworkFolder`, and the same folder copied to a local disk opens.

mod common;

#[path = "common/mounts.rs"]
mod mounts;

use common::{set_up, PASS};
use mounts::{files_in, Sshfs};
use salon_store::backup::RestoreSecret;
use salon_store::{StoreError, Vault};

fn refused(e: StoreError) {
    match e {
        StoreError::NetworkFolder(fstype) => assert_eq!(fstype, "fuse.sshfs"),
        other => panic!("expected NetworkFolder, got {other:?}"),
    }
}

#[test]
fn a_data_folder_on_a_network_filesystem_is_refused_and_nothing_is_written_there() {
    let Some(share) = Sshfs::mount() else { return };
    let data = share.path.join("キャリアサロン");

    refused(Vault::new(&data).create(PASS, PASS).unwrap_err());
    assert!(
        !share.served().join("キャリアサロン").exists(),
        "setup wrote nothing"
    );

    // A folder set up on this machine, then moved to the share: it does not unlock there.
    let local = tempfile::tempdir().unwrap();
    set_up(local.path());
    std::fs::create_dir(&data).unwrap();
    for file in files_in(local.path()) {
        std::fs::copy(local.path().join(&file), data.join(&file)).unwrap();
    }
    let before = files_in(&share.served().join("キャリアサロン"));
    refused(Vault::new(&data).unlock(PASS).unwrap_err());
    assert_eq!(
        files_in(&share.served().join("キャリアサロン")),
        before,
        "no -wal or -shm made"
    );

    // Nor is a backup restored there.
    let store = Vault::new(local.path()).unlock(PASS).unwrap();
    let backup = local.path().join("copy.salonbackup");
    store.write_backup(&backup, |_, _| {}).unwrap();
    store.close().unwrap();
    let elsewhere = share.path.join("restored");
    refused(
        Vault::new(&elsewhere)
            .restore_backup(&backup, RestoreSecret::Passphrase(PASS))
            .unwrap_err(),
    );
    assert!(!share.served().join("restored").exists());

    // The same files on this machine's own disk open.
    Vault::new(local.path()).unlock(PASS).unwrap();
}
