//! Headquarters' SQLite database: one connection behind a mutex, WAL, append-only migrations
//! applied at open. Every method is synchronous; the web layer calls them from
//! `tokio::task::spawn_blocking`. Callers pass the current time, so the store has no clock.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use salon_core::counts::{DayCounts, SuppressionRule};
use salon_protocol::{
    CampusCode, DeviceConfig, DeviceToken, Enrolment, EnrolmentCode, Month, MonthSnapshot, Receipt,
    Upload,
};

use crate::error::{HqError, Result};
use crate::secret;

/// Every migration, in order. Never edit or reorder one that has shipped: append a new one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../migrations/0001_initial.sql"),
    ),
    (
        "0002_month_visits",
        include_str!("../migrations/0002_month_visits.sql"),
    ),
];

/// How long an enrolment code is valid after it is issued.
pub const CODE_LIFETIME_SECS: i64 = 15 * 60;
/// How long an admin session lasts after login.
pub const SESSION_LIFETIME_SECS: i64 = 8 * 60 * 60;
/// The longest supporter or campus name accepted.
pub const MAX_NAME_CHARS: usize = 100;

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusRow {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub from: Month,
    pub to: Month,
    pub schools: u32,
    pub sessions: u32,
    pub visits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_upload_at: Option<DateTime<Utc>>,
}

/// A code as issued: shown once to the admin, never stored in the clear.
#[derive(Clone)]
pub struct IssuedCode {
    pub code: String,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCode")
            .field("code", &"..")
            .field("campuses", &self.campuses)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    pub admin_id: i64,
    pub name: String,
}

/// One campus's day figures for one month, summed over days and over each device's latest
/// snapshot of each day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTotals {
    pub campus: String,
    pub month: Month,
    pub counts: DayCounts,
}

/// An authenticated device.
#[derive(Debug, Clone)]
struct Device {
    id: i64,
    campuses: BTreeSet<CampusCode>,
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

fn check_name(name: &str, field: &'static str) -> Result<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(HqError::BadForm(field));
    }
    Ok(name.to_owned())
}

impl Store {
    /// Opens (or creates) the database at `path` and migrates it to the latest version.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-written transaction (it rolls back on
        // drop), so the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn schema_version(&self) -> Result<usize> {
        version(&self.lock())
    }

    /// Rows in one of the server's tables (for tests and `admin` scripting).
    pub fn count_rows(&self, table: &str) -> Result<i64> {
        const TABLES: &[&str] = &[
            "admins",
            "admin_sessions",
            "campuses",
            "targets",
            "enrolment_codes",
            "devices",
            "device_campuses",
            "uploads",
            "day_snapshots",
            "month_snapshots",
        ];
        if !TABLES.contains(&table) {
            return Err(HqError::NotFound);
        }
        let n = self
            .lock()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n)
    }

    // ---- admins and their sessions ----

    pub fn create_admin(&self, name: &str, password: &str, now: DateTime<Utc>) -> Result<i64> {
        let name = check_name(name, "name")?;
        if password.chars().count() < 10 {
            return Err(HqError::BadForm("password"));
        }
        let hash = secret::hash_password(password)?;
        let conn = self.lock();
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM admins WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(HqError::AlreadyExists("admin"));
        }
        conn.execute(
            "INSERT INTO admins (name, password_hash, created_at) VALUES (?1, ?2, ?3)",
            params![name, hash, ts(now)],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Checks a password and opens a session; returns the session id (kept only by the
    /// browser; the database keeps its hash). The Argon2id check runs outside the lock.
    pub fn login(&self, name: &str, password: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        let found: Option<(i64, String)> = self
            .lock()
            .query_row(
                "SELECT id, password_hash FROM admins WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let ok = match &found {
            Some((_, hash)) => secret::verify_password(password, hash),
            None => {
                secret::verify_password(password, secret::dummy_password_hash());
                false
            }
        };
        let Some((admin_id, _)) = found.filter(|_| ok) else {
            return Ok(None);
        };
        let id = secret::new_token()?;
        let conn = self.lock();
        conn.execute(
            "DELETE FROM admin_sessions WHERE expires_at <= ?1",
            [ts(now)],
        )?;
        conn.execute(
            "INSERT INTO admin_sessions (id_hash, admin_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                secret::sha256(id.as_bytes()),
                admin_id,
                ts(now),
                ts(now) + SESSION_LIFETIME_SECS
            ],
        )?;
        Ok(Some(id))
    }

    pub fn session(&self, session_id: &str, now: DateTime<Utc>) -> Result<Option<AdminSession>> {
        let s = self
            .lock()
            .query_row(
                "SELECT a.id, a.name FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2",
                params![secret::sha256(session_id.as_bytes()), ts(now)],
                |r| {
                    Ok(AdminSession {
                        admin_id: r.get(0)?,
                        name: r.get(1)?,
                    })
                },
            )
            .optional()?;
        Ok(s)
    }

    pub fn logout(&self, session_id: &str) -> Result<()> {
        self.lock().execute(
            "DELETE FROM admin_sessions WHERE id_hash = ?1",
            [secret::sha256(session_id.as_bytes())],
        )?;
        Ok(())
    }

    // ---- campuses, targets, the rule ----

    pub fn add_campus(&self, code: &CampusCode, name: &str, now: DateTime<Utc>) -> Result<()> {
        let name = check_name(name, "name")?;
        let conn = self.lock();
        let n = conn.execute(
            "INSERT OR IGNORE INTO campuses (code, name, created_at) VALUES (?1, ?2, ?3)",
            params![code.as_str(), name, ts(now)],
        )?;
        if n == 0 {
            return Err(HqError::AlreadyExists("campus"));
        }
        Ok(())
    }

    pub fn campuses(&self) -> Result<Vec<CampusRow>> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT code, name FROM campuses ORDER BY code")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CampusRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Sets (or replaces) the target for the months `from..=to`.
    pub fn set_target(&self, t: Target) -> Result<()> {
        if t.from > t.to {
            return Err(HqError::BadForm("period"));
        }
        self.lock().execute(
            "INSERT INTO targets (from_month, to_month, schools, sessions, visits)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (from_month, to_month) DO UPDATE SET
               schools = excluded.schools, sessions = excluded.sessions, visits = excluded.visits",
            params![
                t.from.to_string(),
                t.to.to_string(),
                t.schools,
                t.sessions,
                t.visits
            ],
        )?;
        Ok(())
    }

    pub fn targets(&self) -> Result<Vec<Target>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT from_month, to_month, schools, sessions, visits FROM targets
             ORDER BY from_month, to_month",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(f, t, schools, sessions, visits)| {
                Ok(Target {
                    from: Month::parse(&f).map_err(|_| HqError::Internal("stored month"))?,
                    to: Month::parse(&t).map_err(|_| HqError::Internal("stored month"))?,
                    schools,
                    sessions,
                    visits,
                })
            })
            .collect()
    }

    pub fn rule(&self) -> Result<SuppressionRule> {
        rule(&self.lock())
    }

    pub fn set_rule(&self, rule: SuppressionRule) -> Result<()> {
        if !rule.is_valid() {
            return Err(HqError::BadForm("rule"));
        }
        self.lock().execute(
            "UPDATE rule SET k = ?1, sensitive_k = ?2 WHERE id = 1",
            params![rule.k, rule.sensitive_k],
        )?;
        Ok(())
    }

    // ---- enrolment and devices ----

    /// Issues a one-time code for a named supporter and campuses that exist.
    pub fn issue_code(
        &self,
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
        let conn = self.lock();
        for c in &campuses {
            let exists: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM campuses WHERE code = ?1)",
                [c],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(HqError::BadForm("campuses"));
            }
        }
        let json = serde_json::to_string(&campuses).map_err(|_| HqError::Internal("json"))?;
        conn.execute(
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
        let mut conn = self.lock();
        let rule = rule(&conn)?;
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
        })
    }

    pub fn device_config(&self, token: &str) -> Result<DeviceConfig> {
        let conn = self.lock();
        let device = authenticate(&conn, token)?;
        Ok(DeviceConfig {
            campuses: device.campuses.into_iter().collect(),
            rule: rule(&conn)?,
        })
    }

    pub fn devices(&self) -> Result<Vec<DeviceRow>> {
        let conn = self.lock();
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
    pub fn revoke(&self, device_id: i64, now: DateTime<Utc>) -> Result<()> {
        let conn = self.lock();
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1)",
            [device_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(HqError::NotFound);
        }
        conn.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![device_id, ts(now)],
        )?;
        Ok(())
    }

    // ---- uploads ----

    /// Receives one upload. Everything happens under the lock and the writes in one
    /// transaction: a refusal stores nothing; a key already used returns its receipt (same
    /// body) or is refused (different body).
    pub fn upload(
        &self,
        token: &str,
        idempotency_key: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Receipt> {
        let mut conn = self.lock();
        let device = authenticate(&conn, token)?;
        let body_hash = secret::sha256(body);
        let held: Option<(Vec<u8>, String)> = conn
            .query_row(
                "SELECT body_sha256, receipt FROM uploads WHERE device_id = ?1 AND idem_key = ?2",
                params![device.id, idempotency_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((hash, receipt)) = held {
            if !secret::constant_time_eq(&hash, &body_hash) {
                return Err(HqError::IdempotencyConflict);
            }
            return serde_json::from_str(&receipt).map_err(|_| HqError::Internal("receipt"));
        }
        let upload: Upload = serde_json::from_slice(body).map_err(|_| HqError::BadBody)?;
        upload.check(&rule(&conn)?)?;
        let campuses = upload
            .days
            .iter()
            .map(|d| &d.campus)
            .chain(upload.months.iter().map(|m| &m.campus));
        for c in campuses {
            if !device.campuses.contains(c) {
                return Err(HqError::CampusNotEnrolled);
            }
        }
        let tx = conn.transaction()?;
        let mut receipt = Receipt::default();
        for d in &upload.days {
            let outcome = store_day(&tx, device.id, d, now)?;
            tally(&mut receipt, outcome);
        }
        for m in &upload.months {
            let outcome = store_month(&tx, device.id, m, now)?;
            tally(&mut receipt, outcome);
        }
        let receipt_json =
            serde_json::to_string(&receipt).map_err(|_| HqError::Internal("receipt"))?;
        tx.execute(
            "INSERT INTO uploads (device_id, idem_key, body_sha256, receipt, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device.id, idempotency_key, body_hash, receipt_json, ts(now)],
        )?;
        tx.commit()?;
        Ok(receipt)
    }

    // ---- figures ----

    /// Day figures per campus and month for the days `from..=to`: for each campus and day, the
    /// sum over devices of each device's latest snapshot.
    pub fn day_totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayTotals>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT campus_code, substr(day, 1, 7),
                    SUM(sessions), SUM(session_minutes), SUM(visits), SUM(distinct_students),
                    SUM(first_time_students), SUM(appointments_booked), SUM(appointments_kept),
                    SUM(appointments_missed), SUM(events), SUM(event_participants)
             FROM day_snapshots WHERE day >= ?1 AND day <= ?2
             GROUP BY 1, 2 ORDER BY 1, 2",
        )?;
        let rows = stmt
            .query_map(
                params![
                    from.format("%Y-%m-%d").to_string(),
                    to.format("%Y-%m-%d").to_string()
                ],
                |r| {
                    // A month's sum past u32 cannot be true: an error, never a clamp.
                    let n = |i: usize| -> rusqlite::Result<u32> {
                        let sum = r.get::<_, i64>(i)?;
                        u32::try_from(sum)
                            .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(i, sum))
                    };
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        DayCounts {
                            sessions: n(2)?,
                            session_minutes: n(3)?,
                            visits: n(4)?,
                            distinct_students: n(5)?,
                            first_time_students: n(6)?,
                            appointments_booked: n(7)?,
                            appointments_kept: n(8)?,
                            appointments_missed: n(9)?,
                            events: n(10)?,
                            event_participants: n(11)?,
                        },
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(campus, month, counts)| {
                Ok(DayTotals {
                    campus,
                    month: Month::parse(&month).map_err(|_| HqError::Internal("stored day"))?,
                    counts,
                })
            })
            .collect()
    }

    /// Each device's latest month snapshot for the months `from..=to`, as stored (the caller
    /// checks each again under the rule in force before showing it), with the visits of the
    /// same device's days held for that campus and month.
    pub fn month_snapshots(&self, from: Month, to: Month) -> Result<Vec<HeldMonth>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT m.snapshot,
                    (SELECT COALESCE(SUM(d.visits), 0) FROM day_snapshots d
                     WHERE d.device_id = m.device_id AND d.campus_code = m.campus_code
                       AND substr(d.day, 1, 7) = m.month)
             FROM month_snapshots m WHERE m.month >= ?1 AND m.month <= ?2
             ORDER BY m.campus_code, m.month, m.device_id",
        )?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter()
            .map(|(s, visits)| {
                Ok(HeldMonth {
                    snapshot: serde_json::from_str(s)
                        .map_err(|_| HqError::Internal("stored snapshot"))?,
                    visits_in_days: u64::try_from(*visits).map_err(|_| HqError::ImpossibleTotal)?,
                })
            })
            .collect()
    }
}

/// A device's month snapshot as held, beside the visits of that device's days of the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMonth {
    pub snapshot: MonthSnapshot,
    pub visits_in_days: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Stored,
    Unchanged,
    Stale,
}

fn tally(r: &mut Receipt, o: Outcome) {
    match o {
        Outcome::Stored => r.stored += 1,
        Outcome::Unchanged => r.unchanged += 1,
        Outcome::Stale => r.stale += 1,
    }
}

fn compare(held: Option<u32>, revision: u32) -> Outcome {
    match held {
        None => Outcome::Stored,
        Some(h) if revision > h => Outcome::Stored,
        Some(h) if revision == h => Outcome::Unchanged,
        Some(_) => Outcome::Stale,
    }
}

/// The revision this device's snapshot for (campus, period) holds, if any. `table` and
/// `period` are this module's own names, never input.
fn held_revision(
    tx: &Transaction<'_>,
    table: &str,
    period: &str,
    device: i64,
    campus: &str,
    key: &str,
) -> Result<Option<u32>> {
    Ok(tx
        .query_row(
            &format!(
                "SELECT revision FROM {table}
                 WHERE device_id = ?1 AND campus_code = ?2 AND {period} = ?3"
            ),
            params![device, campus, key],
            |r| r.get(0),
        )
        .optional()?)
}

fn store_day(
    tx: &Transaction<'_>,
    device: i64,
    d: &salon_protocol::DaySnapshot,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let day = d.day.format("%Y-%m-%d").to_string();
    let held = held_revision(tx, "day_snapshots", "day", device, d.campus.as_str(), &day)?;
    let outcome = compare(held, d.revision);
    if outcome == Outcome::Stored {
        let c = &d.counts;
        tx.execute(
            "INSERT OR REPLACE INTO day_snapshots (device_id, campus_code, day, revision,
                sessions, session_minutes, visits, distinct_students, first_time_students,
                appointments_booked, appointments_kept, appointments_missed, events,
                event_participants, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                device,
                d.campus.as_str(),
                day,
                d.revision,
                c.sessions,
                c.session_minutes,
                c.visits,
                c.distinct_students,
                c.first_time_students,
                c.appointments_booked,
                c.appointments_kept,
                c.appointments_missed,
                c.events,
                c.event_participants,
                ts(now)
            ],
        )?;
    }
    Ok(outcome)
}

fn store_month(
    tx: &Transaction<'_>,
    device: i64,
    m: &MonthSnapshot,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let month = m.month.to_string();
    let held = held_revision(
        tx,
        "month_snapshots",
        "month",
        device,
        m.campus.as_str(),
        &month,
    )?;
    let outcome = compare(held, m.revision);
    if outcome == Outcome::Stored {
        let json = serde_json::to_string(m).map_err(|_| HqError::Internal("json"))?;
        tx.execute(
            "INSERT OR REPLACE INTO month_snapshots
                (device_id, campus_code, month, revision, snapshot, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![device, m.campus.as_str(), month, m.revision, json, ts(now)],
        )?;
    }
    Ok(outcome)
}

fn authenticate(conn: &Connection, token: &str) -> Result<Device> {
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

fn rule(conn: &Connection) -> Result<SuppressionRule> {
    Ok(
        conn.query_row("SELECT k, sensitive_k FROM rule WHERE id = 1", [], |r| {
            Ok(SuppressionRule {
                k: r.get(0)?,
                sensitive_k: r.get(1)?,
            })
        })?,
    )
}

fn version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(v as usize)
}

/// Applies the migrations after the database's version, each in its own transaction with its
/// `user_version` bump.
fn migrate(conn: &mut Connection) -> Result<()> {
    let current = version(conn)?;
    if current > MIGRATIONS.len() {
        return Err(HqError::Internal("database is newer than this server"));
    }
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_snapshots_held_from_version_1_get_the_visits_of_their_days() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hq.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].1).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO campuses VALUES ('C-012', '柏', 0);
                 INSERT INTO devices VALUES (1, x'00', '山田', 0, NULL);
                 INSERT INTO day_snapshots VALUES
                   (1, 'C-012', '2025-02-18', 1, 1, 180, 7, 5, 1, 0, 0, 0, 0, 0, 0),
                   (1, 'C-012', '2025-02-25', 1, 1, 180, 9, 6, 1, 0, 0, 0, 0, 0, 0),
                   (1, 'C-012', '2025-03-04', 1, 1, 180, 4, 4, 1, 0, 0, 0, 0, 0, 0);",
            )
            .unwrap();
            let breakdown = serde_json::json!({
                "byRoute": salon_core::Route::ALL.iter().map(|r| serde_json::json!({"code": r.code(), "count": null})).collect::<Vec<_>>(),
                "byTopic": salon_core::Topic::ALL.iter().map(|t| serde_json::json!({"code": t.code(), "count": null})).collect::<Vec<_>>(),
                "byFormat": salon_core::Format::ALL.iter().map(|f| serde_json::json!({"code": f.code(), "count": 0})).collect::<Vec<_>>(),
                "pathDecisions": salon_core::PathStatus::ALL.iter().filter(|p| p.is_decided()).map(|p| serde_json::json!({"code": p.code(), "count": 0})).collect::<Vec<_>>(),
            });
            let v1 = serde_json::json!({
                "campus": "C-012", "month": "2025-02", "revision": 1,
                "rule": {"k": 5, "sensitiveK": 10}, "breakdown": breakdown,
            });
            conn.execute(
                "INSERT INTO month_snapshots VALUES (1, 'C-012', '2025-02', 1, ?1, 0)",
                [v1.to_string()],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        let feb = Month::parse("2025-02").unwrap();
        let held = store.month_snapshots(feb, feb).unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].snapshot.breakdown.visits, 16);
        assert_eq!(held[0].visits_in_days, 16);
    }

    #[test]
    fn an_empty_database_migrates_to_the_latest_version_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hq.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        assert_eq!(store.rule().unwrap(), SuppressionRule::default());
        for t in [
            "campuses",
            "devices",
            "day_snapshots",
            "month_snapshots",
            "uploads",
        ] {
            assert_eq!(store.count_rows(t).unwrap(), 0);
        }
        let mode: String = store
            .lock()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
    }

    #[test]
    fn a_code_works_once_and_not_after_fifteen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hq.db")).unwrap();
        let now = Utc::now();
        let c012 = CampusCode::parse("C-012").unwrap();
        store.add_campus(&c012, "柏キャンパス", now).unwrap();
        let issued = store
            .issue_code("山田", std::slice::from_ref(&c012), now)
            .unwrap();
        let code = EnrolmentCode::parse(&issued.code).unwrap();
        let late = now + chrono::Duration::seconds(CODE_LIFETIME_SECS);
        assert!(matches!(
            store.enrol(&code, late),
            Err(HqError::EnrolmentCodeInvalid)
        ));
        let e = store.enrol(&code, now).unwrap();
        assert_eq!(e.campuses, vec![c012]);
        assert!(matches!(
            store.enrol(&code, now),
            Err(HqError::EnrolmentCodeInvalid)
        ));
        assert_eq!(store.count_rows("devices").unwrap(), 1);
    }
}
