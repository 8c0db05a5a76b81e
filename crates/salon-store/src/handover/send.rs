//! Sealing a caseload for a colleague: the students chosen, their records read whole, sealed
//! to the colleague's card (confirmed again by its fingerprint, read from the colleague's
//! screen), and the handover recorded. From then on the students' records here are read-only
//! (migration 0005's triggers) until the receipt settles it or the supporter cancels it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};
use salon_handover::{seal, LaptopCard};

use super::caseload::read_caseload;
use super::record::{insert_record, record, HandoverRecord, HandoverRequest, Sealed};
use crate::error::{Result, StoreError};
use crate::laptop_keys::laptop_keys;
use crate::retention::PURGED_NAME;
use crate::vault::Store;

/// How long a package may be taken for: two weeks, for a stick to travel and a colleague to
/// be back at their desk (salon-handover allows 30 days at most).
const PACKAGE_DAYS: i64 = 14;

impl Store {
    /// Seals the caseload `request` names for the colleague, as this laptop's `my_label`, at
    /// `now` (Tokyo's `today`).
    pub fn seal_handover(
        &mut self,
        request: &HandoverRequest,
        my_label: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Sealed> {
        self.seal_handover_via(request, my_label, now, today, None)
    }

    /// As `seal_handover`; for headquarters' laptop `via`, the package is kept to go at the
    /// next sync, in the same transaction that records the handover.
    pub(super) fn seal_handover_via(
        &mut self,
        request: &HandoverRequest,
        my_label: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
        via: Option<i64>,
    ) -> Result<Sealed> {
        if self.work_in_hand()? == Some(crate::WorkInHand::SalonOpen) {
            return Err(StoreError::SalonOpen);
        }
        let (colleague, card) = self.colleague(request.colleague)?;
        let fingerprint = card.fingerprint();
        if !fingerprint.matches(&request.typed_fingerprint) {
            return Err(StoreError::FingerprintMismatch);
        }
        let students = self.students_to_hand_on(request)?;
        let campus_name: String = self
            .conn
            .query_row(
                "SELECT name FROM campus WHERE id = ?1",
                [request.campus_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound("campus"))?;
        let caseload = read_caseload(
            &self.conn,
            request.campus_id,
            &students,
            &fingerprint.to_string(),
            request.reason,
            today,
        )?;
        let contents = zeroize::Zeroizing::new(
            serde_json::to_vec(&caseload).map_err(|_| StoreError::Damaged("caseload"))?,
        );
        let keys = laptop_keys(&self.conn)?;
        let package = seal(
            &keys,
            my_label,
            &card,
            &contents,
            now,
            now + Duration::days(PACKAGE_DAYS),
        )
        .map_err(StoreError::Handover)?;
        let header = package.header().map_err(StoreError::Handover)?;
        let record = HandoverRecord {
            id: header.id.clone(),
            direction: "sent".into(),
            state: "sealed".into(),
            reason: request.reason,
            colleague,
            fingerprint: fingerprint.to_string(),
            campus_name,
            handed_on: today,
            counts: caseload.counts(),
            created_at: crate::rows::stamp(),
            settled_at: None,
            relay_state: None,
            relay_end: None,
        };
        let tx = self.conn.transaction()?;
        insert_record(
            &tx,
            &record,
            &serde_json::to_string(&header).unwrap_or_default(),
            None,
        )?;
        for student in &students {
            tx.execute(
                "INSERT INTO handover_student (handover_id, student_id) VALUES (?1, ?2)",
                params![record.id, student],
            )?;
        }
        let file = package.to_file();
        let mut record = record;
        if let Some(device) = via {
            tx.execute(
                "UPDATE handover SET relay_device = ?2, relay_state = 'to_send', package = ?3
                 WHERE id = ?1",
                params![record.id, device, file],
            )?;
            record.relay_state = Some("to_send".into());
        }
        tx.commit()?;
        Ok(Sealed { file, record })
    }

    /// Takes back a package not yet settled: its students' records here can be written again.
    /// (A colleague who already took it keeps a copy that counts nowhere.)
    pub fn cancel_handover(&mut self, id: &str) -> Result<HandoverRecord> {
        let record = self.move_sent(id, "sealed", "cancelled")?;
        self.cancel_relayed_here(id)?;
        Ok(record)
    }

    /// Ends a cover (一時的な代理): the students' records here can be written again. (Their
    /// records the colleague took stay there, counting nowhere; handing them back ends it too.)
    pub fn end_cover(&mut self, id: &str) -> Result<HandoverRecord> {
        self.move_sent(id, "cover", "ended")
    }

    /// A handover this laptop sent, from the state `from` to `to`; any other is not found.
    fn move_sent(&mut self, id: &str, from: &str, to: &str) -> Result<HandoverRecord> {
        let changed = self.conn.execute(
            "UPDATE handover SET state = ?3, settled_at = ?4
             WHERE id = ?1 AND direction = 'sent' AND state = ?2",
            params![id, from, to, crate::rows::stamp()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound("handover"));
        }
        Ok(record(&self.conn, id)?.0)
    }

    /// Every handover this laptop sealed or took, newest first.
    pub fn handovers(&self) -> Result<Vec<HandoverRecord>> {
        super::record::records(&self.conn)
    }

    /// A known colleague's name here and card.
    fn colleague(&self, id: i64) -> Result<(String, LaptopCard)> {
        let (label, card): (String, String) = self
            .conn
            .query_row(
                "SELECT label, card FROM known_laptop WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound("known laptop"))?;
        let card =
            LaptopCard::from_file(&card).map_err(|_| StoreError::Damaged("known laptop card"))?;
        Ok((label, card))
    }

    /// The students of the campus the request names (all of them when it names none) that can
    /// be handed on: not reduced to a bare row, not already in a handover under way.
    fn students_to_hand_on(&self, request: &HandoverRequest) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM student
             WHERE campus_id = ?1 AND display_name != ?2
               AND id NOT IN (SELECT student_id FROM locked_student)
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![request.campus_id, PURGED_NAME], |r| r.get(0))?;
        let eligible: Vec<i64> = rows.collect::<rusqlite::Result<_>>()?;
        let chosen = match &request.students {
            None => eligible,
            Some(named) => {
                if named.iter().any(|id| !eligible.contains(id)) {
                    return Err(StoreError::NotFound("student"));
                }
                let mut named = named.clone();
                named.sort_unstable();
                named.dedup();
                named
            }
        };
        if chosen.is_empty() {
            return Err(StoreError::NothingToHandOver);
        }
        Ok(chosen)
    }
}
