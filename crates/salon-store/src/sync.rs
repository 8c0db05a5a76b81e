//! The device side of reporting to headquarters: the enrolment, the outbox of count snapshots
//! and the log of what was sent. Only counts are computed here (by salon-core's rules) and only
//! salon-protocol's types are prepared for sending.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, OptionalExtension};
use salon_core::counts::{
    day_counts, month_breakdown, DayCounts, MonthBreakdown, SessionFact, SuppressionRule, VisitFact,
};
use salon_core::{Format, PathStatus, Route, Topic};
use salon_protocol::{
    CampusCode, DaySnapshot, DeviceToken, Enrolment, Month, MonthSnapshot, Receipt, Upload,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::rows::{code, date, opt_date, stamp};
use crate::vault::Store;

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

/// What one campus's records add up from, read once.
struct CampusFacts {
    sessions: Vec<SessionFact>,
    visits: Vec<VisitFact>,
    decisions: Vec<(NaiveDate, PathStatus)>,
    /// Appointments and events at the campus (online events are in no campus's snapshot).
    care: crate::care::CareFacts,
}

fn campus_facts(
    conn: &rusqlite::Connection,
    campus_id: i64,
    today: NaiveDate,
) -> Result<CampusFacts> {
    let mut stmt = conn.prepare(
        "SELECT date, opened_at, closed_at, format FROM salon_session WHERE campus_id = ?1",
    )?;
    let sessions = stmt
        .query_map([campus_id], |r| {
            let opened: String = r.get(1)?;
            let closed: Option<String> = r.get(2)?;
            Ok(SessionFact {
                date: date(r, 0)?,
                minutes: minutes_between(&opened, closed.as_deref()),
                format: code(r, 3, Format::from_code)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT s.date, v.student_id, v.route, s.format,
                (SELECT group_concat(topic, ',') FROM visit_topic t WHERE t.visit_id = v.id),
                v.student_id IS NOT NULL AND v.id = (
                    SELECT v2.id FROM visit v2 JOIN salon_session s2 ON s2.id = v2.session_id
                    WHERE v2.student_id = v.student_id ORDER BY s2.date, v2.id LIMIT 1)
         FROM visit v JOIN salon_session s ON s.id = v.session_id WHERE s.campus_id = ?1",
    )?;
    let visits = stmt
        .query_map([campus_id], |r| {
            let topics: Option<String> = r.get(4)?;
            Ok(VisitFact {
                date: date(r, 0)?,
                student: r.get(1)?,
                route: code(r, 2, Route::from_code)?,
                format: code(r, 3, Format::from_code)?,
                topics: topics
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(Topic::from_code)
                    .collect(),
                first_visit: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT path_decided_on, path_status FROM student
         WHERE campus_id = ?1 AND path_decided_on IS NOT NULL AND path_status != 'undecided'",
    )?;
    let decisions = stmt
        .query_map([campus_id], |r| {
            Ok((opt_date(r, 0)?, code(r, 1, PathStatus::from_code)?))
        })?
        .filter_map(|row| match row {
            Ok((Some(d), p)) => Some(Ok((d, p))),
            Ok((None, _)) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(CampusFacts {
        sessions,
        visits,
        decisions,
        care: crate::care::CareFacts::read(conn, campus_id, today)?,
    })
}

fn minutes_between(opened: &str, closed: Option<&str>) -> u32 {
    let parse = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").ok();
    match (parse(opened), closed.and_then(parse)) {
        (Some(o), Some(c)) if c > o => (c - o).num_minutes() as u32,
        _ => 0,
    }
}

impl CampusFacts {
    /// Every day with a salon, a visit, an appointment or an event, and its counts.
    fn days(&self) -> BTreeMap<NaiveDate, DayCounts> {
        let mut days: BTreeMap<NaiveDate, (Vec<SessionFact>, Vec<VisitFact>)> = BTreeMap::new();
        for s in &self.sessions {
            days.entry(s.date).or_default().0.push(s.clone());
        }
        for v in &self.visits {
            days.entry(v.date).or_default().1.push(v.clone());
        }
        let mut counts: BTreeMap<NaiveDate, DayCounts> = days
            .into_iter()
            .map(|(d, (s, v))| (d, day_counts(&s, &v)))
            .collect();
        self.care.add_to(&mut counts);
        counts
    }

    /// Every month with a salon, a visit or a path decision, and its breakdowns.
    fn months(&self, rule: SuppressionRule) -> BTreeMap<Month, MonthBreakdown> {
        let mut months: BTreeMap<Month, (Vec<VisitFact>, Vec<PathStatus>)> = BTreeMap::new();
        for s in &self.sessions {
            months.entry(Month::of(s.date)).or_default();
        }
        for v in &self.visits {
            months
                .entry(Month::of(v.date))
                .or_default()
                .0
                .push(v.clone());
        }
        for (d, p) in &self.decisions {
            months.entry(Month::of(*d)).or_default().1.push(*p);
        }
        months
            .into_iter()
            .map(|(m, (v, p))| (m, month_breakdown(&v, &p, rule)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use salon_core::counts::SuppressionRule;
    use salon_core::{SessionOpen, VisitInput};
    use salon_protocol::{CampusCode, Enrolment, Receipt};

    use crate::vault::tests::{campus_input, fresh_store};
    use crate::{Store, StoreError};

    fn today() -> NaiveDate {
        salon_core::in_tokyo(chrono::Utc::now()).date_naive()
    }

    fn enrol(store: &mut Store, codes: &[&str]) {
        let enrolment = Enrolment {
            token: "device-token".into(),
            campuses: codes
                .iter()
                .map(|c| CampusCode::parse(c).unwrap())
                .collect(),
            rule: SuppressionRule::default(),
        };
        store
            .save_enrolment("http://127.0.0.1:8700", &enrolment)
            .unwrap();
    }

    fn salon_day(store: &mut Store, campus_id: i64, day: u32, visits: usize) -> i64 {
        let open = SessionOpen {
            campus_id,
            format: "in_person".into(),
            place: String::new(),
        };
        let date = NaiveDate::from_ymd_opt(2025, 2, day).unwrap();
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let session = store.open_session(&open, date, t(10)).unwrap();
        for i in 0..visits {
            let input = VisitInput {
                id: None,
                session_id: session.id,
                student_id: None,
                new_student: None,
                route: ["self", "teacher"][i % 2].into(),
                topics: vec!["job_search".into()],
                minutes: 30,
                note: "ノート".into(),
                next_steps: String::new(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            };
            store.save_visit(&input, None).unwrap();
        }
        store.close_session(session.id, t(13)).unwrap();
        session.id
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let (_dir, mut store) = fresh_store();
        enrol(&mut store, &["C-012"]);
        let e = store.enrolment().unwrap().unwrap();
        assert_eq!(&*e.token, "device-token");
        let shown = format!("{e:?}");
        assert!(!shown.contains("device-token"), "{shown}");
    }

    #[test]
    fn month_bodies_from_before_the_visits_total_are_sent_again_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let vault = crate::Vault::new(dir.path());
        let (store, _) = vault
            .create(crate::vault::tests::PASS, crate::vault::tests::PASS)
            .unwrap();
        drop(store);
        let old = vault.open_at_version(crate::vault::tests::PASS, 5).unwrap();
        // A month as version 1 of the protocol wrote it, sent at revision 3.
        old.conn
            .execute(
                "INSERT INTO outbox (kind, campus_code, period, revision, sent_revision, body)
                 VALUES ('month', 'C-012', '2025-02', 3, 3, '{\"old\":true}')",
                [],
            )
            .unwrap();
        drop(old);
        let mut store = vault.unlock(crate::vault::tests::PASS).unwrap();
        assert!(store.pending_upload().unwrap().is_empty());
        let mut campus = campus_input("柏", 2);
        campus.hq_code = Some("C-012".into());
        let campus = store.save_campus(&campus).unwrap();
        enrol(&mut store, &["C-012"]);
        salon_day(&mut store, campus.id, 18, 2);
        store.prepare_outbox(today()).unwrap();
        let pending = store.pending_upload().unwrap();
        assert_eq!(pending.upload.months.len(), 1);
        let month = &pending.upload.months[0];
        assert_eq!((month.revision, month.breakdown.visits), (4, 2));
    }

    #[test]
    fn only_enrolled_campuses_with_a_code_are_prepared() {
        let (_dir, mut store) = fresh_store();
        assert!(matches!(
            store.prepare_outbox(today()),
            Err(StoreError::NotEnrolled)
        ));
        let mut mapped = campus_input("柏", 2);
        mapped.hq_code = Some("C-012".into());
        let mapped = store.save_campus(&mapped).unwrap();
        let unmapped = store.save_campus(&campus_input("松戸", 3)).unwrap();
        salon_day(&mut store, mapped.id, 25, 3);
        salon_day(&mut store, unmapped.id, 26, 2);
        enrol(&mut store, &["C-012"]);
        store.prepare_outbox(today()).unwrap();
        let pending = store.pending_upload().unwrap();
        assert_eq!(pending.upload.days.len(), 1);
        let day = &pending.upload.days[0];
        assert_eq!(
            (
                day.counts.sessions,
                day.counts.session_minutes,
                day.counts.visits
            ),
            (1, 180, 3)
        );
        assert_eq!(pending.upload.months.len(), 1);
        assert!(!pending.payload.contains("ノート"));
        assert!(pending.upload.check(&SuppressionRule::default()).is_ok());
    }

    #[test]
    fn a_long_offline_term_goes_in_uploads_that_fit() {
        let (_dir, mut store) = fresh_store();
        let mut campus = campus_input("柏", 2);
        campus.hq_code = Some("C-012".into());
        let campus = store.save_campus(&campus).unwrap();
        enrol(&mut store, &["C-012"]);
        let open = SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: String::new(),
        };
        let first = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        for d in 0..240 {
            let day = first + chrono::Days::new(d);
            store.open_session(&open, day, ten).unwrap();
        }
        store.prepare_outbox(today()).unwrap();
        let mut sent = 0;
        for _ in 0..10 {
            let pending = store.pending_upload().unwrap();
            if pending.is_empty() {
                break;
            }
            assert!(
                pending.payload.len() <= super::UPLOAD_BUDGET_BYTES,
                "{}",
                pending.payload.len()
            );
            sent += pending.upload.days.len() + pending.upload.months.len();
            store.record_sent(&pending, &Receipt::default()).unwrap();
        }
        // 240 days from 1 September: eight calendar months, September to April.
        assert_eq!(sent, 240 + 8);
    }

    #[test]
    fn a_correction_is_a_new_revision_and_the_rest_stays_sent() {
        let (_dir, mut store) = fresh_store();
        let mut campus = campus_input("柏", 2);
        campus.hq_code = Some("C-012".into());
        let campus = store.save_campus(&campus).unwrap();
        enrol(&mut store, &["C-012"]);
        salon_day(&mut store, campus.id, 18, 2);
        let later = salon_day(&mut store, campus.id, 25, 2);
        store.prepare_outbox(today()).unwrap();
        let first = store.pending_upload().unwrap();
        assert_eq!(first.upload.days.len(), 2);
        store
            .record_sent(
                &first,
                &Receipt {
                    stored: 3,
                    unchanged: 0,
                    stale: 0,
                },
            )
            .unwrap();
        store.prepare_outbox(today()).unwrap();
        assert!(
            store.pending_upload().unwrap().is_empty(),
            "nothing changed, nothing to send"
        );

        // The same upload prepared again has the same idempotency key.
        assert_eq!(
            store.pending_upload().unwrap().idempotency_key,
            store.pending_upload().unwrap().idempotency_key
        );

        let visit = store.visits_in_session(later).unwrap()[0].clone();
        let fix = VisitInput {
            id: Some(visit.id),
            session_id: later,
            student_id: None,
            new_student: None,
            route: "outreach".into(),
            topics: vec!["family".into()],
            minutes: 30,
            note: String::new(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        store.save_visit(&fix, None).unwrap();
        store.prepare_outbox(today()).unwrap();
        let next = store.pending_upload().unwrap();
        // The day's counts did not change (still 2 visits); the month breakdown did.
        assert!(next.upload.days.is_empty());
        assert_eq!(next.upload.months.len(), 1);
        assert_eq!(next.upload.months[0].revision, 2);
        store.record_failed(&next, "offline").unwrap();
        let log = store.sync_log(10).unwrap();
        assert_eq!(
            log.iter().map(|l| l.outcome.as_str()).collect::<Vec<_>>(),
            ["failed", "sent"]
        );
    }
}
