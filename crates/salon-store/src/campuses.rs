//! Campuses and their salon schedule.

use rusqlite::{params, OptionalExtension, Row};
use salon_core::{Campus, CampusInput, Format};

use crate::error::{Result, StoreError};
use crate::rows::{code, is_unique_violation, stamp, time, time_text};
use crate::vault::Store;

const COLUMNS: &str = "id, name, weekday, start_time, end_time, place, default_format, hq_code";

fn campus_from(row: &Row<'_>) -> rusqlite::Result<Campus> {
    Ok(Campus {
        id: row.get(0)?,
        name: row.get(1)?,
        weekday: row.get(2)?,
        start_time: time(row, 3)?,
        end_time: time(row, 4)?,
        place: row.get(5)?,
        default_format: code(row, 6, Format::from_code)?,
        hq_code: row.get(7)?,
    })
}

impl Store {
    /// Adds a campus (no id) or updates one.
    pub fn save_campus(&mut self, input: &CampusInput) -> Result<Campus> {
        let c = input.validate()?;
        let now = stamp();
        let start = time_text(c.start_time);
        let end = time_text(c.end_time);
        let values = params![
            c.name,
            c.weekday,
            start,
            end,
            c.place,
            c.default_format.code(),
            c.hq_code,
            now,
            c.id
        ];
        let result = if c.id == 0 {
            self.conn
                .execute(
                    "INSERT INTO campus (name, weekday, start_time, end_time, place, default_format,
                     hq_code, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                    &values[..8],
                )
                .map(|_| self.conn.last_insert_rowid())
        } else {
            self.campus(c.id)?;
            let tx = self.conn.transaction()?;
            tx.execute(
                "UPDATE campus SET name = ?1, weekday = ?2, start_time = ?3, end_time = ?4,
                 place = ?5, default_format = ?6, hq_code = ?7, updated_at = ?8 WHERE id = ?9",
                values,
            )
            .and_then(|_| tx.commit())
            .map(|_| c.id)
        };
        match result {
            Ok(id) => self.campus(id),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("hqCode")),
            Err(e) => Err(e.into()),
        }
    }

    pub fn campus(&self, id: i64) -> Result<Campus> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM campus WHERE id = ?1"),
                [id],
                campus_from,
            )
            .optional()?
            .ok_or(StoreError::NotFound("campus"))
    }

    /// Every campus, by weekday of its salon then name.
    pub fn campuses(&self) -> Result<Vec<Campus>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM campus ORDER BY weekday, start_time, name"
        ))?;
        let rows = stmt.query_map([], campus_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::vault::tests::{campus_input, fresh_store};
    use crate::StoreError;

    #[test]
    fn a_campus_is_added_then_edited() {
        let (_dir, mut store) = fresh_store();
        let added = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        assert_eq!(added.name, "柏キャンパス");
        let mut edit = campus_input("柏の葉キャンパス", 3);
        edit.id = Some(added.id);
        edit.hq_code = Some("C-012".into());
        let edited = store.save_campus(&edit).unwrap();
        assert_eq!(edited.id, added.id);
        assert_eq!(edited.weekday, 3);
        assert_eq!(store.campuses().unwrap(), vec![edited]);
    }

    #[test]
    fn hq_codes_are_unique_and_nothing_changes_on_refusal() {
        let (_dir, mut store) = fresh_store();
        let mut a = campus_input("A校", 1);
        a.hq_code = Some("C-1".into());
        store.save_campus(&a).unwrap();
        let mut b = campus_input("B校", 2);
        b.hq_code = Some("C-1".into());
        assert!(matches!(
            store.save_campus(&b),
            Err(StoreError::Duplicate("hqCode"))
        ));
        assert_eq!(store.campuses().unwrap().len(), 1);
    }

    #[test]
    fn editing_a_missing_campus_is_not_found() {
        let (_dir, mut store) = fresh_store();
        let mut c = campus_input("A校", 1);
        c.id = Some(42);
        assert!(matches!(
            store.save_campus(&c),
            Err(StoreError::NotFound("campus"))
        ));
        assert!(store.campuses().unwrap().is_empty());
    }
}
