//! The two files beside the database that the audit chain (`audit_chain.rs`) rests on: the
//! key (`hq.db.audit-key`) and the signed head (`hq.db.audit-head`), both 0600. They live
//! outside the database so that whoever can rewrite the database file alone cannot make its
//! MACs hold again.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;

use super::audit_chain::{AuditHead, AuditKey};
use crate::error::{HqError, Result};

/// `hq.db` → `hq.db.audit-key`.
pub fn key_path(db: &Path) -> PathBuf {
    sibling(db, ".audit-key")
}

/// `hq.db` → `hq.db.audit-head`.
pub fn head_path(db: &Path) -> PathBuf {
    sibling(db, ".audit-head")
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The key in the file at `path`, or none when there is no such file. A file that is there
/// but not a key (64 hexadecimal digits) is an error: a new key would make every line false.
pub fn read_key(path: &Path) -> Result<Option<AuditKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(HqError::AuditKey(path.to_path_buf())),
    };
    HEXLOWER
        .decode(text.trim().as_bytes())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(|bytes| Some(AuditKey(bytes)))
        .ok_or_else(|| HqError::AuditKey(path.to_path_buf()))
}

/// Makes a new key at `path`, unless another process made one first (then that one is
/// used). The file appears whole or not at all: written to a file of this process's own, then
/// linked to `path`, which fails rather than replace a key.
pub fn create_key(path: &Path) -> Result<AuditKey> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| HqError::Internal("no randomness"))?;
    let key = AuditKey(bytes);
    let text = format!("{}\n", HEXLOWER.encode(&key.0));
    let tmp = sibling(path, &format!(".{}.tmp", std::process::id()));
    let written =
        write_private(&tmp, text.as_bytes()).and_then(|()| match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        });
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(true) => {
            sync_folder(path);
            Ok(key)
        }
        Ok(false) => read_key(path)?.ok_or_else(|| HqError::AuditKey(path.to_path_buf())),
        Err(_) => Err(HqError::AuditKey(path.to_path_buf())),
    }
}

/// Copies the key at `from` to `to` (0600), replacing what is there, after checking it is a
/// key. For backups and restores.
pub fn copy_key(from: &Path, to: &Path) -> Result<()> {
    let key = read_key(from)?.ok_or_else(|| HqError::AuditKey(from.to_path_buf()))?;
    let text = format!("{}\n", HEXLOWER.encode(&key.0));
    replace_private(to, text.as_bytes()).map_err(|_| HqError::AuditKey(to.to_path_buf()))
}

/// What the head file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Missing,
    /// Not a head signed with this key: written or changed by someone without it.
    Forged,
    Head(AuditHead),
}

const HEAD_PREFIX: &str = "salon-hq-audit-head-v1";

pub fn read_head(path: &Path, key: &AuditKey) -> Recorded {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Recorded::Missing,
        Err(_) => return Recorded::Forged,
    };
    parse_head(&text, key).map_or(Recorded::Forged, Recorded::Head)
}

fn parse_head(text: &str, key: &AuditKey) -> Option<AuditHead> {
    let mut words = text.split_ascii_whitespace();
    if words.next()? != HEAD_PREFIX {
        return None;
    }
    let lines = words.next()?.parse().ok()?;
    let last_id = words.next()?.parse().ok()?;
    let mac = HEXLOWER.decode(words.next()?.as_bytes()).ok()?;
    let sig = HEXLOWER.decode(words.next()?.as_bytes()).ok()?;
    if words.next().is_some() {
        return None;
    }
    let head = AuditHead {
        lines,
        last_id,
        mac: mac.try_into().ok()?,
    };
    crate::secret::constant_time_eq(&key.head_signature(&head), &sig).then_some(head)
}

pub fn write_head(path: &Path, key: &AuditKey, head: &AuditHead) -> std::io::Result<()> {
    let text = format!(
        "{HEAD_PREFIX} {} {} {} {}\n",
        head.lines,
        head.last_id,
        HEXLOWER.encode(&head.mac),
        HEXLOWER.encode(&key.head_signature(head))
    );
    replace_private(path, text.as_bytes())
}

/// `bytes` at `path` (0600), atomically: a file of this process's own beside it, synced,
/// renamed over it, the folder synced.
fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = sibling(path, &format!(".{}.tmp", std::process::id()));
    let written = write_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_folder(path);
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_folder(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_key_is_made_once_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_path(&dir.path().join("hq.db"));
        assert_eq!(read_key(&path).unwrap(), None);
        let key = create_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(read_key(&path).unwrap(), Some(key.clone()));
        // A second maker finds the first's key and keeps it.
        assert_eq!(create_key(&path).unwrap(), key);
        std::fs::write(&path, "not a key\n").unwrap();
        assert!(matches!(read_key(&path), Err(HqError::AuditKey(_))));
    }

    #[test]
    fn a_head_reads_back_only_under_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = head_path(&dir.path().join("hq.db"));
        let key = AuditKey([7; 32]);
        assert_eq!(read_head(&path, &key), Recorded::Missing);
        let head = AuditHead {
            lines: 12,
            last_id: 12,
            mac: [3; 32],
        };
        write_head(&path, &key, &head).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(read_head(&path, &key), Recorded::Head(head.clone()));
        assert_eq!(read_head(&path, &AuditKey([8; 32])), Recorded::Forged);
        // Fewer lines, with the signature that was there: refused.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen(" 12 12 ", " 9 9 ", 1)).unwrap();
        assert_eq!(read_head(&path, &key), Recorded::Forged);
    }
}
