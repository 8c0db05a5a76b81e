// Backend calls of the reports and backup area: the teacher report (教職員向け実施報告), the
// monthly activity report, and backups (write with progress, list, restore into a new installation).
// Every call goes through api.js, the only module that touches `window.__TAURI__`.

import { invokeCommand, listenEvent } from "./api.js";

/** @typedef {import("./api.js").Campus} Campus */
/** @typedef {import("./api.js").Route} Route */

/**
 * One line of the teacher report that the supporter wrote to be shared. Never a private note.
 * @typedef {object} SharedItem
 * @property {string} date "YYYY-MM-DD"
 * @property {string|null} studentName null = the student gave no name (匿名)
 * @property {string} teacherSummary 先生への共有メモ; may be empty on a 要連携 visit
 * @property {boolean} concern 要連携
 * @property {string|null} followUpOn "YYYY-MM-DD"
 */

/**
 * @typedef {object} TeacherReport
 * @property {Campus} campus
 * @property {string} from "YYYY-MM-DD"
 * @property {string} to "YYYY-MM-DD"
 * @property {number} sessions
 * @property {number} sessionMinutes of the closed salons
 * @property {number} openSessions salons still open (開催中), whose time is not known yet
 * @property {number} visits 延べ
 * @property {number} students named students (実人数); a visit without a name counts in visits only
 * @property {Array<[string, number]>} byRoute every route code, in order, with its count (0 too)
 * @property {Array<[string, number]>|null} byTopic every topic but 家庭のこと・心身の不調, in order, with
 *   its count (0 too); null unless the period is whole calendar months, each with at least
 *   topicsMinVisits visits by topicsMinStudents named students
 * @property {number} topicsMinVisits
 * @property {number} topicsMinStudents
 * @property {SharedItem[]} concerns visits flagged 要連携
 * @property {SharedItem[]} summaries other visits with a summary for the teachers
 */

/**
 * @typedef {object} CampusActivity
 * @property {number} campusId
 * @property {string} campusName
 * @property {number} sessions
 * @property {number} sessionMinutes
 * @property {number} visits
 * @property {number} students
 * @property {number} events held at this campus
 * @property {number} eventParticipants
 */

/**
 * @typedef {object} ActivityReport
 * @property {string} from
 * @property {string} to
 * @property {CampusActivity[]} campuses
 * @property {number} sessions
 * @property {number} sessionMinutes
 * @property {number} visits
 * @property {number} events every event, online ones included
 * @property {number} eventParticipants
 * @property {number} onlineEvents events at no campus (in the totals above)
 * @property {number} onlineParticipants
 */

/**
 * @typedef {object} BackupFile
 * @property {string} path absolute
 * @property {string} name e.g. "career-salon-20250225-140500.salonbackup" (Tokyo time)
 * @property {number} bytes
 */

/**
 * @typedef {object} BackupStatus
 * @property {string} folder where backups go (the chosen folder or the default)
 * @property {string|null} lastBackupAt RFC3339 UTC
 * @property {BackupFile[]} files the backups in that folder, newest first
 */

/** @typedef {{done: number, total: number}} BackupProgress bytes */

/**
 * Rejects with `invalid_date` (field from/to, also when to < from) or `not_found`.
 * @param {number} campusId @param {string} from "YYYY-MM-DD" @param {string} to
 * @returns {Promise<TeacherReport>}
 */
export const teacherReport = (campusId, from, to) => invokeCommand("teacher_report", { campusId, from, to });

/** @param {string} from @param {string} to @returns {Promise<ActivityReport>} */
export const activityReport = (from, to) => invokeCommand("activity_report", { from, to });

/** Works before setup too (a new installation restores from one of these). @returns {Promise<BackupStatus>} */
export const backupStatus = () => invokeCommand("backup_status");

/**
 * An absolute path, or "" for the default folder. Rejects with `invalid_choice` (field folder).
 * @param {string} folder @returns {Promise<null>}
 */
export const setBackupFolder = (folder) => invokeCommand("set_backup_folder", { folder });

/**
 * The OS's folder picker, starting at the backup folder. Null when the supporter cancels.
 * @param {string} title the dialog's title, in the app's language
 * @returns {Promise<string|null>}
 */
export const pickBackupFolder = (title) => invokeCommand("pick_backup_folder", { title });

/**
 * The OS's file picker for a backup (`.salonbackup`), before setup too. Null when cancelled.
 * @param {string} title @param {string} filterName what the file filter is called
 * @returns {Promise<string|null>}
 */
export const pickBackupFile = (title, filterName) => invokeCommand("pick_backup_file", { title, filterName });

/**
 * Writes a backup now; `listenBackupProgress` reports the bytes while it runs.
 * Rejects with `backup_folder`, `storage` or `locked`.
 * @returns {Promise<BackupFile>}
 */
export const writeBackup = () => invokeCommand("write_backup");

/**
 * Restores a backup into a new installation; the store is open afterwards. Exactly one of the
 * secrets is sent. Rejects with `backup_damaged`, `wrong_passphrase`, `wrong_recovery_key`,
 * `already_initialized` or `storage` (e.g. the file is not there).
 * @param {string} path
 * @param {{passphrase: string} | {recoveryKey: string}} secret
 * @returns {Promise<null>}
 */
export const restoreBackup = (path, secret) => invokeCommand("restore_backup", { path, ...secret });

/**
 * Subscribes to the progress of a running backup.
 * @param {(progress: BackupProgress) => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export const listenBackupProgress = (handler) => listenEvent("salon://backup-progress", handler);

/**
 * @typedef {object} RetentionCandidate
 * @property {number} studentId
 * @property {string} displayName
 * @property {string|null} lastVisitOn
 * @property {number} visits
 */

/**
 * @typedef {object} RetentionPreview
 * @property {number} years notes of students who left more than this many years ago
 * @property {RetentionCandidate[]} candidates
 */

/** @returns {Promise<RetentionPreview>} */
export const retentionPreview = () => invokeCommand("retention_preview");

/** @param {number} years 1..20 @returns {Promise<null>} */
export const setRetentionYears = (years) => invokeCommand("set_retention_years", { years });

/**
 * Purges the notes of the students just shown; `expected` is how many were shown, and the
 * backend refuses (`retention_changed`) if the list changed meanwhile.
 * @param {number} expected
 * @returns {Promise<{students: number, visits: number}>}
 */
export const purgeOldNotes = (expected) => invokeCommand("purge_old_notes", { expected });
