//! Each laptop's public keys for the handover relay (`relayed.rs`): registered by the laptop
//! itself, one pair in use per device, a pair retired when a new laptop takes the device over
//! (the lost laptop's backup, restored there, carries the old pair: it is never taken again).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::PublicKeys;

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::device_auth::authenticate;
use super::rows::ts;
use crate::error::{HqError, Result};

/// A device's keys in use: X25519, then Ed25519.
pub type KeyBytes = ([u8; 32], [u8; 32]);

impl HqStore {
    /// Registers the keys of the laptop `token` names. The same pair again changes nothing;
    /// a pair a takeover retired is refused as `KeysRetired` (a backup restored on the new
    /// laptop brings the lost one's pair), and the laptop makes a new one; another pair while
    /// one is in use, or a pair another device has, is refused as a bad body.
    pub fn register_keys(&self, token: &str, keys: &PublicKeys, now: DateTime<Utc>) -> Result<()> {
        let (encryption, signing) = keys.bytes().ok_or(HqError::BadBody)?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let device = authenticate(&tx, token)?;
        if let Some((_, held)) = in_use(&tx, device.id)? {
            // Another pair while one is in use is refused, and not as retired: a laptop told
            // "retired" makes a new pair, and nothing here may make it drop the keys it has.
            return if held == (encryption, signing) {
                Ok(())
            } else {
                Err(HqError::BadBody)
            };
        }
        let (retired, in_use_elsewhere): (bool, bool) = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM device_keys
                            WHERE (encryption = ?1 OR signing = ?2) AND retired_at IS NOT NULL),
                    EXISTS (SELECT 1 FROM device_keys
                            WHERE (encryption = ?1 OR signing = ?2) AND retired_at IS NULL)",
            params![encryption.as_slice(), signing.as_slice()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if retired {
            return Err(HqError::KeysRetired);
        }
        // Cards are public: another laptop may have registered this one's keys first. Refused
        // without "retired", so this laptop keeps its keys (and the office sees the refusal).
        if in_use_elsewhere {
            return Err(HqError::BadBody);
        }
        tx.execute(
            "INSERT INTO device_keys (device_id, encryption, signing, registered_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                device.id,
                encryption.as_slice(),
                signing.as_slice(),
                ts(now)
            ],
        )?;
        let supporter: String = tx.query_row(
            "SELECT supporter FROM devices WHERE id = ?1",
            [device.id],
            |r| r.get(0),
        )?;
        record(
            &tx,
            &Actor::device(device.id),
            now,
            AuditAction::KeysRegistered,
            &format!("端末 {}（{supporter}）", device.id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every device's keys in use, for 端末一覧's fingerprints.
    pub fn keys_in_use(&self) -> Result<BTreeMap<i64, KeyBytes>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT device_id, encryption, signing FROM device_keys WHERE retired_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (device, e, s) = row?;
            out.insert(device, (bytes32(e)?, bytes32(s)?));
        }
        Ok(out)
    }
}

/// The device's keys in use: their row and bytes.
pub(crate) fn in_use(conn: &Connection, device: i64) -> Result<Option<(i64, KeyBytes)>> {
    let row: Option<(i64, Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT id, encryption, signing FROM device_keys
             WHERE device_id = ?1 AND retired_at IS NULL",
            [device],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(id, e, s)| Ok((id, (bytes32(e)?, bytes32(s)?))))
        .transpose()
}

/// Retires the device's keys in use (a takeover): the new laptop registers a pair of its own.
pub(crate) fn retire(conn: &Connection, device: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE device_keys SET retired_at = ?2 WHERE device_id = ?1 AND retired_at IS NULL",
        params![device, ts(now)],
    )?;
    Ok(())
}

fn bytes32(v: Vec<u8>) -> Result<[u8; 32]> {
    v.try_into().map_err(|_| HqError::Internal("stored key"))
}
