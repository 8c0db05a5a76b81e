//! The device side of reporting to headquarters: the enrolment, the outbox of count snapshots
//! and the log of what was sent. Only counts are computed here (by salon-core's rules) and only
//! salon-protocol's types are prepared for sending.

mod facts;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use salon_core::counts::{DayCounts, MonthBreakdown, SuppressionRule};
use salon_protocol::{
    CampusCode, DaySnapshot, DeviceToken, Enrolment, Month, MonthSnapshot, Receipt, Upload,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::rows::stamp;
use crate::vault::Store;
use facts::campus_facts;

/// An upload stays under this size, well within headquarters' limit.
pub const UPLOAD_BUDGET_BYTES: usize = salon_protocol::MAX_BODY_BYTES / 2;

/// Where this laptop reports, and under which rule. The token's `Debug` shows nothing.
#[derive(Debug, Clone)]
pub struct HqEnrolment {
    pub hq_url: String,
    pub token: DeviceToken,
    pub campuses: Vec<CampusCode>,
    pub rule: SuppressionRule,
    pub enrolled_at: String,
}

/// The snapshots waiting to be sent, as one upload with its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub upload: Upload,
    /// The exact JSON that goes on the wire (and into the log).
    pub payload: String,
    /// Derived from the payload: a retry of the same upload carries the same key.
    pub idempotency_key: String,
}

impl PendingUpload {
    pub fn is_empty(&self) -> bool {
        self.upload.days.is_empty() && self.upload.months.is_empty()
    }
}

/// One line of the local sync log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLogEntry {
    pub at: String,
    pub outcome: String,
    /// The receipt (as JSON) or the error code.
    pub detail: String,
    pub payload: String,
}

/// What a month snapshot holds besides its key and revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MonthBody {
    rule: SuppressionRule,
    breakdown: MonthBreakdown,
}

impl Store {
    pub fn save_enrolment(&mut self, hq_url: &str, enrolment: &Enrolment) -> Result<()> {
        let campuses = serde_json::to_string(&enrolment.campuses).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO hq_enrolment (id, hq_url, token, campuses, rule_k, rule_sensitive_k, enrolled_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET hq_url = excluded.hq_url, token = excluded.token,
               campuses = excluded.campuses, rule_k = excluded.rule_k,
               rule_sensitive_k = excluded.rule_sensitive_k, enrolled_at = excluded.enrolled_at",
            params![hq_url, &*enrolment.token, campuses, enrolment.rule.k, enrolment.rule.sensitive_k, stamp()],
        )?;
        Ok(())
    }

    pub fn enrolment(&self) -> Result<Option<HqEnrolment>> {
        let row = self
            .conn
            .query_row(
                "SELECT hq_url, token, campuses, rule_k, rule_sensitive_k, enrolled_at
                 FROM hq_enrolment WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, u32>(3)?,
                        r.get::<_, u32>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(
            |(hq_url, token, campuses, k, sensitive_k, enrolled_at)| HqEnrolment {
                hq_url,
                token: DeviceToken::new(token),
                campuses: serde_json::from_str(&campuses).unwrap_or_default(),
                rule: SuppressionRule { k, sensitive_k },
                enrolled_at,
            },
        ))
    }

    /// Headquarters' current campuses and rule, fetched before a sync.
    pub fn update_device_config(
        &mut self,
        campuses: &[CampusCode],
        rule: SuppressionRule,
    ) -> Result<()> {
        let campuses = serde_json::to_string(campuses).unwrap_or_default();
        self.conn.execute(
            "UPDATE hq_enrolment SET campuses = ?1, rule_k = ?2, rule_sensitive_k = ?3 WHERE id = 1",
            params![campuses, rule.k, rule.sensitive_k],
        )?;
        Ok(())
    }

    /// Recomputes every snapshot of the campuses mapped to an enrolled HQ code. A snapshot whose
    /// figures changed (a new visit, a corrected one) gets the next revision and waits to be sent.
    /// `today` is Tokyo's: days after it are not sent.
    pub fn prepare_outbox(&mut self, today: NaiveDate) -> Result<()> {
        let Some(enrolment) = self.enrolment()? else {
            return Err(StoreError::NotEnrolled);
        };
        let campuses = self.reporting_campuses(&enrolment.campuses)?;
        let tx = self.conn.transaction()?;
        for (campus_id, code) in campuses {
            let facts = campus_facts(&tx, campus_id, today)?;
            for (day, counts) in facts.days() {
                upsert_outbox(
                    &tx,
                    "day",
                    &code,
                    &day.format("%Y-%m-%d").to_string(),
                    &counts,
                )?;
            }
            for (month, breakdown) in facts.months(enrolment.rule) {
                let body = MonthBody {
                    rule: enrolment.rule,
                    breakdown,
                };
                upsert_outbox(&tx, "month", &code, &month.to_string(), &body)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Local campuses whose HQ code the device is enrolled for.
    fn reporting_campuses(&self, enrolled: &[CampusCode]) -> Result<Vec<(i64, CampusCode)>> {
        Ok(self
            .campuses()?
            .into_iter()
            .filter_map(|c| Some((c.id, CampusCode::parse(c.hq_code.as_deref()?).ok()?)))
            .filter(|(_, code)| enrolled.contains(code))
            .collect())
    }

    /// The snapshots not yet confirmed by headquarters, as one upload that fits well within
    /// headquarters' body limit; what does not fit waits for the next upload.
    pub fn pending_upload(&self) -> Result<PendingUpload> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, campus_code, period, revision, body FROM outbox
             WHERE sent_revision < revision ORDER BY kind, campus_code, period
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([salon_protocol::MAX_SNAPSHOTS as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut upload = Upload::default();
        let mut size = 0;
        for row in rows {
            let (kind, campus, period, revision, body) = row?;
            // The snapshot's own JSON plus its key and a margin for the envelope.
            size += body.len() + campus.len() + period.len() + 80;
            if size > UPLOAD_BUDGET_BYTES && !(upload.days.is_empty() && upload.months.is_empty()) {
                break;
            }
            let damaged = || StoreError::Damaged("outbox row");
            let campus = CampusCode::parse(&campus).map_err(|_| damaged())?;
            if kind == "day" {
                let day = NaiveDate::parse_from_str(&period, "%Y-%m-%d").map_err(|_| damaged())?;
                let counts: DayCounts = serde_json::from_str(&body).map_err(|_| damaged())?;
                upload.days.push(DaySnapshot {
                    campus,
                    day,
                    revision,
                    counts,
                });
            } else {
                let month = Month::parse(&period).map_err(|_| damaged())?;
                let body: MonthBody = serde_json::from_str(&body).map_err(|_| damaged())?;
                upload.months.push(MonthSnapshot {
                    campus,
                    month,
                    revision,
                    rule: body.rule,
                    breakdown: body.breakdown,
                });
            }
        }
        let payload = serde_json::to_string(&upload).unwrap_or_default();
        let digest = Sha256::digest(payload.as_bytes());
        let idempotency_key = data_encoding::HEXLOWER.encode(&digest[..16]);
        Ok(PendingUpload {
            upload,
            payload,
            idempotency_key,
        })
    }

    /// Headquarters confirmed the upload: its revisions are sent (a figure that changed since
    /// keeps waiting with its newer revision).
    pub fn record_sent(&mut self, pending: &PendingUpload, receipt: &Receipt) -> Result<()> {
        let tx = self.conn.transaction()?;
        let keys = pending
            .upload
            .days
            .iter()
            .map(|d| {
                (
                    "day",
                    d.campus.as_str(),
                    d.day.format("%Y-%m-%d").to_string(),
                    d.revision,
                )
            })
            .chain(
                pending
                    .upload
                    .months
                    .iter()
                    .map(|m| ("month", m.campus.as_str(), m.month.to_string(), m.revision)),
            );
        for (kind, campus, period, revision) in keys {
            tx.execute(
                "UPDATE outbox SET sent_revision = max(sent_revision, ?4)
                 WHERE kind = ?1 AND campus_code = ?2 AND period = ?3",
                params![kind, campus, period, revision],
            )?;
        }
        let detail = serde_json::to_string(receipt).unwrap_or_default();
        log(&tx, pending, "sent", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The upload failed: logged with the error code; the outbox keeps waiting.
    pub fn record_failed(&mut self, pending: &PendingUpload, code: &str) -> Result<()> {
        log(&self.conn, pending, "failed", code)
    }

    /// The latest uploads tried, newest first.
    pub fn sync_log(&self, limit: u32) -> Result<Vec<SyncLogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, outcome, detail, payload FROM sync_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncLogEntry {
                at: r.get(0)?,
                outcome: r.get(1)?,
                detail: r.get(2)?,
                payload: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn log(
    conn: &rusqlite::Connection,
    pending: &PendingUpload,
    outcome: &str,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_log (at, idempotency_key, payload, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![stamp(), pending.idempotency_key, pending.payload, outcome, detail],
    )?;
    Ok(())
}

/// Keeps the body for a key; a different body than the one held takes the next revision.
fn upsert_outbox<T: Serialize>(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    campus: &CampusCode,
    period: &str,
    body: &T,
) -> Result<()> {
    let body = serde_json::to_string(body).unwrap_or_default();
    tx.execute(
        "INSERT INTO outbox (kind, campus_code, period, revision, body) VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (kind, campus_code, period) DO UPDATE
           SET revision = revision + 1, body = excluded.body
           WHERE body != excluded.body",
        params![kind, campus.as_str(), period, body],
    )?;
    Ok(())
}
