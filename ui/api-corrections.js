// Backend calls of corrections (訂正): deleting or moving a visit, removing, correcting or
// reopening a salon, merging two profiles of one student. Every one is final once confirmed.
// Everything goes through api.js's invokeCommand, the one door to window.__TAURI__.

/** @typedef {import("./api-types").SalonSession} SalonSession */
/** @typedef {import("./api-types").SessionCorrection} SessionCorrection */
/** @typedef {import("./api-types").SessionDetail} SessionDetail */
/** @typedef {import("./api-types").SessionRow} SessionRow */
/** @typedef {import("./api-types").Student} Student */
/** @typedef {import("./api-types").Visit} Visit */

import { invokeCommand as call } from "./api.js";

/** The latest salons, newest first. @param {number|null} campusId @returns {Promise<SessionRow[]>} */
export const listSessions = (campusId) => call("list_sessions", { campusId });

/** @param {number} sessionId @returns {Promise<SessionDetail>} */
export const getSession = (sessionId) => call("get_session", { sessionId });

/**
 * Where a visit goes: a salon of the same campus, or a day (the salon is created if that day
 * has none).
 * @typedef {{toSessionId: number}|{toDate: string}} MoveTarget
 */

/** Deletes a visit logged by mistake; its student stays. @param {number} visitId @returns {Promise<void>} */
export const deleteVisit = (visitId) => call("delete_visit", { visitId });

/** @param {number} visitId @param {MoveTarget} to @returns {Promise<Visit>} */
export const moveVisit = (visitId, to) => call("move_visit", { visitId, ...to });

/**
 * Removes a salon. `expected` is the ids of the visits the supporter saw listed; the backend
 * refuses (`visits_changed`) if they changed meanwhile.
 * @param {number} sessionId @param {number[]} expected
 * @param {"delete"|"move"} visits @param {MoveTarget} [to] where the visits go when moved
 * @returns {Promise<void>}
 */
export const removeSession = (sessionId, expected, visits, to) =>
  call("remove_session", { sessionId, expected, visits, ...(to || {}) });

/** @param {number} sessionId @param {SessionCorrection} input @returns {Promise<SalonSession>} */
export const correctSession = (sessionId, input) => call("correct_session", { sessionId, input });

/** Opens today's salon again after it was closed too early. @param {number} sessionId @returns {Promise<SalonSession>} */
export const reopenSession = (sessionId) => call("reopen_session", { sessionId });

/** @param {number} keep @param {number} mergeAway @returns {Promise<Student>} */
export const mergeStudents = (keep, mergeAway) => call("merge_students", { keep, mergeAway });

/**
 * How many of these visits, moved to `toDate`, would change the exact figures only (each was
 * already released under noise in two other months).
 * @param {number[]} visitIds @param {string} toDate @returns {Promise<number>}
 */
export const leftOutOfBreakdowns = (visitIds, toDate) => call("left_out_of_breakdowns", { visitIds, toDate });

/**
 * Whether a student's path decision of this kind, dated `decidedOn`, would change this laptop's
 * records only (it was already released in another 年度 or term).
 * @param {number} studentId @param {string} pathStatus @param {string} decidedOn
 * @returns {Promise<boolean>}
 */
export const decisionLeftOutOfBreakdowns = (studentId, pathStatus, decidedOn) =>
  call("decision_left_out_of_breakdowns", { studentId, pathStatus, decidedOn });
