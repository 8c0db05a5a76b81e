//! The sender settles a handover with the colleague's signed receipt. A transfer (担当交代)
//! removes the copy here as a deletion request does, leaving the bare rows every exact day
//! and month figure is counted from, and keeps what the copy counted in the releases not yet
//! drawn (`sync::handover_shares`): nothing headquarters holds or will be sent changes. A cover
//! (一時的な代理) keeps the copy, read-only.

use chrono::NaiveDate;
use rusqlite::params;
use salon_handover::{check_receipt, PackageHeader, Receipt, Refusal};

use super::record::{record, HandoverReason, HandoverRecord};
use crate::error::{Result, StoreError};
use crate::laptop_keys::keys_owning;
use crate::retention::purge_student_in;
use crate::sync::handover_shares::{keep_shares, undrawn};
use crate::vault::Store;

impl Store {
    /// Imports the colleague's receipt (its file's text) on Tokyo's `today`, and settles the
    /// handover it names.
    pub fn import_receipt(&mut self, file: &str, today: NaiveDate) -> Result<HandoverRecord> {
        let receipt = Receipt::from_file(file).map_err(StoreError::Handover)?;
        let id = receipt.package_id().map_err(StoreError::Handover)?;
        let (held, header) = match record(&self.conn, &id) {
            Ok(found) => found,
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::Handover(Refusal::WrongReceipt))
            }
            Err(e) => return Err(e),
        };
        if held.direction != "sent" {
            return Err(StoreError::Handover(Refusal::WrongReceipt));
        }
        let header: PackageHeader =
            serde_json::from_str(&header).map_err(|_| StoreError::Damaged("handover header"))?;
        let keys = keys_owning(&self.conn, &header.sender)?;
        check_receipt(&keys, &header, &receipt).map_err(StoreError::Handover)?;
        match held.state.as_str() {
            "sealed" => {}
            "cancelled" => return Err(StoreError::Handover(Refusal::WrongReceipt)),
            _ => return Err(StoreError::Handover(Refusal::Replayed)),
        }
        let (reporting, calendar) = match self.enrolment()? {
            Some(e) => {
                let ids = self.reporting_campus_ids(&e)?;
                (ids, Some(e.path_calendar))
            }
            None => (Vec::new(), None),
        };
        let students: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT student_id FROM handover_student WHERE handover_id = ?1")?;
            let rows = stmt.query_map([&id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let state = match held.reason {
            HandoverReason::Transfer => "done",
            HandoverReason::Cover => "cover",
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE handover SET state = ?2, settled_at = ?3 WHERE id = ?1",
            params![id, state, crate::rows::stamp()],
        )?;
        if held.reason == HandoverReason::Transfer {
            let before = undrawn(&tx, &reporting, calendar.as_ref(), today)?;
            for student in &students {
                purge_student_in(&tx, *student)?;
                // A new visit's form typed while the handover was sealed, naming the student.
                for (key, _) in crate::drafts::drafts_naming(&tx, *student)? {
                    tx.execute("DELETE FROM draft WHERE key = ?1", [key])?;
                }
            }
            let after = undrawn(&tx, &reporting, calendar.as_ref(), today)?;
            keep_shares(&tx, &id, &before, &after)?;
        }
        tx.commit()?;
        Ok(record(&self.conn, &id)?.0)
    }
}
