//! Enrolment codes (hashed, single use, 15 minutes) and the devices they enrol (token hashes).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{CampusCode, DeviceConfig, DeviceToken, Enrolment, EnrolmentCode};

use super::audit::{record, Actor, AuditAction};
use super::{
    check_name, from_ts, rule, ts, Device, DeviceRow, IssuedCode, Store, CODE_LIFETIME_SECS,
};
use crate::error::{HqError, Result};
use crate::secret;

impl Store {
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
        let code = secret::new_enrolment_code()?;
        let expires_at = ts(now) + CODE_LIFETIME_SECS;
        let campuses: Vec<String> = campuses.into_iter().map(str::to_owned).collect();
        let mut conn = self.write();
        let tx = conn.transaction()?;
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
        let json = serde_json::to_string(&campuses).map_err(|_| HqError::Internal("json"))?;
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, supporter, campuses, issued_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                secret::sha256(code.as_bytes()),
                supporter,
                json,
                ts(now),
                expires_at
            ],
        )?;
        // The code itself is never written down: who it is for, and where.
        let detail = format!("{supporter}（{}）", campuses.join("、"));
        record(&tx, by, now, AuditAction::CodeIssued, &detail)?;
        tx.commit()?;
        Ok(IssuedCode {
            code,
            supporter,
            campuses,
            expires_at: from_ts(expires_at),
        })
    }

    /// Spends a code (once, before it expires) and creates the device; returns its token.
    /// An unknown, expired or used code gets the same answer.
    pub fn enrol(&self, code: &EnrolmentCode, now: DateTime<Utc>) -> Result<Enrolment> {
        let token = secret::new_token()?;
        let mut conn = self.write();
        let rule = rule(&conn)?;
        let noise = super::releases::noise_policy(&conn)?;
        let tx = conn.transaction()?;
        let hash = secret::sha256(code.as_str().as_bytes());
        let found: Option<(String, String)> = tx
            .query_row(
                "SELECT supporter, campuses FROM enrolment_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![hash, ts(now)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((supporter, campuses)) = found else {
            return Err(HqError::EnrolmentCodeInvalid);
        };
        let campuses: Vec<String> =
            serde_json::from_str(&campuses).map_err(|_| HqError::Internal("stored campuses"))?;
        tx.execute(
            "UPDATE enrolment_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![hash, ts(now)],
        )?;
        tx.execute(
            "INSERT INTO devices (token_hash, supporter, created_at) VALUES (?1, ?2, ?3)",
            params![secret::sha256(token.as_bytes()), supporter, ts(now)],
        )?;
        let device = tx.last_insert_rowid();
        let mut codes = Vec::new();
        for c in &campuses {
            tx.execute(
                "INSERT INTO device_campuses (device_id, campus_code) VALUES (?1, ?2)",
                params![device, c],
            )?;
            codes.push(CampusCode::parse(c).map_err(|_| HqError::Internal("stored campus"))?);
        }
        tx.commit()?;
        Ok(Enrolment {
            token: DeviceToken::new(token),
            campuses: codes,
            rule,
            noise: Some(noise),
        })
    }

    pub fn device_config(&self, token: &str) -> Result<DeviceConfig> {
        let conn = self.read();
        let device = authenticate(&conn, token)?;
        Ok(DeviceConfig {
            campuses: device.campuses.into_iter().collect(),
            rule: rule(&conn)?,
            noise: Some(super::releases::noise_policy(&conn)?),
            releases_held: super::releases::held_keys(&conn, device.id)?,
        })
    }

    pub fn devices(&self) -> Result<Vec<DeviceRow>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT d.id, d.supporter, d.created_at, d.revoked_at,
                    (SELECT group_concat(campus_code, ' ') FROM
                        (SELECT campus_code FROM device_campuses WHERE device_id = d.id
                         ORDER BY campus_code)),
                    (SELECT MAX(received_at) FROM uploads WHERE device_id = d.id)
             FROM devices d ORDER BY d.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DeviceRow {
                    id: r.get(0)?,
                    supporter: r.get(1)?,
                    created_at: from_ts(r.get(2)?),
                    revoked_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
                    campuses: r
                        .get::<_, Option<String>>(4)?
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    last_upload_at: r.get::<_, Option<i64>>(5)?.map(from_ts),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Revokes a device: its token is refused from now on. Its figures stay.
    pub fn revoke(&self, by: &Actor, device_id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let supporter: String = tx
            .query_row(
                "SELECT supporter FROM devices WHERE id = ?1",
                [device_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(HqError::NotFound)?;
        let n = tx.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![device_id, ts(now)],
        )?;
        if n > 0 {
            let detail = format!("端末 {device_id}（{supporter}）");
            record(&tx, by, now, AuditAction::DeviceRevoked, &detail)?;
        }
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn authenticate(conn: &Connection, token: &str) -> Result<Device> {
    let found: Option<(i64, Option<i64>)> = conn
        .query_row(
            "SELECT id, revoked_at FROM devices WHERE token_hash = ?1",
            [secret::sha256(token.as_bytes())],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, revoked) = found.ok_or(HqError::TokenInvalid)?;
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
    Ok(Device { id, campuses })
}
