//! The database key and how it is wrapped.
//!
//! The database is encrypted with 32 random bytes. Those bytes are never stored in the clear:
//! the key file holds them twice, each copy sealed (XChaCha20-Poly1305) under a key derived
//! with Argon2id, once from the passphrase and once from the recovery key. Changing the
//! passphrase re-seals one copy; the database itself is not re-encrypted.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::{BASE32_NOPAD, BASE64};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

/// The minimum length of a passphrase, in characters (Japanese characters count one each).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Argon2id cost for new key slots: 64 MiB, 3 passes, 1 lane.
const KDF_MEMORY_KIB: u32 = 64 * 1024;
const KDF_ITERATIONS: u32 = 3;
const KDF_LANES: u32 = 1;

/// The Argon2id costs a key slot may ask for, read from `keys.json` or a backup: from a quarter
/// of today's memory (older or lighter slots) up to four times it, so that a crafted file can
/// neither make the key trivial to guess nor ask a laptop for gigabytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfLimits {
    pub memory_kib: std::ops::RangeInclusive<u32>,
    pub iterations: std::ops::RangeInclusive<u32>,
    pub lanes: std::ops::RangeInclusive<u32>,
    pub salt_bytes: std::ops::RangeInclusive<usize>,
}

pub const KDF_LIMITS: KdfLimits = KdfLimits {
    memory_kib: 16 * 1024..=256 * 1024,
    iterations: 1..=16,
    lanes: 1..=8,
    salt_bytes: 16..=64,
};

/// The key that opens the database. Wiped from memory when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(..)")
    }
}

impl DbKey {
    fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        fill_random(bytes.as_mut())?;
        Ok(DbKey(bytes))
    }

    /// The statement that gives SQLCipher the raw key, `PRAGMA key = "x'…'";`, so SQLCipher
    /// uses the bytes without its own KDF. Written into one buffer allocated at its final size,
    /// so no reallocation leaves an unwiped copy behind; the buffer is wiped when dropped.
    pub(crate) fn key_statement(&self) -> Zeroizing<String> {
        let mut statement = Zeroizing::new(String::with_capacity(KEY_STATEMENT_LEN));
        statement.push_str(KEY_STATEMENT_HEAD);
        self.push_hex(&mut statement);
        statement.push_str(KEY_STATEMENT_TAIL);
        debug_assert_eq!(statement.capacity(), KEY_STATEMENT_LEN);
        statement
    }

    /// `ATTACH DATABASE '<path>' AS rotated KEY "x'…'";`: a new database under this key, beside
    /// the open one, for `sqlcipher_export`. Built the same way as `key_statement`.
    pub(crate) fn attach_statement(&self, path: &str) -> Zeroizing<String> {
        let quoted = path.replace('\'', "''");
        let head = format!("ATTACH DATABASE '{quoted}' AS rotated KEY \"x'");
        let len = head.len() + 64 + KEY_STATEMENT_TAIL.len();
        let mut statement = Zeroizing::new(String::with_capacity(len));
        statement.push_str(&head);
        self.push_hex(&mut statement);
        statement.push_str(KEY_STATEMENT_TAIL);
        debug_assert_eq!(statement.capacity(), len);
        statement
    }

    fn push_hex(&self, into: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in self.0.iter() {
            into.push(char::from(HEX[usize::from(byte >> 4)]));
            into.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

const KEY_STATEMENT_HEAD: &str = "PRAGMA key = \"x'";
const KEY_STATEMENT_TAIL: &str = "'\";";
/// The key statement's exact length: its head, 64 hex digits, its tail.
pub(crate) const KEY_STATEMENT_LEN: usize =
    KEY_STATEMENT_HEAD.len() + 64 + KEY_STATEMENT_TAIL.len();

/// The recovery key shown once at setup, e.g. `ABCD-EFGH-…` (32 characters of base32, 160 bits).
pub struct RecoveryKey(Zeroizing<String>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

impl RecoveryKey {
    fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 20]);
        fill_random(bytes.as_mut())?;
        let plain = Zeroizing::new(BASE32_NOPAD.encode(bytes.as_ref()));
        let grouped: Vec<&str> = plain
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        Ok(RecoveryKey(Zeroizing::new(grouped.join("-"))))
    }

    /// The key as shown to the supporter, grouped in fours.
    pub fn display(&self) -> &str {
        &self.0
    }
}

/// Reduces what the supporter typed to the canonical key text: full-width letters folded,
/// case and separators ignored, and the digits people write for look-alike letters mapped back.
fn canonical_recovery_key(typed: &str) -> Zeroizing<String> {
    // Sized up front: a growing String would leave unwiped copies of the key behind.
    let mut out = Zeroizing::new(String::with_capacity(typed.len() * 3));
    for c in typed.nfkc().filter(char::is_ascii_alphanumeric) {
        out.push(match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            c => c,
        });
    }
    out
}

/// Passphrases are compared after NFC so that the same Japanese text typed through a
/// different input method unlocks the same store.
fn canonical_passphrase(typed: &str) -> Zeroizing<String> {
    // NFC grows text at most threefold; sized up front so no unwiped copy is left behind.
    let mut out = Zeroizing::new(String::with_capacity(typed.len() * 3 + 4));
    out.extend(typed.nfc());
    out
}

/// Checks a new passphrase and its confirmation.
pub fn check_new_passphrase(passphrase: &str, confirm: &str) -> Result<()> {
    if canonical_passphrase(passphrase).chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::PassphraseTooShort(MIN_PASSPHRASE_CHARS));
    }
    if canonical_passphrase(passphrase) != canonical_passphrase(confirm) {
        return Err(StoreError::PassphraseMismatch);
    }
    Ok(())
}

fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))
}

/// One sealed copy of the database key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeySlot {
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    salt: String,
    nonce: String,
    sealed: String,
}

/// Which secret a slot is sealed under; also bound into the seal so slots cannot be swapped.
#[derive(Debug, Clone, Copy)]
enum SlotKind {
    Passphrase,
    Recovery,
}

impl SlotKind {
    fn associated_data(self) -> &'static [u8] {
        match self {
            SlotKind::Passphrase => b"career-salon/key-slot/v1/passphrase",
            SlotKind::Recovery => b"career-salon/key-slot/v1/recovery",
        }
    }
}

impl KeySlot {
    fn seal(kind: SlotKind, secret: &[u8], key: &DbKey) -> Result<Self> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        fill_random(&mut salt)?;
        fill_random(&mut nonce)?;
        let params = (KDF_MEMORY_KIB, KDF_ITERATIONS, KDF_LANES);
        let wrapping = derive(secret, &salt, params)?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.0.as_ref(),
                    aad: kind.associated_data(),
                },
            )
            .map_err(|_| StoreError::KeyFileDamaged("seal failed"))?;
        Ok(KeySlot {
            memory_kib: params.0,
            iterations: params.1,
            lanes: params.2,
            salt: BASE64.encode(&salt),
            nonce: BASE64.encode(&nonce),
            sealed: BASE64.encode(&sealed),
        })
    }

    /// Opens the slot; `None` when the secret is wrong.
    fn open(&self, kind: SlotKind, secret: &[u8]) -> Result<Option<DbKey>> {
        let damaged = |_| StoreError::KeyFileDamaged("bad base64");
        let salt = BASE64.decode(self.salt.as_bytes()).map_err(damaged)?;
        let nonce = BASE64.decode(self.nonce.as_bytes()).map_err(damaged)?;
        let sealed = BASE64.decode(self.sealed.as_bytes()).map_err(damaged)?;
        if nonce.len() != 24 {
            return Err(StoreError::KeyFileDamaged("bad slot parameters"));
        }
        let l = KDF_LIMITS;
        if !(l.memory_kib.contains(&self.memory_kib)
            && l.iterations.contains(&self.iterations)
            && l.lanes.contains(&self.lanes)
            && l.salt_bytes.contains(&salt.len()))
        {
            return Err(StoreError::KdfOutOfRange);
        }
        let wrapping = derive(
            secret,
            &salt,
            (self.memory_kib, self.iterations, self.lanes),
        )?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let Ok(plain) = cipher.decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: kind.associated_data(),
            },
        ) else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let mut bytes = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(StoreError::KeyFileDamaged("bad key length"));
        }
        bytes.copy_from_slice(&plain);
        Ok(Some(DbKey(bytes)))
    }
}

fn derive(secret: &[u8], salt: &[u8], (m, t, p): (u32, u32, u32)) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(m, t, p, Some(32))
        .map_err(|_| StoreError::KeyFileDamaged("bad KDF parameters"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|_| StoreError::KeyFileDamaged("bad KDF input"))?;
    Ok(out)
}

/// The key file (`keys.json`): two sealed copies of the database key and nothing else, and
/// while the keys are being made anew (`Vault::prepare_rotation`), the two copies of the next
/// key beside them, so that a folder left at any moment unlocks (`rotation.rs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFile {
    version: u32,
    passphrase: KeySlot,
    recovery: KeySlot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<NextKeys>,
}

/// The next database key, sealed under the passphrase it will have and a new recovery key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NextKeys {
    passphrase: KeySlot,
    recovery: KeySlot,
}

impl KeyFile {
    /// Makes a new database key and seals it under the passphrase and a new recovery key.
    pub fn create(passphrase: &str, confirm: &str) -> Result<(KeyFile, DbKey, RecoveryKey)> {
        check_new_passphrase(passphrase, confirm)?;
        let key = DbKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let file = KeyFile {
            version: 1,
            passphrase: KeySlot::seal(
                SlotKind::Passphrase,
                canonical_passphrase(passphrase).as_bytes(),
                &key,
            )?,
            recovery: KeySlot::seal(
                SlotKind::Recovery,
                canonical_recovery_key(recovery.display()).as_bytes(),
                &key,
            )?,
            next: None,
        };
        Ok((file, key, recovery))
    }

    /// A new database key and recovery key, sealed as `next` beside the current ones (kept
    /// until the database has been re-encrypted): the key file to write before re-encrypting.
    pub(crate) fn begin_rotation(
        &self,
        next_passphrase: &str,
    ) -> Result<(KeyFile, DbKey, RecoveryKey)> {
        let (sealed, key, recovery) = KeyFile::create(next_passphrase, next_passphrase)?;
        let mut pending = self.clone();
        pending.next = Some(NextKeys {
            passphrase: sealed.passphrase,
            recovery: sealed.recovery,
        });
        Ok((pending, key, recovery))
    }

    /// Whether a rotation was begun and not settled.
    pub(crate) fn is_rotating(&self) -> bool {
        self.next.is_some()
    }

    /// The database is under the next key: it becomes the only one.
    pub(crate) fn finish_rotation(&self) -> KeyFile {
        match &self.next {
            Some(next) => KeyFile {
                version: self.version,
                passphrase: next.passphrase.clone(),
                recovery: next.recovery.clone(),
                next: None,
            },
            None => self.clone(),
        }
    }

    /// The database is still under the current key: the next one is forgotten.
    pub(crate) fn abandon_rotation(&self) -> KeyFile {
        KeyFile {
            next: None,
            ..self.clone()
        }
    }

    /// What `passphrase` opens: the current key and, during a rotation, the next one (a reset
    /// changes the passphrase, so either may be the one typed). Wrong for both: `WrongPassphrase`.
    pub(crate) fn keys_for_passphrase(&self, passphrase: &str) -> Result<[Option<DbKey>; 2]> {
        let secret = canonical_passphrase(passphrase);
        let kind = SlotKind::Passphrase;
        let current = self.passphrase.open(kind, secret.as_bytes())?;
        let next = match &self.next {
            Some(n) => n.passphrase.open(kind, secret.as_bytes())?,
            None => None,
        };
        if current.is_none() && next.is_none() {
            return Err(StoreError::WrongPassphrase);
        }
        Ok([current, next])
    }

    /// What `recovery_key` opens, as `keys_for_passphrase`.
    pub(crate) fn keys_for_recovery(&self, recovery_key: &str) -> Result<[Option<DbKey>; 2]> {
        let secret = canonical_recovery_key(recovery_key);
        let kind = SlotKind::Recovery;
        let current = self.recovery.open(kind, secret.as_bytes())?;
        let next = match &self.next {
            Some(n) => n.recovery.open(kind, secret.as_bytes())?,
            None => None,
        };
        if current.is_none() && next.is_none() {
            return Err(StoreError::WrongRecoveryKey);
        }
        Ok([current, next])
    }

    pub fn unlock(&self, passphrase: &str) -> Result<DbKey> {
        self.passphrase
            .open(
                SlotKind::Passphrase,
                canonical_passphrase(passphrase).as_bytes(),
            )?
            .ok_or(StoreError::WrongPassphrase)
    }

    pub fn unlock_with_recovery(&self, recovery_key: &str) -> Result<DbKey> {
        self.recovery
            .open(
                SlotKind::Recovery,
                canonical_recovery_key(recovery_key).as_bytes(),
            )?
            .ok_or(StoreError::WrongRecoveryKey)
    }

    /// Re-seals the passphrase copy under a new passphrase; the recovery copy is kept.
    pub fn change_passphrase(&self, current: &str, next: &str, confirm: &str) -> Result<KeyFile> {
        check_new_passphrase(next, confirm)?;
        self.reseal_passphrase(&self.unlock(current)?, next)
    }

    fn reseal_passphrase(&self, key: &DbKey, next: &str) -> Result<KeyFile> {
        Ok(KeyFile {
            version: self.version,
            passphrase: KeySlot::seal(
                SlotKind::Passphrase,
                canonical_passphrase(next).as_bytes(),
                key,
            )?,
            recovery: self.recovery.clone(),
            next: None,
        })
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let file: KeyFile = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::KeyFileDamaged("not a key file"))?;
        if file.version != 1 {
            return Err(StoreError::KeyFileDamaged("unknown key file version"));
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests;
