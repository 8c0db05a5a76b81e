//! The handover's types as the supporter's screens see them, and the handover record
//! (引き継ぎの記録) both laptops keep: who, when, what, why, never a name or a note.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// Why a caseload is handed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum HandoverReason {
    /// 担当交代: the colleague takes the students on; this laptop's copy is removed once the
    /// colleague's receipt comes back.
    Transfer,
    /// 一時的な代理: the colleague covers for a while; this laptop keeps its copy, read-only.
    Cover,
}

impl HandoverReason {
    pub(super) fn code(self) -> &'static str {
        match self {
            HandoverReason::Transfer => "transfer",
            HandoverReason::Cover => "cover",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "transfer" => Some(HandoverReason::Transfer),
            "cover" => Some(HandoverReason::Cover),
            _ => None,
        }
    }
}

/// What the supporter asks to hand on: to which colleague (a known laptop), confirmed by the
/// fingerprint read from that colleague's screen now; the campus, and some of its students or
/// (none named) all of them; and why.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverRequest {
    pub colleague: i64,
    pub typed_fingerprint: String,
    pub campus_id: i64,
    pub students: Option<Vec<i64>>,
    pub reason: HandoverReason,
}

/// How much a package holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverCounts {
    pub students: u32,
    pub visits: u32,
    /// Visits with a follow-up date or 要連携.
    pub follow_ups: u32,
    pub appointments: u32,
    pub drafts: u32,
}

/// One line of the handover record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverRecord {
    pub id: String,
    /// `sent` or `taken`.
    pub direction: String,
    /// `sealed` (waiting for the receipt), `done`, `cover` (kept read-only), `ended` (the
    /// cover over) or `cancelled`.
    pub state: String,
    pub reason: HandoverReason,
    /// The colleague's laptop, by the name given to its card here.
    pub colleague: String,
    pub fingerprint: String,
    pub campus_name: String,
    #[ts(type = "string")]
    pub handed_on: NaiveDate,
    pub counts: HandoverCounts,
    pub created_at: String,
    pub settled_at: Option<String>,
    /// Through headquarters (事務局経由): where it stands on the way (`to_send`, `sent`,
    /// `cancel_to_send`, `ended`, `receipt_to_send`, `receipt_sent`); none for a file.
    pub relay_state: Option<String>,
    /// Why headquarters ended it: `cancelled`, `expired`, `recipient_replaced`, or the code
    /// it refused it with.
    pub relay_end: Option<String>,
}

/// A sealed package: its file's text, to be carried to the colleague, and its record.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Sealed {
    pub file: String,
    pub record: HandoverRecord,
}

/// A package opened for the recipient to decide on: who sent what, and the students already
/// here by the same name at that campus, each offered as a merge.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PackageSummary {
    pub id: String,
    pub sender: String,
    pub fingerprint: String,
    pub campus_name: String,
    pub reason: HandoverReason,
    #[ts(type = "string")]
    pub handed_on: NaiveDate,
    pub expires_at: String,
    pub counts: HandoverCounts,
    pub merge_offers: Vec<MergeOffer>,
}

/// A student in the package with the same name as one already at the campus here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MergeOffer {
    /// The student's number in the package.
    pub key: i64,
    pub name: String,
    /// The student here with that name.
    pub student_id: i64,
}

/// Records a handover with its header as sealed and, on the recipient, the receipt it signed.
pub(super) fn insert_record(
    conn: &Connection,
    r: &HandoverRecord,
    header: &str,
    receipt: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO handover (id, direction, state, reason, colleague, fingerprint, campus_name,
                               handed_on, counts, header, created_at, settled_at, receipt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            r.id,
            r.direction,
            r.state,
            r.reason.code(),
            r.colleague,
            r.fingerprint,
            r.campus_name,
            crate::rows::date_text(r.handed_on),
            serde_json::to_string(&r.counts).unwrap_or_default(),
            header,
            r.created_at,
            r.settled_at,
            receipt,
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, direction, state, reason, colleague, fingerprint, campus_name, \
                       handed_on, counts, created_at, settled_at, relay_state, relay_end";

fn read_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoverRecord> {
    let counts: String = r.get(8)?;
    Ok(HandoverRecord {
        id: r.get(0)?,
        direction: r.get(1)?,
        state: r.get(2)?,
        reason: crate::rows::code(r, 3, HandoverReason::from_code)?,
        colleague: r.get(4)?,
        fingerprint: r.get(5)?,
        campus_name: r.get(6)?,
        handed_on: crate::rows::date(r, 7)?,
        counts: serde_json::from_str(&counts).unwrap_or_default(),
        created_at: r.get(9)?,
        settled_at: r.get(10)?,
        relay_state: r.get(11)?,
        relay_end: r.get(12)?,
    })
}

/// Every handover, newest first.
pub(super) fn records(conn: &Connection) -> Result<Vec<HandoverRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM handover ORDER BY created_at DESC, rowid DESC"
    ))?;
    let rows = stmt.query_map([], read_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One handover and its header as sealed.
pub(super) fn record(conn: &Connection, id: &str) -> Result<(HandoverRecord, String)> {
    conn.query_row(
        &format!("SELECT {COLUMNS}, header FROM handover WHERE id = ?1"),
        [id],
        |r| Ok((read_record(r)?, r.get(13)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound("handover"))
}

/// The recipient's choice for a merge offer: the package's student `key` joins the student
/// `student_id` here instead of being made new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Merge {
    pub key: i64,
    pub student_id: i64,
}
