//! Events (イベント: 職業講話, ガイダンス, 保護者セミナー, 育成講習, 交流会) and their participants.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use salon_core::care::{Event, EventInput, EventKind};

use super::CARE_LIST_LIMIT;
use crate::error::{Result, StoreError};
use crate::rows::{code, date, date_text, stamp};
use crate::vault::Store;

const EVENT: &str = "SELECT id, kind, date, campus_id, title, students, parents, teachers,
        supporters FROM event";

fn event_from(row: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        kind: code(row, 1, EventKind::from_code)?,
        date: date(row, 2)?,
        campus_id: row.get(3)?,
        title: row.get(4)?,
        students: row.get(5)?,
        parents: row.get(6)?,
        teachers: row.get(7)?,
        supporters: row.get(8)?,
    })
}

impl Store {
    /// Adds an event (no id) or corrects one.
    pub fn save_event(&mut self, input: &EventInput) -> Result<Event> {
        let e = input.validate()?;
        if let Some(campus) = e.campus_id {
            self.campus(campus)?;
        }
        let values = params![
            e.kind.code(),
            date_text(e.date),
            e.campus_id,
            e.title,
            e.students,
            e.parents,
            e.teachers,
            e.supporters,
            stamp(),
            e.id
        ];
        let id = if e.id == 0 {
            self.conn.execute(
                "INSERT INTO event (kind, date, campus_id, title, students, parents, teachers,
                 supporters, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                &values[..9],
            )?;
            self.conn.last_insert_rowid()
        } else {
            self.event(e.id)?;
            self.conn.execute(
                "UPDATE event SET kind = ?1, date = ?2, campus_id = ?3, title = ?4, students = ?5,
                 parents = ?6, teachers = ?7, supporters = ?8, updated_at = ?9 WHERE id = ?10",
                values,
            )?;
            e.id
        };
        self.event(id)
    }

    pub fn event(&self, id: i64) -> Result<Event> {
        self.conn
            .query_row(&format!("{EVENT} WHERE id = ?1"), [id], event_from)
            .optional()?
            .ok_or(StoreError::NotFound("event"))
    }

    pub fn delete_event(&mut self, id: i64) -> Result<()> {
        if self.conn.execute("DELETE FROM event WHERE id = ?1", [id])? == 0 {
            return Err(StoreError::NotFound("event"));
        }
        Ok(())
    }

    /// The events from `from` to `to` (both included), by date.
    pub fn events_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare(&format!(
            "{EVENT} WHERE date BETWEEN ?1 AND ?2 ORDER BY date, id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![date_text(from), date_text(to), CARE_LIST_LIMIT as i64],
            event_from,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
