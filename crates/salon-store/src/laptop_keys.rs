//! This laptop's handover keys (`salon_handover::LaptopKeys`), kept in the encrypted database:
//! made with the data folder, so every backup carries them, and kept through key rotation.

use rusqlite::{params, Connection, OptionalExtension};
use salon_handover::LaptopKeys;

use crate::error::{Result, StoreError};
use crate::rows::stamp;

/// This laptop's keys: made with the data folder, or the first time they are needed on a
/// laptop set up before them, and kept from then on.
pub(crate) fn laptop_keys(conn: &Connection) -> Result<LaptopKeys> {
    let held: Option<Vec<u8>> = conn
        .query_row("SELECT secret FROM laptop_keys WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(secret) = held {
        let secret = zeroize::Zeroizing::new(secret);
        return LaptopKeys::from_secret(&secret).map_err(|_| StoreError::Damaged("laptop keys"));
    }
    let keys = LaptopKeys::generate();
    conn.execute(
        "INSERT INTO laptop_keys (id, secret, made_at) VALUES (1, ?1, ?2)",
        params![keys.secret().as_slice(), stamp()],
    )?;
    Ok(keys)
}
