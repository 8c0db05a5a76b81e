//! The readers of files a supporter may be handed or may find damaged: `keys.json` and a backup.
//! Arbitrary bytes and structure-aware mutations of real files (a value of the key file
//! replaced; a backup's header, lengths and key file changed with its checksum made right
//! again, so the parser behind the checksum is reached): never a panic, and a refused restore
//! leaves the new data folder empty.

mod common;
#[path = "common/json_mutation.rs"]
mod json_mutation;

use std::sync::OnceLock;

use common::{set_up, PASS};
use json_mutation::{hostile_value, nth_mut};
use proptest::prelude::*;
use salon_store::backup::RestoreSecret;
use salon_store::{KeyFile, Vault};
use sha2::{Digest, Sha256};

/// A real key file and a real backup of a data folder with a few visits, made once.
fn originals() -> &'static (Vec<u8>, Vec<u8>) {
    static MADE: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        set_up(dir.path());
        let store = Vault::new(dir.path()).unlock(PASS).unwrap();
        let backup = dir.path().join("b.salonbackup");
        store.write_backup(&backup, |_, _| {}).unwrap();
        store.close().unwrap();
        (
            std::fs::read(dir.path().join("keys.json")).unwrap(),
            std::fs::read(&backup).unwrap(),
        )
    })
}

/// Restores `bytes` as a backup into a new folder; a refusal must leave that folder empty.
fn restore(bytes: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("given.salonbackup");
    std::fs::write(&file, bytes).unwrap();
    let target = dir.path().join("data");
    match Vault::new(&target).restore_backup(&file, RestoreSecret::Passphrase(PASS)) {
        Ok(store) => {
            store.close().unwrap();
            true
        }
        Err(e) => {
            let left: Vec<_> = std::fs::read_dir(&target)
                .map(|d| d.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default();
            assert!(left.is_empty(), "refused ({e:?}) yet left {left:?}");
            false
        }
    }
}

/// The backup's checksum (its last 32 bytes) made right for what precedes it.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() >= 32 {
        bytes.truncate(bytes.len() - 32);
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_a_key_file_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = KeyFile::from_json(&bytes);
    }

    #[test]
    fn a_key_file_with_any_value_changed_is_read_or_refused(at in any::<usize>(), value in hostile_value()) {
        let mut doc: serde_json::Value = serde_json::from_slice(&originals().0).unwrap();
        *nth_mut(&mut doc, at) = value;
        let _ = KeyFile::from_json(doc.to_string().as_bytes());
    }

    #[test]
    fn any_bytes_as_a_backup_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..300), sealed in any::<bool>()) {
        let bytes = if sealed { reseal(bytes) } else { bytes };
        prop_assert!(!restore(&bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The header (magic, the key file's length, the key file, the database's length) changed
    /// and the checksum made right: a restore that reaches the passphrase check costs an
    /// Argon2id derivation, so these cases are fewer.
    #[test]
    fn a_backup_with_its_header_changed_and_resealed_is_refused_or_whole(
        at in 0usize..600, with in any::<u8>(), cut in prop::option::of(0usize..1200),
    ) {
        let mut bytes = originals().1.clone();
        let at = at.min(bytes.len() - 33);
        bytes[at] ^= with | 1;
        if let Some(cut) = cut {
            bytes.truncate(bytes.len().saturating_sub(cut + 32).max(1));
        }
        let restored = restore(&reseal(bytes));
        prop_assert!(!restored || at >= 24, "a changed magic is never restored");
    }
}
