// Backend calls of the follow-through area (フォロー): appointments, follow-ups, 進路, events.
// Everything goes through api.js's invokeCommand, the one door to window.__TAURI__.

import { invokeCommand as call } from "./api.js";

/** @typedef {"booked"|"kept"|"missed"} AppointmentStatus */
/** @typedef {"career_talk"|"career_guidance"|"parent_seminar"|"supporter_training"|"exchange"} EventKind */

/**
 * @typedef {object} Appointment
 * @property {number} id
 * @property {number} studentId
 * @property {string} studentName
 * @property {number} campusId
 * @property {string} date "YYYY-MM-DD"
 * @property {string|null} time "HH:MM"
 * @property {AppointmentStatus} status
 * @property {number|null} visitId the visit it became, once kept
 * @property {number|null} bookedFromVisitId
 */

/**
 * @typedef {object} AppointmentInput
 * @property {number} studentId
 * @property {string} date
 * @property {string|null} time
 * @property {number|null} [bookedFromVisitId]
 */

/**
 * @typedef {object} OutreachEntry
 * @property {number} studentId
 * @property {string} studentName
 * @property {number} campusId
 * @property {number|null} grade
 * @property {number} misses missed appointments in a row
 * @property {string} lastMissedOn
 * @property {string|null} lastContactOn the latest visit
 */

/**
 * @typedef {object} FollowUp
 * @property {number} visitId
 * @property {string} visitDate
 * @property {number} campusId
 * @property {number|null} studentId
 * @property {string|null} studentName
 * @property {string|null} followUpOn
 * @property {boolean} concern
 * @property {string} nextSteps
 * @property {string|null} doneAt RFC 3339
 */

/**
 * @typedef {object} FollowUpsDue
 * @property {FollowUp[]} first the first few due, as listFollowUps orders them
 * @property {number} total how many are due in all
 */

/**
 * @typedef {object} PathChange
 * @property {import("./api.js").PathStatus} status
 * @property {string|null} decidedOn
 * @property {string} changedAt RFC 3339
 */

/**
 * @typedef {object} RiskEntry
 * @property {number} studentId
 * @property {string} studentName
 * @property {number} campusId
 * @property {number|null} grade
 * @property {string|null} lastContactOn
 */

/**
 * @typedef {object} CareEvent
 * @property {number} id
 * @property {EventKind} kind
 * @property {string} date
 * @property {number|null} campusId null = online
 * @property {string} title
 * @property {number} students
 * @property {number} parents
 * @property {number} teachers
 * @property {number} supporters
 */

/** @typedef {Omit<CareEvent, "id"> & {id: number|null}} EventInput */

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
 * @param {import("./api.js").VisitInput} visit
 * @param {string} draftKey
 * @param {number|null} appointmentId
 * @param {{date: string, time: string|null}|null} nextAppointment
 * @returns {Promise<{visit: import("./api.js").Visit, nextAppointment: Appointment|null}>}
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
