//! Enrolment codes (hashed, single use, 15 minutes) and the devices they enrol (token hashes).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{AppVersion, CampusCode, DeviceConfig, DeviceToken, Enrolment, EnrolmentCode};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{
    check_name, from_ts, ts, DeviceRow, IssuedCode, PendingCode, CODE_LIFETIME_SECS,
};
use crate::error::{HqError, Result};
use crate::secret;

impl HqStore {
    // ---- enrolment and devices ----

    /// Issues a one-time code for a named supporter and campuses that exist.
    pub fn issue_code(
        &self,
        by: &Actor,
        supporter: &str,
        campuses: &[CampusCode],
        now: DateTime<Utc>,
    ) -> Result<IssuedCode> {
        let supporter = check_name(supporter, "supporter")?;
        let campuses: BTreeSet<&str> = campuses.iter().map(|c| c.as_str()).collect();
        if campuses.is_empty() {
            return Err(HqError::BadForm("campuses"));
        }
        let campuses: Vec<String> = campuses.into_iter().map(str::to_owned).collect();
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let issued = insert_code(&tx, supporter, campuses, None, now)?;
        // The code itself is never written down: who it is for, and where.
        let detail = format!("{}（{}）", issued.supporter, issued.campuses.join("、"));
        record(&tx, by, now, AuditAction::CodeIssued, &detail)?;
        tx.commit()?;
        Ok(issued)
    }

    /// Issues a one-time code with which a new laptop takes over device `device_id` (one lost
    /// or broken, its backup restored on the new laptop), for the device's supporter and its
    /// campuses still open. To headquarters it stays the same device: what the laptop sends
    /// again is the same key, never counted twice, and the months it released are held, never
    /// drawn again. Spending the code ends the old token; an earlier unused takeover code for
    /// the device is withdrawn.
    pub fn issue_takeover_code(
        &self,
        by: &Actor,
        device_id: i64,
        now: DateTime<Utc>,
    ) -> Result<IssuedCode> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let supporter = supporter_of(&tx, device_id)?;
        let campuses = tx
            .prepare(
                "SELECT dc.campus_code FROM device_campuses dc JOIN campuses c ON c.code = dc.campus_code
                 WHERE dc.device_id = ?1 AND c.retired_at IS NULL ORDER BY dc.campus_code",
            )?
            .query_map([device_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        if campuses.is_empty() {
            return Err(HqError::BadForm("campuses"));
        }
        tx.execute(
            "DELETE FROM enrolment_codes WHERE takes_over = ?1 AND used_at IS NULL",
            [device_id],
        )?;
        let issued = insert_code(&tx, supporter, campuses, Some(device_id), now)?;
        let detail = format!(
            "端末 {device_id}（{}、{}）",
            issued.supporter,
            issued.campuses.join("、")
        );
        record(&tx, by, now, AuditAction::TakeoverCodeIssued, &detail)?;
        tx.commit()?;
        Ok(issued)
    }

    /// Codes issued and not yet used that have not expired, the soonest to expire first: who
    /// each is for, so the office can see one waiting and cancel it.
    pub fn pending_codes(&self, now: DateTime<Utc>) -> Result<Vec<PendingCode>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT rowid, supporter, campuses, expires_at, takes_over FROM enrolment_codes
             WHERE used_at IS NULL AND expires_at > ?1 ORDER BY expires_at, rowid",
        )?;
        let rows = stmt
            .query_map([ts(now)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, supporter, campuses, expires_at, takes_over)| {
                Ok(PendingCode {
                    id,
                    supporter,
                    campuses: serde_json::from_str(&campuses)
                        .map_err(|_| HqError::Internal("stored campuses"))?,
                    expires_at: from_ts(expires_at),
                    takes_over,
                })
            })
            .collect()
    }

    /// Cancels a code not yet used: a laptop can no longer enrol with it. Issuing another
    /// undoes it.
    pub fn cancel_code(&self, by: &Actor, id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let (supporter, campuses): (String, String) = tx
            .query_row(
                "SELECT supporter, campuses FROM enrolment_codes
                 WHERE rowid = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![id, ts(now)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(HqError::NotFound)?;
        tx.execute("DELETE FROM enrolment_codes WHERE rowid = ?1", [id])?;
        let campuses: Vec<String> =
            serde_json::from_str(&campuses).map_err(|_| HqError::Internal("stored campuses"))?;
        let detail = format!("{supporter}（{}）", campuses.join("、"));
        record(&tx, by, now, AuditAction::CodeCancelled, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Spends a code (once, before it expires) and creates the device; returns its token.
    /// An unknown, expired or used code gets the same answer.
    pub fn enrol(
        &self,
        code: &EnrolmentCode,
        app: &AppVersion,
        now: DateTime<Utc>,
    ) -> Result<Enrolment> {
        let token = secret::new_token()?;
        let mut conn = self.write();
        let path_calendar = super::path_decisions::path_calendar(&conn)?;
        let tx = conn.transaction()?;
        let hash = secret::sha256(code.as_str().as_bytes());
        let found: Option<(String, String, Option<i64>)> = tx
            .query_row(
                "SELECT supporter, campuses, takes_over FROM enrolment_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![hash, ts(now)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((supporter, campuses, takes_over)) = found else {
            return Err(HqError::EnrolmentCodeInvalid);
        };
        let campuses: Vec<String> =
            serde_json::from_str(&campuses).map_err(|_| HqError::Internal("stored campuses"))?;
        tx.execute(
            "UPDATE enrolment_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![hash, ts(now)],
        )?;
        let token_hash = secret::sha256(token.as_bytes());
        let device = device_for(&tx, &token_hash, &supporter, takes_over, now)?;
        keep_app_version(&tx, device, app)?;
        let mut codes = Vec::new();
        for c in &campuses {
            tx.execute(
                "INSERT INTO device_campuses (device_id, campus_code) VALUES (?1, ?2)",
                params![device, c],
            )?;
            codes.push(CampusCode::parse(c).map_err(|_| HqError::Internal("stored campus"))?);
        }
        tx.commit()?;
        if takes_over.is_some() {
            let _ = super::relay_ending::scrub(&conn);
        }
        Ok(Enrolment {
            token: DeviceToken::new(token),
            campuses: codes,
            path_calendar,
        })
    }

    /// The campuses, calendar and held releases a device syncs under; its app version is kept.
    pub fn device_config(&self, token: &str, app: &AppVersion) -> Result<DeviceConfig> {
        let (device, config) = {
            let conn = self.read();
            let device = super::device_auth::authenticate(&conn, token)?;
            let (releases_held, path_releases_held) = super::releases::held_keys(&conn, device.id)?;
            let config = DeviceConfig {
                campuses: device.campuses.iter().cloned().collect(),
                releases_held,
                path_calendar: super::path_decisions::path_calendar(&conn)?,
                path_releases_held,
            };
            (device, config)
        };
        // Before every sync: the writer (which uploads wait for) only when the version changed.
        if device.app_version.as_deref() != Some(app.to_string().as_str()) {
            keep_app_version(&self.write(), device.id, app)?;
        }
        Ok(config)
    }

    pub fn devices(&self) -> Result<Vec<DeviceRow>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT d.id, d.supporter, d.created_at, d.revoked_at, d.taken_over_at,
                    (SELECT group_concat(campus_code, ' ') FROM
                        (SELECT campus_code FROM device_campuses WHERE device_id = d.id
                         ORDER BY campus_code)),
                    (SELECT MAX(received_at) FROM uploads WHERE device_id = d.id),
                    d.app_version, d.update_platform
             FROM devices d ORDER BY d.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DeviceRow {
                    id: r.get(0)?,
                    supporter: r.get(1)?,
                    created_at: from_ts(r.get(2)?),
                    revoked_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
                    taken_over_at: r.get::<_, Option<i64>>(4)?.map(from_ts),
                    campuses: r
                        .get::<_, Option<String>>(5)?
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    last_upload_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
                    app_version: r.get(7)?,
                    update_platform: r
                        .get::<_, Option<String>>(8)?
                        .as_deref()
                        .and_then(salon_protocol::updates::UpdatePlatform::parse),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Revokes a device: its token is refused from now on. Its figures stay.
    pub fn revoke(&self, by: &Actor, device_id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let supporter = supporter_of(&tx, device_id)?;
        let n = tx.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![device_id, ts(now)],
        )?;
        if n > 0 {
            let detail = format!("端末 {device_id}（{supporter}）");
            record(&tx, by, now, AuditAction::DeviceRevoked, &detail)?;
            // Its keys go with it: a backup of it enrolled anew must make a pair of its own.
            super::device_keys::retire(&tx, device_id, now)?;
            let to_it = super::relay_ending::end_for_recipient(&tx, device_id, now)?;
            let from_it = super::relay_ending::end_from_sender(&tx, device_id, now)?;
            if to_it || from_it {
                tx.commit()?;
                let _ = super::relay_ending::scrub(&conn);
                return Ok(());
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Keeps the app version a device last named (written only when it changed).
pub(super) fn keep_app_version(conn: &Connection, device: i64, app: &AppVersion) -> Result<()> {
    conn.execute(
        "UPDATE devices SET app_version = ?2 WHERE id = ?1 AND app_version IS NOT ?2",
        params![device, app.to_string()],
    )?;
    Ok(())
}

/// Stores a new code's hash for campuses that are open; the code is returned, never kept.
fn insert_code(
    tx: &Connection,
    supporter: String,
    campuses: Vec<String>,
    takes_over: Option<i64>,
    now: DateTime<Utc>,
) -> Result<IssuedCode> {
    for c in &campuses {
        let open: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM campuses WHERE code = ?1 AND retired_at IS NULL)",
            [c],
            |r| r.get(0),
        )?;
        if !open {
            return Err(HqError::BadForm("campuses"));
        }
    }
    let code = secret::new_enrolment_code()?;
    let expires_at = ts(now) + CODE_LIFETIME_SECS;
    let json = serde_json::to_string(&campuses).map_err(|_| HqError::Internal("json"))?;
    tx.execute(
        "INSERT INTO enrolment_codes (code_hash, supporter, campuses, issued_at, expires_at, takes_over)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            secret::sha256(code.as_bytes()),
            supporter,
            json,
            ts(now),
            expires_at,
            takes_over
        ],
    )?;
    Ok(IssuedCode {
        code,
        supporter,
        campuses,
        expires_at: from_ts(expires_at),
    })
}

/// The device an enrolment gives its token: a new one, or the one the code takes over (its
/// old token replaced, so the lost laptop can send nothing more, and its campuses set anew).
fn device_for(
    tx: &Connection,
    token_hash: &[u8],
    supporter: &str,
    takes_over: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let Some(device) = takes_over else {
        tx.execute(
            "INSERT INTO devices (token_hash, supporter, created_at) VALUES (?1, ?2, ?3)",
            params![token_hash, supporter, ts(now)],
        )?;
        return Ok(tx.last_insert_rowid());
    };
    let n = tx.execute(
        "UPDATE devices SET token_hash = ?2, revoked_at = NULL, taken_over_at = ?3 WHERE id = ?1",
        params![device, token_hash, ts(now)],
    )?;
    if n != 1 {
        return Err(HqError::Internal("taken-over device"));
    }
    tx.execute("DELETE FROM device_campuses WHERE device_id = ?1", [device])?;
    // The restored backup holds the lost laptop's keys: the new laptop registers its own, and
    // packages sealed to the old ones end, their senders told.
    super::device_keys::retire(tx, device, now)?;
    super::relay_ending::end_for_recipient(tx, device, now)?;
    Ok(device)
}

/// The supporter a device was enrolled for; `NotFound` for no such device.
fn supporter_of(conn: &Connection, device_id: i64) -> Result<String> {
    conn.query_row(
        "SELECT supporter FROM devices WHERE id = ?1",
        [device_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(HqError::NotFound)
}
