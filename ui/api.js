// The only module that touches `window.__TAURI__`. Every backend call goes through here,
// so the IPC contract (command names, camelCase argument keys, error shape) lives in one place.
// The types the commands take and return are generated from the Rust types (api-types.d.ts).


/** @typedef {import("./api-types").About} About */
/** @typedef {import("./api-types").IpcError} ApiError */
/** @typedef {import("./api-types").AppStatus} AppStatus */
/** @typedef {import("./api-types").Campus} Campus */
/** @typedef {import("./api-types").CampusInput} CampusInput */
/** @typedef {import("./api-types").HqStatus} HqStatus */
/** @typedef {import("./api-types").Preferences} Preferences */
/** @typedef {import("./api-types").Receipt} Receipt */
/** @typedef {import("./api-types").Format} SalonFormat */
/** @typedef {import("./api-types").SalonSession} SalonSession */
/** @typedef {import("./api-types").Student} Student */
/** @typedef {import("./api-types").StudentInput} StudentInput */
/** @typedef {import("./api-types").SyncLogEntry} SyncLogEntry */
/** @typedef {import("./api-types").SyncPreview} SyncPreview */
/** @typedef {import("./api-types").Today} TodayView */
/** @typedef {import("./api-types").UpdateOffer} UpdateOffer */
/** @typedef {import("./api-types").Visit} Visit */

/** @typedef {"ja"|"en"} Language */
/** The preferences the shell holds and the settings screen sets. @typedef {{language: string, idleMinutes: number}} ShownPrefs */

/** @type {(() => void) | null} */
let lockedHandler = null;

/**
 * Called whenever a command fails with `locked`, so the shell can show the unlock screen
 * no matter which screen made the call.
 * @param {() => void} handler
 */
export function onLockedError(handler) {
  lockedHandler = handler;
}

/**
 * Turns anything a rejected invoke may carry into an ApiError.
 * @param {unknown} raw
 * @returns {ApiError}
 */
export function toApiError(raw) {
  if (raw && typeof raw === "object" && "code" in raw && typeof raw.code === "string") {
    const r = /** @type {{code: string, message?: unknown, field?: unknown}} */ (raw);
    /** @type {ApiError} */
    const err = { code: r.code, message: typeof r.message === "string" ? r.message : "" };
    if (typeof r.field === "string" && r.field) err.field = r.field;
    const range = /** @type {{min?: unknown, max?: unknown}} */ (raw);
    if (typeof range.min === "number") err.min = range.min;
    if (typeof range.max === "number") err.max = range.max;
    return err;
  }
  // A plain string or Error comes from Tauri itself (e.g. a command not allowed).
  return { code: "internal", message: String(raw) };
}

function tauri() {
  const t = window.__TAURI__;
  if (!t) throw { code: "internal", message: "window.__TAURI__ is missing" };
  return t;
}

/**
 * @template T
 * @param {string} cmd
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
async function call(cmd, args) {
  try {
    return await tauri().core.invoke(cmd, args);
  } catch (raw) {
    const err = toApiError(raw);
    // Told on the next task, after the caller's own catch has run: a form whose save was
    // refused gets to resume its draft writes before the shell leaves it for the unlock screen.
    const handler = lockedHandler;
    if (err.code === "locked" && handler) setTimeout(handler, 0);
    throw err;
  }
}

/** @returns {Promise<AppStatus>} */
export const appStatus = () => call("app_status");

/** @returns {Promise<About>} */
export const about = () => call("about");

/**
 * Opens the system's print dialog for the page on show (a page's own window.print() does
 * nothing in macOS's WebView).
 * @returns {Promise<null>}
 */
export const printPage = () => call("print_page");

/** @param {string} passphrase @param {string} confirm @returns {Promise<{recoveryKey: string}>} */
export const setup = (passphrase, confirm) => call("setup", { passphrase, confirm });

/** @param {string} passphrase @returns {Promise<null>} */
export const unlock = (passphrase) => call("unlock", { passphrase });

/** @param {string} recoveryKey @returns {Promise<null>} */
export const unlockWithRecovery = (recoveryKey) => call("unlock_with_recovery", { recoveryKey });

/**
 * Sets a new passphrase after unlocking with the recovery key, proven by that key again, and
 * makes the keys anew: that recovery key stops working and the new one is returned, to show
 * once. Needs the store unlocked.
 * Rejects with `wrong_recovery_key`, `passphrase_too_short`, `passphrase_mismatch` or `locked`.
 * @param {string} recoveryKey the key just used to unlock, as typed
 * @param {string} next
 * @param {string} confirm
 * @returns {Promise<{recoveryKey: string}>}
 */
export const resetPassphrase = (recoveryKey, next, confirm) =>
  call("reset_passphrase", { recoveryKey, next, confirm });

/**
 * 鍵を作り直す: the records encrypted again under a new key, proven by the passphrase (which
 * stays); returns the new recovery key, to show once. Rejects with `wrong_passphrase` or `locked`.
 * @param {string} passphrase
 * @returns {Promise<{recoveryKey: string}>}
 */
export const renewKeys = (passphrase) => call("renew_keys", { passphrase });

/** @returns {Promise<null>} */
export const lock = () => call("lock");

/** @param {string} current @param {string} next @param {string} confirm @returns {Promise<null>} */
export const changePassphrase = (current, next, confirm) =>
  call("change_passphrase", { current, next, confirm });

/** @returns {Promise<null>} */
export const touch = () => call("touch");

/** @param {ShownPrefs} prefs @returns {Promise<Preferences>} */
export const setPreferences = (prefs) =>
  call("set_preferences", { language: prefs.language, idleMinutes: prefs.idleMinutes });

/** @returns {Promise<Campus[]>} */
export const listCampuses = () => call("list_campuses");

/** @param {CampusInput} campus @returns {Promise<Campus>} */
export const saveCampus = (campus) => call("save_campus", { campus });

/** @param {number|null} campusId @returns {Promise<TodayView>} */
export const today = (campusId) => call("today", { campusId });

/** @param {number} campusId @param {SalonFormat} format @param {string} place @returns {Promise<SalonSession>} */
export const openSession = (campusId, format, place) =>
  call("open_session", { campusId, format, place });

/**
 * Rejects with `draft_pending` while a new-visit draft (`visit:new:<sessionId>`) exists.
 * @param {number} sessionId @returns {Promise<SalonSession>}
 */
export const closeSession = (sessionId) => call("close_session", { sessionId });

/** @param {number|null} campusId @param {string} query @returns {Promise<Student[]>} */
export const listStudents = (campusId, query) => call("list_students", { campusId, query });

/**
 * One page (100) of the students screen, and how many match in all.
 * @param {number|null} campusId @param {string} query @param {number} offset
 * @returns {Promise<{students: Student[], total: number, offset: number}>}
 */
export const studentsPage = (campusId, query, offset) => call("students_page", { campusId, query, offset });

/** @param {StudentInput} student @returns {Promise<Student>} */
export const saveStudent = (student) => call("save_student", { student });

/** @param {number} studentId @returns {Promise<{student: Student, visits: Visit[]}>} */
export const getStudent = (studentId) => call("get_student", { studentId });

/**
 * The keys drafts are saved under, as the store writes them (salon-store's drafts.rs; a test
 * checks the two agree): the form for a new visit in a salon, and the form editing a visit.
 */
export const draftKeys = {
  /** @param {number} sessionId */
  newVisit: (sessionId) => `visit:new:${sessionId}`,
  /** @param {number} visitId */
  visit: (visitId) => `visit:${visitId}`,
};

/** @param {number} visitId @returns {Promise<Visit>} */
export const getVisit = (visitId) => call("get_visit", { visitId });

/** @param {string} key @returns {Promise<string|null>} */
export const getDraft = (key) => call("get_draft", { key });

/** @param {string} key @param {string} body @returns {Promise<null>} */
export const saveDraft = (key, body) => call("save_draft", { key, body });

/** @param {string} key @returns {Promise<null>} */
export const discardDraft = (key) => call("discard_draft", { key });

/**
 * Tells the backend, after `salon://closing`, that the open draft is flushed and it may quit.
 * @returns {Promise<null>}
 */
export const readyToClose = () => call("ready_to_close");

/** @returns {Promise<HqStatus>} */
export const hqStatus = () => call("hq_status");

/**
 * Enrols this laptop with headquarters using the one-time code it printed.
 * May reject with `field: "hqUrl"` (hq_bad_url, hq_insecure_url) or `field: "code"`.
 * @param {string} hqUrl
 * @param {string} code 10 letters/digits; spaces and hyphens are ignored
 * @returns {Promise<HqStatus>}
 */
export const enrol = (hqUrl, code) => call("enrol", { hqUrl, code });

/**
 * What the next send would carry. Rejects with `not_enrolled` before enrolment.
 * @returns {Promise<SyncPreview>}
 */
export const syncPreview = () => call("sync_preview");

/**
 * Sends what is waiting now. `null` when there was nothing to send.
 * @returns {Promise<Receipt|null>}
 */
export const syncNow = () => call("sync_now");

/** @returns {Promise<SyncLogEntry[]>} newest first */
export const syncLog = () => call("sync_log");

/**
 * Subscribes to a background send that succeeded.
 * @param {() => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export function listenSynced(handler) {
  return tauri().event.listen("salon://synced", () => handler());
}

/**
 * The app update headquarters offers, if any (found after a sync).
 * @returns {Promise<UpdateOffer|null>}
 */
export const updateOffer = () => call("update_offer");

/**
 * 今すぐ更新: downloads and checks the offered update, locks, installs and restarts (so it
 * never resolves when all goes well). Rejects with update_salon_open or update_draft_pending
 * (nothing done), update_not_signed or update_download_failed (still unlocked), or
 * update_install_failed (locked: this version still runs).
 * @returns {Promise<null>}
 */
export const installUpdate = () => call("install_update");

/**
 * Subscribes to what headquarters offers after each update check: an update, or `null` (one
 * shown before was withdrawn).
 * @param {(offer: UpdateOffer|null) => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export function listenUpdateOffered(handler) {
  return tauri().event.listen("salon://update-offered", (e) => handler(/** @type {UpdateOffer|null} */ (e.payload)));
}

/**
 * Subscribes to the backend's idle auto-lock.
 * @param {() => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export function listenLocked(handler) {
  return tauri().event.listen("salon://locked", () => handler());
}

/**
 * Subscribes to the window's close button: the backend waits (about 3 s) for readyToClose().
 * @param {() => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export function listenClosing(handler) {
  return tauri().event.listen("salon://closing", () => handler());
}

/**
 * The one door to the backend, for the per-area API modules (ui/api-<area>.js), so that this
 * module stays the only one that touches `window.__TAURI__`.
 */
export { call as invokeCommand };

/**
 * Subscribes to a backend event for the per-area API modules (ui/api-<area>.js); the handler
 * gets the event's payload.
 * @template T
 * @param {string} event e.g. "salon://backup-progress"
 * @param {(payload: T) => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export function listenEvent(event, handler) {
  return tauri().event.listen(event, (e) => handler(/** @type {T} */ (e.payload)));
}
