//! The supporter's follow-through (フォロー): appointments, the outreach list, follow-ups,
//! path history, the risk list, events. Each command parses, calls the store, maps the error.

use chrono::NaiveDate;
use salon_core::care::{
    Appointment, AppointmentInput, Event, EventInput, FollowUp, FollowUpsDue, NextAppointment,
    OutreachEntry, PathChange, RiskEntry,
};
use salon_core::{parse_date, Visit, VisitInput};

use crate::clock::today_tokyo;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

type Answer<T> = Result<T, IpcError>;

/// A date argument, or today (Tokyo) when absent.
fn day_or_today(field: &'static str, text: Option<&str>) -> Answer<NaiveDate> {
    match text.map(str::trim) {
        None | Some("") => Ok(today_tokyo()),
        Some(t) => parse_date(field, t).map_err(IpcError::from),
    }
}

#[tauri::command(async)]
pub fn book_appointment(
    state: State<'_, AppState>,
    appointment: AppointmentInput,
) -> Answer<Appointment> {
    state.with_store(|s| Ok(s.book_appointment(&appointment)?))
}

/// The appointments of a day (today when `date` is absent), optionally at one campus.
#[tauri::command(async)]
pub fn list_appointments(
    state: State<'_, AppState>,
    date: Option<String>,
    campus_id: Option<i64>,
) -> Answer<Vec<Appointment>> {
    let day = day_or_today("date", date.as_deref())?;
    state.with_store(|s| Ok(s.appointments_on(day, campus_id)?))
}

#[tauri::command(async)]
pub fn student_appointments(
    state: State<'_, AppState>,
    student_id: i64,
) -> Answer<Vec<Appointment>> {
    state.with_store(|s| Ok(s.appointments_of_student(student_id)?))
}

#[tauri::command(async)]
pub fn mark_appointment_missed(
    state: State<'_, AppState>,
    appointment_id: i64,
) -> Answer<Appointment> {
    state.with_store(|s| Ok(s.mark_appointment_missed(appointment_id)?))
}

#[tauri::command(async)]
pub fn cancel_appointment(state: State<'_, AppState>, appointment_id: i64) -> Answer<()> {
    state.with_store(|s| Ok(s.cancel_appointment(appointment_id)?))
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitSaved {
    visit: Visit,
    /// The next appointment booked with it (次回の予約), if one was typed.
    next_appointment: Option<Appointment>,
}

/// Saves a visit and deletes its form's draft in one transaction, keeping the appointment it
/// came from (`appointmentId`) and booking the next one (`nextAppointment`, for a named
/// student).
#[tauri::command(async)]
pub fn save_visit(
    state: State<'_, AppState>,
    visit: VisitInput,
    draft_key: Option<String>,
    appointment_id: Option<i64>,
    next_appointment: Option<NextAppointment>,
) -> Answer<VisitSaved> {
    state.with_store(|s| {
        let (visit, next_appointment) = s.save_visit_with_care(
            &visit,
            draft_key.as_deref(),
            appointment_id,
            next_appointment.as_ref(),
        )?;
        Ok(VisitSaved {
            visit,
            next_appointment,
        })
    })
}

#[tauri::command(async)]
pub fn outreach_list(
    state: State<'_, AppState>,
    campus_id: Option<i64>,
) -> Answer<Vec<OutreachEntry>> {
    state.with_store(|s| Ok(s.outreach_list(campus_id)?))
}

/// Open follow-ups and concerns; with `dueOnly`, those due today or overdue (Tokyo).
#[tauri::command(async)]
pub fn list_follow_ups(
    state: State<'_, AppState>,
    campus_id: Option<i64>,
    due_only: bool,
) -> Answer<Vec<FollowUp>> {
    let due_by = due_only.then(today_tokyo);
    state.with_store(|s| Ok(s.follow_ups(campus_id, due_by)?))
}

/// How many of the follow-ups due Today lists; the rest wait on the care screen's tab.
const TODAY_FOLLOW_UPS: usize = 10;

#[tauri::command(async)]
pub fn today_follow_ups(state: State<'_, AppState>) -> Answer<FollowUpsDue> {
    state.with_store(|s| Ok(s.follow_ups_due(today_tokyo(), TODAY_FOLLOW_UPS)?))
}

#[tauri::command(async)]
pub fn mark_follow_up_done(state: State<'_, AppState>, visit_id: i64) -> Answer<FollowUp> {
    state.with_store(|s| Ok(s.mark_follow_up_done(visit_id)?))
}

#[tauri::command(async)]
pub fn path_history(state: State<'_, AppState>, student_id: i64) -> Answer<Vec<PathChange>> {
    state.with_store(|s| Ok(s.path_history(student_id)?))
}

#[tauri::command(async)]
pub fn risk_list(state: State<'_, AppState>, campus_id: Option<i64>) -> Answer<Vec<RiskEntry>> {
    state.with_store(|s| Ok(s.risk_list(campus_id)?))
}

#[tauri::command(async)]
pub fn save_event(state: State<'_, AppState>, event: EventInput) -> Answer<Event> {
    state.with_store(|s| Ok(s.save_event(&event)?))
}

#[tauri::command(async)]
pub fn delete_event(state: State<'_, AppState>, event_id: i64) -> Answer<()> {
    state.with_store(|s| Ok(s.delete_event(event_id)?))
}

/// The events from `from` to `to` (both `YYYY-MM-DD`, included).
#[tauri::command(async)]
pub fn list_events(state: State<'_, AppState>, from: String, to: String) -> Answer<Vec<Event>> {
    let from = day_or_today("from", Some(&from))?;
    let to = day_or_today("to", Some(&to))?;
    state.with_store(|s| Ok(s.events_between(from, to)?))
}
