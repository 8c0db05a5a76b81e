// Backend calls of a request about one student (開示請求・削除請求).
// Everything goes through api.js's invokeCommand, the one door to window.__TAURI__.

import { invokeCommand as call } from "./api.js";

/**
 * Writes everything held about the student to one HTML file in the backup folder.
 * @param {number} studentId @returns {Promise<{path: string}>}
 */
export const discloseStudent = (studentId) => call("disclose_student", { studentId });

/**
 * Deletes the student's data as the retention purge does; the counts stay.
 * @param {number} studentId @returns {Promise<{students: number, visits: number}>}
 */
export const eraseStudent = (studentId) => call("erase_student", { studentId });
