// Backend calls of the reports and backup area: the teacher report (教職員向け実施報告), the
// monthly activity report, and backups (write with progress, list, restore into a new installation).
// Every call goes through api.js, the only module that touches `window.__TAURI__`.

/** @typedef {import("./api-types").ActivityReport} ActivityReport */
/** @typedef {import("./api-types").BackupFile} BackupFile */
/** @typedef {import("./api-types").BackupProgress} BackupProgress */
/** @typedef {import("./api-types").BackupStatus} BackupStatus */
/** @typedef {import("./api-types").RetentionPreview} RetentionPreview */
/** @typedef {import("./api-types").TeacherReport} TeacherReport */

import { invokeCommand, listenEvent } from "./api.js";


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
