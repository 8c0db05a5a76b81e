//! The laptop's noise secret (`salon_privacy::NoiseKey`): every release's noise is drawn from
//! it, so a release drawn again comes out the same. Made with the data folder, so every backup
//! carries it, and kept through key rotation.

use rusqlite::{Connection, OptionalExtension};
use salon_privacy::NoiseKey;

use crate::error::{Result, StoreError};

/// The key: made at setup (or the first time it is needed) and kept from then on.
pub(crate) fn noise_key(conn: &Connection) -> Result<NoiseKey> {
    let held: Option<Vec<u8>> = conn
        .query_row("SELECT key FROM noise_key WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    if let Some(bytes) = held {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Damaged("noise key"))?;
        return Ok(NoiseKey::from_bytes(bytes));
    }
    let key = NoiseKey::generate()?;
    conn.execute(
        "INSERT INTO noise_key (id, key) VALUES (1, ?1)",
        [&key.as_bytes()[..]],
    )?;
    Ok(key)
}
