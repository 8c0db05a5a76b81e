//! What of today may leave for a campus. Nothing about a day leaves while its salon is open:
//! the times its revisions reach headquarters would tell when students came (two visits ten
//! minutes apart would arrive as two revisions ten minutes apart). When the salon closes, the
//! day goes as one revision; what changes later that day (a salon reopened, a visit added
//! after closing) waits until the Tokyo day has ended, and goes then as a correction.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;
use crate::rows::date_text;

/// Today, as far as one campus's snapshots may tell of it.
pub(super) struct Today {
    day: NaiveDate,
    state: State,
}

enum State {
    /// Nothing of today has gone and no salon is open: today goes as it stands.
    Free,
    /// Today's salon is open and nothing of today has gone: today is left out.
    Open,
    /// Today has gone once: its day, its events and its month stay as they went.
    Sent,
}

impl Today {
    pub(super) fn of(
        tx: &Transaction<'_>,
        campus_id: i64,
        code: &str,
        day: NaiveDate,
    ) -> Result<Today> {
        let text = date_text(day);
        let sent = tx
            .query_row(
                "SELECT 1 FROM outbox WHERE kind IN ('day', 'events') AND campus_code = ?1
                   AND period = ?2",
                params![code, text],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let open = tx
            .query_row(
                "SELECT 1 FROM salon_session WHERE campus_id = ?1 AND date = ?2
                   AND closed_at IS NULL",
                params![campus_id, text],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let state = match (sent, open) {
            (true, _) => State::Sent,
            (false, true) => State::Open,
            (false, false) => State::Free,
        };
        Ok(Today { day, state })
    }

    /// Today with nothing held back: for what belongs to no campus's salon (online events).
    pub(super) fn free(day: NaiveDate) -> Today {
        Today {
            day,
            state: State::Free,
        }
    }

    /// The last day whose records the campus's snapshots are made of.
    pub(super) fn until(&self) -> NaiveDate {
        match self.state {
            State::Open => self.day.pred_opt().unwrap_or(self.day),
            State::Free | State::Sent => self.day,
        }
    }

    /// Whether the snapshot `kind` of `period` stays as it went until today has ended.
    pub(super) fn keeps(&self, kind: &str, period: &str) -> bool {
        matches!(self.state, State::Sent)
            && match kind {
                "month" => period == self.day.format("%Y-%m").to_string(),
                _ => period == date_text(self.day),
            }
    }
}
