//! Drafts of forms being typed, kept in the encrypted database so nothing typed is lost.

use rusqlite::{params, OptionalExtension};
use salon_core::CoreError;

use crate::error::Result;
use crate::rows::stamp;
use crate::vault::Store;

/// A draft holds one form: the longest note plus every other field fits well within this.
pub const DRAFT_MAX_BYTES: usize = 256 * 1024;
const DRAFT_KEY_MAX_CHARS: usize = 100;

/// The draft key of the form for a new visit in a salon session. (The UI writes the same keys:
/// `draftKeys` in ui/api.js, checked against these by a test of the app.)
pub fn new_visit_draft_key(session_id: i64) -> String {
    format!("visit:new:{session_id}")
}

/// The draft key of the form correcting a saved visit.
pub fn visit_draft_key(visit_id: i64) -> String {
    format!("visit:{visit_id}")
}

/// The visit forms' drafts that name the student `student_id` (the form writes
/// `"student": "<id>"`, ui/screens/visit.js), by key, with their bodies read.
pub(crate) fn drafts_naming(
    conn: &rusqlite::Connection,
    student_id: i64,
) -> Result<Vec<(String, serde_json::Value)>> {
    let mut stmt = conn.prepare("SELECT key, body FROM draft WHERE key LIKE 'visit:%'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let named = student_id.to_string();
    let mut out = Vec::new();
    for row in rows {
        let (key, body) = row?;
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        if value.get("student").and_then(|s| s.as_str()) == Some(named.as_str()) {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// What an update must wait for: restarting the app in the middle of either would end the
/// supporter's work in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkInHand {
    /// A salon is open (サロン開催中), today's or one never closed.
    SalonOpen,
    /// A form was left half typed (書きかけ): saved or discarded, it goes.
    Draft,
}

impl Store {
    /// The work an app update would interrupt, if any.
    pub fn work_in_hand(&self) -> Result<Option<WorkInHand>> {
        let (salon, draft): (bool, bool) = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM salon_session WHERE closed_at IS NULL),
                    EXISTS (SELECT 1 FROM draft)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(if salon {
            Some(WorkInHand::SalonOpen)
        } else if draft {
            Some(WorkInHand::Draft)
        } else {
            None
        })
    }

    pub fn draft(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT body FROM draft WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Saves (replaces) the draft under `key`.
    pub fn save_draft(&mut self, key: &str, body: &str) -> Result<()> {
        if key.trim().is_empty() {
            return Err(CoreError::Required("key").into());
        }
        if key.chars().count() > DRAFT_KEY_MAX_CHARS {
            return Err(CoreError::TooLong {
                field: "key",
                max: DRAFT_KEY_MAX_CHARS,
            }
            .into());
        }
        if body.len() > DRAFT_MAX_BYTES {
            return Err(CoreError::TooLong {
                field: "body",
                max: DRAFT_MAX_BYTES,
            }
            .into());
        }
        self.conn.execute(
            "INSERT INTO draft (key, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            params![key, body, stamp()],
        )?;
        Ok(())
    }

    pub fn discard_draft(&mut self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM draft WHERE key = ?1", [key])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::vault::tests::{fresh_store, PASS};
    use crate::{StoreError, Vault};

    #[test]
    fn a_draft_survives_closing_and_reopening() {
        let (dir, mut store) = fresh_store();
        store
            .save_draft("visit:new:1", r#"{"note":"まだ途中"}"#)
            .unwrap();
        store
            .save_draft("visit:new:1", r#"{"note":"まだ途中の記録"}"#)
            .unwrap();
        drop(store);
        let mut store = Vault::new(dir.path()).unlock(PASS).unwrap();
        assert_eq!(
            store.draft("visit:new:1").unwrap().as_deref(),
            Some(r#"{"note":"まだ途中の記録"}"#)
        );
        store.discard_draft("visit:new:1").unwrap();
        assert_eq!(store.draft("visit:new:1").unwrap(), None);
    }

    #[test]
    fn an_update_waits_for_an_open_salon_and_a_half_typed_form() {
        use super::WorkInHand;
        let (_dir, mut store) = fresh_store();
        assert_eq!(store.work_in_hand().unwrap(), None);
        store.save_draft("visit:7", r#"{"note":"途中"}"#).unwrap();
        assert_eq!(store.work_in_hand().unwrap(), Some(WorkInHand::Draft));
        store.discard_draft("visit:7").unwrap();
        assert_eq!(store.work_in_hand().unwrap(), None);
        let campus = store
            .save_campus(&crate::vault::tests::campus_input("柏キャンパス", 2))
            .unwrap();
        let open = salon_core::SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: "図書室".into(),
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let session = store.open_session(&open, day, at(10)).unwrap();
        store.save_draft("visit:7", "{}").unwrap();
        assert_eq!(store.work_in_hand().unwrap(), Some(WorkInHand::SalonOpen));
        store.discard_draft("visit:7").unwrap();
        store.close_session(session.id, at(13)).unwrap();
        assert_eq!(store.work_in_hand().unwrap(), None);
    }

    #[test]
    fn an_oversized_draft_is_refused_and_the_old_one_kept() {
        let (_dir, mut store) = fresh_store();
        store.save_draft("k", "前の下書き").unwrap();
        let huge = "あ".repeat(100_000);
        assert!(matches!(
            store.save_draft("k", &huge),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.draft("k").unwrap().as_deref(), Some("前の下書き"));
        assert!(matches!(
            store.save_draft(" ", "x"),
            Err(StoreError::Invalid(_))
        ));
    }
}
