//! This laptop's handover keys (`salon_handover::LaptopKeys`), kept in the encrypted database:
//! made with the data folder, so every backup carries them, and kept through key rotation.

use rusqlite::{params, Connection, OptionalExtension};
use salon_handover::{LaptopCard, LaptopKeys};

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

/// This laptop's keys, or a pair it retired, whichever holds `card`'s keys: a handover sealed
/// before a takeover names the pair of then, and its receipt is checked against that one.
pub(crate) fn keys_owning(conn: &Connection, card: &LaptopCard) -> Result<LaptopKeys> {
    let current = laptop_keys(conn)?;
    if current.card("").same_keys(card) {
        return Ok(current);
    }
    let mut stmt = conn.prepare("SELECT secret FROM laptop_keys_retired ORDER BY id DESC")?;
    let secrets = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for secret in secrets {
        let secret = zeroize::Zeroizing::new(secret);
        let keys = LaptopKeys::from_secret(&secret)
            .map_err(|_| StoreError::Damaged("retired laptop keys"))?;
        if keys.card("").same_keys(card) {
            return Ok(keys);
        }
    }
    Ok(current)
}

/// Replaces this laptop's keys with a new pair, the old kept retired (`keys_owning`).
pub(crate) fn renew(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO laptop_keys_retired (secret, retired_at)
         SELECT secret, ?1 FROM laptop_keys WHERE id = 1",
        [stamp()],
    )?;
    conn.execute("DELETE FROM laptop_keys WHERE id = 1", [])?;
    laptop_keys(conn)?;
    Ok(())
}
