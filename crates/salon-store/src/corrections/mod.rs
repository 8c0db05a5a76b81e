//! Corrections (訂正): a visit logged by mistake, a salon opened on the wrong day or campus, a
//! visit under the wrong day, two nicknames for one student. Each is one transaction and a
//! refused one changes nothing. Deletions are final: a deleted note leaves no text behind
//! (`secure_delete`, and FTS5's own `secure-delete` on the search index). The next sync sends
//! every affected day and month again, as zero where nothing is left.

mod students;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use salon_core::{CoreError, SalonSession, SessionCorrection, Visit};

use crate::drafts::{new_visit_draft_key, visit_draft_key};
use crate::error::{Result, StoreError};
use crate::rows::{date_text, is_unique_violation, time_text};
use crate::sessions::load_session;
use crate::vault::Store;

/// Where a visit goes when it is moved (wrong day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveTo {
    /// Another salon of the same campus.
    Session(i64),
    /// The same campus's salon on this day, created (closed, at the campus's usual times and
    /// place, in the first salon's format) when the day has none yet.
    Day(NaiveDate),
}

/// What becomes of the visits of a salon being removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovedVisits {
    /// The visits are deleted with it (logged at a salon that never happened).
    Delete,
    /// The visits move to the right salon first.
    Move(MoveTo),
}

impl Store {
    /// Deletes a visit logged by mistake; its student stays. An appointment it kept is booked
    /// again, one it booked stays without its origin, and its correction draft goes with it.
    pub fn delete_visit(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        delete_visit_in(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// Moves a visit to another salon of its campus (it was written under the wrong day).
    /// Another campus is refused (`OtherCampus`): a visit stays where it happened.
    pub fn move_visit(&mut self, id: i64, to: MoveTo, today: NaiveDate) -> Result<Visit> {
        let tx = self.conn.transaction()?;
        let from = visit_session(&tx, id)?;
        let target = resolve_target(&tx, &from, to, today)?;
        move_visit_in(&tx, id, &from, &target)?;
        tx.commit()?;
        self.visit(id)
    }

    /// Removes a salon opened by mistake. One with visits is removed only with the visits the
    /// supporter saw listed (`expected`, else `VisitsChanged`) and a choice for them; one with a
    /// new visit still in draft is not removed (`DraftPending`).
    pub fn remove_session(
        &mut self,
        id: i64,
        visits: RemovedVisits,
        expected: &[i64],
        today: NaiveDate,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let session = load_session(&tx, id)?;
        let held = visit_ids(&tx, id)?;
        if held != expected.iter().copied().collect::<BTreeSet<_>>() {
            return Err(StoreError::VisitsChanged);
        }
        if has_draft(&tx, &new_visit_draft_key(id))? {
            return Err(StoreError::DraftPending);
        }
        match visits {
            _ if held.is_empty() => {}
            RemovedVisits::Delete => {
                for v in &held {
                    delete_visit_in(&tx, *v)?;
                }
            }
            RemovedVisits::Move(to) => {
                let target = resolve_target(&tx, &session, to, today)?;
                if target.id == session.id {
                    return Err(CoreError::InvalidChoice("sessionId").into());
                }
                for v in &held {
                    move_visit_in(&tx, *v, &session, &target)?;
                }
            }
        }
        tx.execute("DELETE FROM salon_session WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// Corrects a salon's day, times, format and place; its visits go with it. A salon of an
    /// earlier day must have its closing time; a day that already has this campus's salon is
    /// refused (`SessionExistsThatDay`).
    pub fn correct_session(
        &mut self,
        id: i64,
        input: &SessionCorrection,
        today: NaiveDate,
    ) -> Result<SalonSession> {
        let c = input.validate(today)?;
        let tx = self.conn.transaction()?;
        let session = load_session(&tx, id)?;
        if c.closed_at.is_none() && c.date != today {
            return Err(CoreError::Required("closedAt").into());
        }
        if session.is_open() && c.closed_at.is_some() && has_draft(&tx, &new_visit_draft_key(id))? {
            return Err(StoreError::DraftPending);
        }
        let updated = tx.execute(
            "UPDATE salon_session SET date = ?1, opened_at = ?2, closed_at = ?3, format = ?4,
                place = ?5 WHERE id = ?6",
            params![
                date_text(c.date),
                time_text(c.opened_at),
                c.closed_at.map(time_text),
                c.format.code(),
                c.place,
                id
            ],
        );
        match updated {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::SessionExistsThatDay),
            Err(e) => return Err(e.into()),
        }
        tx.commit()?;
        self.session(id)
    }

    /// Opens again today's salon, closed too early. An earlier day's salon is corrected
    /// instead (`SessionNotToday`): reopened, it would wait as forgotten.
    pub fn reopen_session(&mut self, id: i64, today: NaiveDate) -> Result<SalonSession> {
        let session = self.session(id)?;
        if session.date != today {
            return Err(StoreError::SessionNotToday);
        }
        self.conn.execute(
            "UPDATE salon_session SET closed_at = NULL WHERE id = ?1",
            [id],
        )?;
        self.session(id)
    }
}

/// The salon a visit is in.
fn visit_session(tx: &Transaction<'_>, visit_id: i64) -> Result<SalonSession> {
    let session_id: i64 = tx
        .query_row(
            "SELECT session_id FROM visit WHERE id = ?1",
            [visit_id],
            |r| r.get(0),
        )
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound("visit"),
            e => e.into(),
        })?;
    load_session(tx, session_id)
}

fn visit_ids(tx: &Transaction<'_>, session_id: i64) -> Result<BTreeSet<i64>> {
    let mut stmt = tx.prepare("SELECT id FROM visit WHERE session_id = ?1")?;
    let rows = stmt.query_map([session_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn has_draft(tx: &Transaction<'_>, key: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM draft WHERE key = ?1)",
        [key],
        |r| r.get(0),
    )?)
}

/// The salon `to` names for a visit of `from`'s campus, created for a day that has none.
fn resolve_target(
    tx: &Transaction<'_>,
    from: &SalonSession,
    to: MoveTo,
    today: NaiveDate,
) -> Result<SalonSession> {
    let target = match to {
        MoveTo::Session(id) => load_session(tx, id)?,
        MoveTo::Day(date) if date > today => return Err(CoreError::InvalidDate("date").into()),
        MoveTo::Day(date) => {
            // The day's salon as the campus holds it: its usual times and place.
            tx.execute(
                "INSERT INTO salon_session (campus_id, date, opened_at, closed_at, format, place)
                 SELECT id, ?2, start_time, end_time, ?3, place FROM campus WHERE id = ?1
                 ON CONFLICT (campus_id, date) DO NOTHING",
                params![from.campus_id, date_text(date), from.format.code()],
            )?;
            let id: i64 = tx.query_row(
                "SELECT id FROM salon_session WHERE campus_id = ?1 AND date = ?2",
                params![from.campus_id, date_text(date)],
                |r| r.get(0),
            )?;
            load_session(tx, id)?
        }
    };
    if target.campus_id != from.campus_id {
        return Err(StoreError::OtherCampus);
    }
    Ok(target)
}

fn move_visit_in(
    tx: &Transaction<'_>,
    visit_id: i64,
    from: &SalonSession,
    to: &SalonSession,
) -> Result<()> {
    if to.campus_id != from.campus_id {
        return Err(StoreError::OtherCampus);
    }
    tx.execute(
        "UPDATE visit SET session_id = ?1, updated_at = ?2 WHERE id = ?3",
        params![to.id, crate::rows::stamp(), visit_id],
    )?;
    Ok(())
}

pub(crate) fn delete_visit_in(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute(
        "UPDATE appointment SET status = 'booked', visit_id = NULL WHERE visit_id = ?1",
        [id],
    )?;
    tx.execute(
        "UPDATE appointment SET booked_from_visit_id = NULL WHERE booked_from_visit_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM draft WHERE key = ?1", [visit_draft_key(id)])?;
    if tx.execute("DELETE FROM visit WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::NotFound("visit"));
    }
    Ok(())
}
