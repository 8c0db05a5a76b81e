//! Corrections (訂正): deleting a visit, moving it to the right day, removing a salon opened
//! by mistake, correcting or reopening a salon, merging two profiles of one student. Each
//! changes the counts, so each wakes the sender: headquarters' figure follows soon.

use chrono::NaiveDate;
use salon_core::{SalonSession, SessionCorrection, Student, Visit};
use salon_store::{MoveTo, RemovedVisits, SessionRow, SESSION_LIST_LIMIT};
use serde::Serialize;
use tauri::State;

use crate::clock::today_tokyo;
use crate::error::{Code, IpcError};
use crate::state::AppState;
use crate::sync::SyncTrigger;

type Answer<T> = Result<T, IpcError>;

/// A salon by id, or a day of the same campus (`YYYY-MM-DD`, created when it has none).
fn target(to_session_id: Option<i64>, to_date: Option<String>) -> Answer<MoveTo> {
    match (to_session_id, to_date.as_deref().map(str::trim)) {
        (Some(id), None) => Ok(MoveTo::Session(id)),
        (None, Some(date)) => NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map(MoveTo::Day)
            .map_err(|_| IpcError::invalid(Code::InvalidDate, "toDate")),
        _ => Err(IpcError::invalid(Code::Required, "toDate")),
    }
}

/// The latest salons of one campus or all (サロンの記録), newest first.
#[tauri::command(async)]
pub fn list_sessions(
    state: State<'_, AppState>,
    campus_id: Option<i64>,
) -> Answer<Vec<SessionRow>> {
    state.with_store(|s| Ok(s.recent_sessions(campus_id, SESSION_LIST_LIMIT)?))
}

/// One salon with its visits, and whether it is today's (only today's can be reopened).
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionDetail {
    session: SalonSession,
    visits: Vec<Visit>,
    today: NaiveDate,
}

#[tauri::command(async)]
pub fn get_session(state: State<'_, AppState>, session_id: i64) -> Answer<SessionDetail> {
    state.with_store(|s| {
        Ok(SessionDetail {
            session: s.session(session_id)?,
            visits: s.visits_in_session(session_id)?,
            today: today_tokyo(),
        })
    })
}

#[tauri::command(async)]
pub fn delete_visit(
    state: State<'_, AppState>,
    trigger: State<'_, SyncTrigger>,
    visit_id: i64,
) -> Answer<()> {
    state.with_store(|s| Ok(s.delete_visit(visit_id)?))?;
    trigger.wake();
    Ok(())
}

#[tauri::command(async)]
pub fn move_visit(
    state: State<'_, AppState>,
    trigger: State<'_, SyncTrigger>,
    visit_id: i64,
    to_session_id: Option<i64>,
    to_date: Option<String>,
) -> Answer<Visit> {
    let to = target(to_session_id, to_date)?;
    let moved = state.with_store(|s| Ok(s.move_visit(visit_id, to, today_tokyo())?))?;
    trigger.wake();
    Ok(moved)
}

/// Removes a salon after the supporter saw its visits (`expected`) and chose what becomes of
/// them: `delete`, or `move` to another salon or day.
#[tauri::command(async)]
pub fn remove_session(
    state: State<'_, AppState>,
    trigger: State<'_, SyncTrigger>,
    session_id: i64,
    expected: Vec<i64>,
    visits: String,
    to_session_id: Option<i64>,
    to_date: Option<String>,
) -> Answer<()> {
    let plan = match visits.as_str() {
        "delete" => RemovedVisits::Delete,
        "move" => RemovedVisits::Move(target(to_session_id, to_date)?),
        _ => return Err(IpcError::invalid(Code::InvalidChoice, "visits")),
    };
    state.with_store(|s| Ok(s.remove_session(session_id, plan, &expected, today_tokyo())?))?;
    trigger.wake();
    Ok(())
}

#[tauri::command(async)]
pub fn correct_session(
    state: State<'_, AppState>,
    trigger: State<'_, SyncTrigger>,
    session_id: i64,
    input: SessionCorrection,
) -> Answer<SalonSession> {
    let s = state.with_store(|s| Ok(s.correct_session(session_id, &input, today_tokyo())?))?;
    trigger.wake();
    Ok(s)
}

/// How many of these visits, moved to `to_date`, would change the exact figures only: each
/// was already released under noise in two other months (docs/privacy.md, "Breakdowns under
/// noise"). The confirmation says so.
#[tauri::command(async)]
pub fn left_out_of_breakdowns(
    state: State<'_, AppState>,
    visit_ids: Vec<i64>,
    to_date: String,
) -> Answer<u32> {
    let to = NaiveDate::parse_from_str(to_date.trim(), "%Y-%m-%d")
        .map_err(|_| IpcError::invalid(Code::InvalidDate, "toDate"))?;
    state.with_store(|s| Ok(s.left_out_of_breakdowns(&visit_ids, to)?))
}

/// Whether a student's path decision of kind `path_status`, dated `decided_on`, would change
/// the exact figures only: it was already released under noise in another 年度 or term.
#[tauri::command(async)]
pub fn decision_left_out_of_breakdowns(
    state: State<'_, AppState>,
    student_id: i64,
    path_status: String,
    decided_on: String,
) -> Answer<bool> {
    let on = NaiveDate::parse_from_str(decided_on.trim(), "%Y-%m-%d")
        .map_err(|_| IpcError::invalid(Code::InvalidDate, "pathDecidedOn"))?;
    state.with_store(|s| Ok(s.decision_left_out_of_breakdowns(student_id, &path_status, on)?))
}

#[tauri::command(async)]
pub fn reopen_session(state: State<'_, AppState>, session_id: i64) -> Answer<SalonSession> {
    state.with_store(|s| Ok(s.reopen_session(session_id, today_tokyo())?))
}

#[tauri::command(async)]
pub fn merge_students(
    state: State<'_, AppState>,
    trigger: State<'_, SyncTrigger>,
    keep: i64,
    merge_away: i64,
) -> Answer<Student> {
    let kept = state.with_store(|s| Ok(s.merge_students(keep, merge_away)?))?;
    trigger.wake();
    Ok(kept)
}
