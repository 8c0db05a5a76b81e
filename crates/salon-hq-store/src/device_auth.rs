//! Who a device request comes from: its token's device, refused when unknown or revoked.

use rusqlite::{Connection, OptionalExtension};
use salon_protocol::CampusCode;

use super::rows::Device;
use crate::error::{HqError, Result};
use crate::secret;

pub(crate) fn authenticate(conn: &Connection, token: &str) -> Result<Device> {
    let found: Option<(i64, Option<i64>, Option<String>)> = conn
        .query_row(
            "SELECT id, revoked_at, app_version FROM devices WHERE token_hash = ?1",
            [secret::sha256(token.as_bytes())],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (id, revoked, app_version) = found.ok_or(HqError::TokenInvalid)?;
    if revoked.is_some() {
        return Err(HqError::DeviceRevoked);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT campus_code FROM device_campuses WHERE device_id = ?1 ORDER BY campus_code",
    )?;
    let codes = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let campuses = codes
        .iter()
        .map(|c| CampusCode::parse(c).map_err(|_| HqError::Internal("stored campus")))
        .collect::<Result<_>>()?;
    Ok(Device {
        id,
        campuses,
        app_version,
    })
}
