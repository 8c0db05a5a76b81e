//! Merging two profiles of one student (two nicknames typed for the same person).

use rusqlite::{params, OptionalExtension, Transaction};
use salon_core::{CoreError, Student};

use crate::error::{Result, StoreError};
use crate::vault::Store;

impl Store {
    /// Merges `merge_away` into `keep`: visits, appointments, follow-ups (they are the visits'),
    /// path history and any visit draft that names the merged-away student move to the one
    /// kept, which takes the other's grade and path decision where it has none; then the
    /// merged-away profile (its name) is deleted. Both must be of one campus (`OtherCampus`).
    pub fn merge_students(&mut self, keep: i64, merge_away: i64) -> Result<Student> {
        if keep == merge_away {
            return Err(CoreError::InvalidChoice("mergeAway").into());
        }
        let tx = self.conn.transaction()?;
        let kept = campus_and_path(&tx, keep)?;
        let away = campus_and_path(&tx, merge_away)?;
        if kept.campus_id != away.campus_id {
            return Err(StoreError::OtherCampus);
        }
        for table in ["visit", "appointment", "path_change"] {
            tx.execute(
                &format!("UPDATE {table} SET student_id = ?1 WHERE student_id = ?2"),
                params![keep, merge_away],
            )?;
        }
        if kept.undecided && !away.undecided {
            // The trigger records the change in the path history; the decision keeps the
            // campus it was made at.
            tx.execute(
                "UPDATE student SET path_status = ?1, path_decided_on = ?2 WHERE id = ?3",
                params![away.path_status, away.path_decided_on, keep],
            )?;
            tx.execute(
                "UPDATE student SET path_campus_id = ?1 WHERE id = ?2",
                params![away.path_campus_id, keep],
            )?;
        }
        tx.execute(
            "UPDATE student SET grade = COALESCE(grade, ?1), updated_at = ?2 WHERE id = ?3",
            params![away.grade, crate::rows::stamp(), keep],
        )?;
        repoint_drafts(&tx, keep, merge_away)?;
        tx.execute("DELETE FROM student WHERE id = ?1", [merge_away])?;
        tx.commit()?;
        self.student(keep)
    }
}

struct Profile {
    campus_id: i64,
    grade: Option<i64>,
    path_status: String,
    path_decided_on: Option<String>,
    path_campus_id: Option<i64>,
    undecided: bool,
}

fn campus_and_path(tx: &Transaction<'_>, id: i64) -> Result<Profile> {
    tx.query_row(
        "SELECT campus_id, grade, path_status, path_decided_on, path_campus_id FROM student
         WHERE id = ?1",
        [id],
        |r| {
            let path_status: String = r.get(2)?;
            Ok(Profile {
                campus_id: r.get(0)?,
                grade: r.get(1)?,
                undecided: path_status == "undecided",
                path_status,
                path_decided_on: r.get(3)?,
                path_campus_id: r.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotFound("student"))
}

/// A visit form's draft that names the merged-away student is pointed at the one kept.
fn repoint_drafts(tx: &Transaction<'_>, keep: i64, merge_away: i64) -> Result<()> {
    for (key, mut value) in crate::drafts::drafts_naming(tx, merge_away)? {
        value["student"] = serde_json::Value::String(keep.to_string());
        tx.execute(
            "UPDATE draft SET body = ?1 WHERE key = ?2",
            params![value.to_string(), key],
        )?;
    }
    Ok(())
}
