//! Students: pseudonymous profiles that never leave the laptop.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use salon_core::{Enrolment, PathStatus, Student, StudentInput};

use crate::error::{Result, StoreError};
use crate::rows::{code, date_text, opt_date, stamp};
use crate::vault::Store;

/// The most students one call lists (the visit form's choice of a campus's students).
pub const STUDENT_LIST_LIMIT: u32 = 500;
/// One page of the students screen.
pub const STUDENT_PAGE_SIZE: u32 = 100;

const COLUMNS: &str = "SELECT st.id, st.display_name, st.grade, st.campus_id, st.enrolment,
        st.path_status, st.path_decided_on,
        (SELECT count(*) FROM visit v WHERE v.student_id = st.id),
        (SELECT max(s.date) FROM visit v JOIN salon_session s ON s.id = v.session_id
          WHERE v.student_id = st.id)";

/// Which students a list holds: a campus (or all) and part of the name.
const MATCHING: &str = "FROM student WHERE (?1 IS NULL OR campus_id = ?1)
    AND display_name LIKE ?2 ESCAPE '\\'";

/// One page of students, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StudentPage {
    pub students: Vec<Student>,
    pub total: u32,
    pub offset: u32,
}

fn student_from(row: &Row<'_>) -> rusqlite::Result<Student> {
    Ok(Student {
        id: row.get(0)?,
        display_name: row.get(1)?,
        grade: row.get(2)?,
        campus_id: row.get(3)?,
        enrolment: code(row, 4, Enrolment::from_code)?,
        path_status: code(row, 5, PathStatus::from_code)?,
        path_decided_on: opt_date(row, 6)?,
        visit_count: row.get(7)?,
        last_visit_on: opt_date(row, 8)?,
    })
}

impl Store {
    /// Adds a student (no id) or updates one.
    pub fn save_student(&mut self, input: &StudentInput) -> Result<Student> {
        let s = input.validate()?;
        self.campus(s.campus_id)?;
        if s.id != 0 {
            self.student(s.id)?;
        }
        let id = write_student(&self.conn, &s)?;
        self.student(id)
    }

    pub fn student(&self, id: i64) -> Result<Student> {
        self.conn
            .query_row(
                &format!("{COLUMNS} FROM student st WHERE st.id = ?1"),
                [id],
                student_from,
            )
            .optional()?
            .ok_or(StoreError::NotFound("student"))
    }

    /// Students by name, optionally of one campus and matching part of the name (at most
    /// [`STUDENT_LIST_LIMIT`]).
    pub fn students(&self, campus_id: Option<i64>, query: &str) -> Result<Vec<Student>> {
        self.student_rows(campus_id, query, 0, STUDENT_LIST_LIMIT)
    }

    /// One page of the students screen, from `offset`, with the total that match.
    pub fn students_page(
        &self,
        campus_id: Option<i64>,
        query: &str,
        offset: u32,
    ) -> Result<StudentPage> {
        let pattern = like_pattern(query);
        let total = self.conn.query_row(
            &format!("SELECT count(*) {MATCHING}"),
            params![campus_id, pattern],
            |r| r.get(0),
        )?;
        let students = self.student_rows(campus_id, query, offset, STUDENT_PAGE_SIZE)?;
        Ok(StudentPage {
            students,
            total,
            offset,
        })
    }

    /// The page is cut first, so the per-student counts are worked out for its rows only.
    fn student_rows(
        &self,
        campus_id: Option<i64>,
        query: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Student>> {
        let mut stmt = self.conn.prepare(&format!(
            "{COLUMNS} FROM (SELECT * {MATCHING} ORDER BY display_name, id LIMIT ?3 OFFSET ?4) st
             ORDER BY st.display_name, st.id"
        ))?;
        let rows = stmt.query_map(
            params![campus_id, like_pattern(query), limit, offset],
            student_from,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Inserts a student met for the first time at a visit, inside the visit's transaction.
pub(crate) fn insert_new_student(
    tx: &Transaction<'_>,
    campus_id: i64,
    display_name: &str,
    grade: Option<u8>,
) -> Result<i64> {
    let student = Student {
        id: 0,
        display_name: display_name.to_owned(),
        grade,
        campus_id,
        enrolment: Enrolment::Enrolled,
        path_status: PathStatus::Undecided,
        path_decided_on: None,
        visit_count: 0,
        last_visit_on: None,
    };
    write_student(tx, &student)
}

/// Inserts a student whose id is 0, else updates it; returns the id.
fn write_student(conn: &Connection, s: &Student) -> Result<i64> {
    let values = params![
        s.campus_id,
        s.display_name,
        s.grade,
        s.enrolment.code(),
        s.path_status.code(),
        s.path_decided_on.map(date_text),
        stamp(),
        s.id
    ];
    if s.id == 0 {
        conn.execute(
            "INSERT INTO student (campus_id, display_name, grade, enrolment, path_status,
             path_decided_on, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            &values[..7],
        )?;
        Ok(conn.last_insert_rowid())
    } else {
        conn.execute(
            "UPDATE student SET campus_id = ?1, display_name = ?2, grade = ?3, enrolment = ?4,
             path_status = ?5, path_decided_on = ?6, updated_at = ?7 WHERE id = ?8",
            values,
        )?;
        Ok(s.id)
    }
}

fn like_pattern(query: &str) -> String {
    format!("%{}%", escape_like(query.trim()))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use crate::vault::tests::{campus_input, fresh_store, student_input};
    use crate::StoreError;

    #[test]
    fn students_are_found_by_part_of_their_name() {
        let (_dir, mut store) = fresh_store();
        let a = store.save_campus(&campus_input("A校", 1)).unwrap();
        let b = store.save_campus(&campus_input("B校", 2)).unwrap();
        store.save_student(&student_input(a.id, "さくら")).unwrap();
        store.save_student(&student_input(a.id, "ゆうき")).unwrap();
        store
            .save_student(&student_input(b.id, "さくらこ"))
            .unwrap();
        store
            .save_student(&student_input(b.id, "100%くん"))
            .unwrap();
        let names =
            |v: Vec<salon_core::Student>| v.into_iter().map(|s| s.display_name).collect::<Vec<_>>();
        assert_eq!(
            names(store.students(None, "さくら").unwrap()),
            ["さくら", "さくらこ"]
        );
        assert_eq!(
            names(store.students(Some(a.id), "さくら").unwrap()),
            ["さくら"]
        );
        assert_eq!(names(store.students(None, "%").unwrap()), ["100%くん"]);
        assert_eq!(store.students(None, "").unwrap().len(), 4);
    }

    #[test]
    fn the_students_screen_pages_through_everyone() {
        let (_dir, mut store) = fresh_store();
        let a = store.save_campus(&campus_input("A校", 1)).unwrap();
        for i in 0..230 {
            store
                .save_student(&student_input(a.id, &format!("生徒{i:03}")))
                .unwrap();
        }
        let first = store.students_page(None, "", 0).unwrap();
        assert_eq!((first.students.len(), first.total), (100, 230));
        assert_eq!(first.students[0].display_name, "生徒000");
        let last = store.students_page(None, "", 200).unwrap();
        assert_eq!(last.students.len(), 30);
        assert_eq!(last.students[29].display_name, "生徒229");
        let some = store.students_page(Some(a.id), "生徒1", 0).unwrap();
        assert_eq!(some.total, 100);
    }

    #[test]
    fn a_student_path_is_updated() {
        let (_dir, mut store) = fresh_store();
        let a = store.save_campus(&campus_input("A校", 1)).unwrap();
        let s = store.save_student(&student_input(a.id, "さくら")).unwrap();
        let mut edit = student_input(a.id, "さくら");
        edit.id = Some(s.id);
        edit.path_status = "further_study".into();
        edit.path_decided_on = Some("2025-01-20".into());
        let s = store.save_student(&edit).unwrap();
        assert_eq!(s.path_status, salon_core::PathStatus::FurtherStudy);
        assert_eq!(s.path_decided_on.unwrap().to_string(), "2025-01-20");
        let mut bad = edit.clone();
        bad.path_decided_on = Some("2025-13-01".into());
        assert!(matches!(
            store.save_student(&bad),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.student(s.id).unwrap(), s);
    }
}
