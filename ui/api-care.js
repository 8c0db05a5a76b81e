// Backend calls of the follow-through area (フォロー): appointments, follow-ups, 進路, events.
// Everything goes through api.js's invokeCommand, the one door to window.__TAURI__.


/** @typedef {import("./api-types").Appointment} Appointment */
/** @typedef {import("./api-types").AppointmentInput} AppointmentInput */
/** @typedef {import("./api-types").Event} CareEvent */
/** @typedef {import("./api-types").EventInput} EventInput */
/** @typedef {import("./api-types").EventKind} EventKind */
/** @typedef {import("./api-types").FollowUp} FollowUp */
/** @typedef {import("./api-types").FollowUpsDue} FollowUpsDue */
/** @typedef {import("./api-types").OutreachEntry} OutreachEntry */
/** @typedef {import("./api-types").PathChange} PathChange */
/** @typedef {import("./api-types").RiskEntry} RiskEntry */
/** @typedef {import("./api-types").Visit} Visit */
/** @typedef {import("./api-types").VisitInput} VisitInput */

import { invokeCommand as call } from "./api.js";

/** @type {EventKind[]} */
export const EVENT_KINDS = ["career_talk", "career_guidance", "parent_seminar", "supporter_training", "exchange"];

/** @param {AppointmentInput} appointment @returns {Promise<Appointment>} */
export const bookAppointment = (appointment) => call("book_appointment", { appointment });

/**
 * @param {string|null} date "YYYY-MM-DD", null = today (Tokyo)
 * @param {number|null} campusId
 * @returns {Promise<Appointment[]>}
 */
export const listAppointments = (date, campusId) => call("list_appointments", { date, campusId });

/** @param {number} studentId @returns {Promise<Appointment[]>} newest first */
export const studentAppointments = (studentId) => call("student_appointments", { studentId });

/** @param {number} appointmentId @returns {Promise<Appointment>} */
export const markAppointmentMissed = (appointmentId) => call("mark_appointment_missed", { appointmentId });

/** @param {number} appointmentId @returns {Promise<null>} */
export const cancelAppointment = (appointmentId) => call("cancel_appointment", { appointmentId });

/**
 * Saves the visit and, in the same transaction, deletes the form's draft, keeps the
 * appointment it came from and books the next one.
 * @param {import("./api-types").VisitInput} visit
 * @param {string} draftKey
 * @param {number|null} appointmentId
 * @param {{date: string, time: string|null}|null} nextAppointment
 * @returns {Promise<{visit: import("./api-types").Visit, nextAppointment: Appointment|null}>}
 */
export const saveVisitWithCare = (visit, draftKey, appointmentId, nextAppointment) =>
  call("save_visit", { visit, draftKey, appointmentId, nextAppointment });

/** @param {number|null} campusId @returns {Promise<OutreachEntry[]>} */
export const outreachList = (campusId) => call("outreach_list", { campusId });

/** @param {number|null} campusId @param {boolean} dueOnly @returns {Promise<FollowUp[]>} */
export const listFollowUps = (campusId, dueOnly) => call("list_follow_ups", { campusId, dueOnly });

/** @returns {Promise<FollowUpsDue>} Today's follow-ups and concerns, every campus */
export const todayFollowUps = () => call("today_follow_ups", {});

/** @param {number} visitId @returns {Promise<FollowUp>} */
export const markFollowUpDone = (visitId) => call("mark_follow_up_done", { visitId });

/** @param {number} studentId @returns {Promise<PathChange[]>} oldest first */
export const pathHistory = (studentId) => call("path_history", { studentId });

/** @param {number|null} campusId @returns {Promise<RiskEntry[]>} */
export const riskList = (campusId) => call("risk_list", { campusId });

/** @param {EventInput} event @returns {Promise<CareEvent>} */
export const saveEvent = (event) => call("save_event", { event });

/** @param {number} eventId @returns {Promise<null>} */
export const deleteEvent = (eventId) => call("delete_event", { eventId });

/** @param {string} from @param {string} to @returns {Promise<CareEvent[]>} */
export const listEvents = (from, to) => call("list_events", { from, to });
