// The message catalogue. Every user-visible string comes from ui/i18n/<lang>.json and its
// parts ui/i18n/<lang>.<part>.json (one per area of the app, merged in order); modules ask
// for a dotted key (`t("today.title")`) and never hold literal UI text.

/** The catalogue parts beside the main file, one per area. */
export const CATALOGUE_PARTS = ["search", "care", "reports", "corrections", "handover"];

/** @typedef {import("./api.js").Language} Language */
/** @typedef {import("./api-types").IpcError} ApiError */
/** @typedef {{[key: string]: string | Catalogue}} Catalogue */

/** @type {Catalogue} */
let catalogue = {};
/** @type {Language} */
let current = "ja";

/**
 * Loads a catalogue and makes it current: English for "en", Japanese for any other (and if the
 * file cannot be read).
 * @param {string} lang
 */
export async function loadLanguage(lang) {
  const chosen = lang === "en" ? "en" : "ja";
  const files = [`i18n/${chosen}.json`, ...CATALOGUE_PARTS.map((p) => `i18n/${chosen}.${p}.json`)];
  const parts = await Promise.all(files.map(async (file) => {
    const res = await fetch(file);
    if (!res.ok) throw new Error(`catalogue ${file}: HTTP ${res.status}`);
    return /** @type {Catalogue} */ (await res.json());
  }));
  catalogue = parts.reduce(merge, {});
  current = chosen;
  document.documentElement.lang = chosen;
  document.title = t("app.title");
}

/**
 * Deep-merges `part` into `into` (a part adds keys, e.g. its own `errors.*`).
 * @param {Catalogue} into
 * @param {Catalogue} part
 * @returns {Catalogue}
 */
function merge(into, part) {
  for (const [key, value] of Object.entries(part)) {
    const held = into[key];
    into[key] = typeof value === "object" && typeof held === "object" ? merge(held, value) : value;
  }
  return into;
}

/** Whether the catalogue has a message for an error code. @param {string} code */
export function knowsError(code) {
  const errors = catalogue.errors;
  return typeof errors === "object" && typeof errors[code] === "string";
}

/** @returns {Language} */
export function language() {
  return current;
}

/**
 * @param {string} key dotted path into the catalogue
 * @param {Record<string, string|number>} [vars] values for `{name}` placeholders
 * @returns {string}
 */
export function t(key, vars) {
  /** @type {string | Catalogue | undefined} */
  let node = catalogue;
  for (const part of key.split(".")) {
    node = typeof node === "object" ? node[part] : undefined;
  }
  if (typeof node !== "string") {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  if (!vars) return node;
  return node.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/**
 * The catalogue message for a backend error. The backend's `message` is developer text
 * and is never shown; an unknown code reads as `errors.internal`.
 * @param {ApiError} err
 */
export function errorText(err) {
  if (knowsError(err.code)) return t(`errors.${err.code}`);
  console.error("unknown error code", err.code, err.message);
  return t("errors.internal");
}

/**
 * Parses "YYYY-MM-DD" as a calendar date (no time zone involved).
 * @param {string} iso
 * @returns {{y: number, m: number, d: number, weekday: number} | null} weekday 1 = Monday
 */
export function parseIsoDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const js = new Date(Date.UTC(y, mo - 1, d)).getUTCDay(); // 0 = Sunday
  return { y, m: mo, d, weekday: js === 0 ? 7 : js };
}

/**
 * "2025年2月25日(火)" in Japanese, "Tue, 25 Feb 2025" in English.
 * @param {string|null|undefined} iso
 */
export function formatDate(iso) {
  const p = iso ? parseIsoDate(iso) : null;
  if (!p) return iso || "";
  return t("format.date", {
    y: p.y,
    m: p.m,
    d: p.d,
    mon: t(`month.${p.m}`),
    wd: t(`weekday.short.${p.weekday}`),
  });
}

/**
 * "2025年2月25日 14:05" (Tokyo time) from an RFC3339 instant, in English "25 Feb 2025, 14:05".
 * @param {string|null|undefined} rfc3339
 */
export function formatDateTime(rfc3339) {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  if (Number.isNaN(ms)) return rfc3339 || "";
  // Japan keeps no daylight saving time: Tokyo is always UTC+9, whatever the laptop's zone.
  const jst = new Date(ms + 9 * 3600 * 1000);
  const m = jst.getUTCMonth() + 1;
  return t("format.dateTime", {
    y: jst.getUTCFullYear(),
    m,
    d: jst.getUTCDate(),
    mon: t(`month.${m}`),
    hh: String(jst.getUTCHours()).padStart(2, "0"),
    mm: String(jst.getUTCMinutes()).padStart(2, "0"),
  });
}

/**
 * "2025年2月" in Japanese, "Feb 2025" in English.
 * @param {string} ym "YYYY-MM"
 */
export function formatMonth(ym) {
  const match = /^(\d{4})-(\d{2})$/.exec(ym || "");
  if (!match) return ym || "";
  const m = Number(match[2]);
  return t("format.month", { y: Number(match[1]), m, mon: t(`month.${m}`) });
}

/** @param {number} weekday 1 = Monday */
export function weekdayName(weekday) {
  return t(`weekday.long.${weekday}`);
}

/** @param {number|null} grade */
export function gradeLabel(grade) {
  return grade ? t("student.gradeN", { n: grade }) : t("student.gradeNone");
}

/**
 * The grade choices of a student form (visit form and student form): none, then 1–4年.
 * @returns {Array<[string, string]>}
 */
export function gradeOptions() {
  return [["", t("student.gradeNone")], ...GRADES.map((g) => /** @type {[string, string]} */ ([String(g), gradeLabel(g)]))];
}

/** Labels of enumerated codes, e.g. label("route", "self") → "自発". */
/** @param {"format"|"route"|"topic"|"enrolment"|"pathStatus"} kind @param {string} code */
export function label(kind, code) {
  return t(`${kind}.${code}`);
}

export const FORMATS = /** @type {const} */ (["in_person", "online"]);
export const ROUTES = /** @type {const} */ (["self", "teacher", "outreach", "appointment", "repeat"]);
export const TOPICS = /** @type {const} */ ([
  "further_study", "job_search", "application_prep", "part_time", "family",
  "school_life", "friends", "wellbeing", "unsure_future", "other",
]);
export const ENROLMENTS = /** @type {const} */ (["enrolled", "on_leave", "graduated", "withdrawn"]);
export const PATH_STATUSES = /** @type {const} */ (["undecided", "further_study", "employment", "other"]);
export const GRADES = /** @type {const} */ ([1, 2, 3, 4]);
export const WEEKDAYS = /** @type {const} */ ([1, 2, 3, 4, 5, 6, 7]);
