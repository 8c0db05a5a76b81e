// Date and month fields that read and write 2025年2月25日 / 2025年2月 whatever the laptop's
// language: the webview's own <input type=date> follows the OS locale (12/05/2026, "Dec 2026").
// What a supporter types is read generously (2025/2/25, 2025-02-25, 20250225, 令和7年2月25日,
// full-width digits) and shown back in the app's one form once it is understood.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("./dom.js").AttrValue} AttrValue */

/** 令和 began in 2019: 令和元年 is 2019. */
const REIWA_ZERO = 2018;

/**
 * A date field. Its `value` attribute may be given as "YYYY-MM-DD"; read it with `dateValue`.
 * ↑ and ↓ move the date by a day, as the webview's own date field does.
 * @param {Record<string, AttrValue>} attrs
 */
export function dateField(attrs) {
  const el = shownAs(attrs, "date-field", t("format.datePlaceholder"), displayDate, dateValue);
  el.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const iso = parseDate(el.value);
    if (!iso) return;
    event.preventDefault();
    const next = new Date(`${iso}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + (event.key === "ArrowUp" ? 1 : -1));
    el.value = displayDate(next.toISOString().slice(0, 10));
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  return el;
}

/**
 * A month field (2025年2月). Read it with `monthValue`.
 * @param {Record<string, AttrValue>} attrs
 */
export function monthField(attrs) {
  return shownAs(attrs, "month-field", t("format.monthPlaceholder"), displayMonth, monthValue);
}

/**
 * A text field that shows its value in the app's form, and again each time it is changed.
 * @param {Record<string, AttrValue>} attrs @param {string} className @param {string} placeholder
 * @param {(value: string) => string} display @param {(el: HTMLInputElement) => string} read
 */
function shownAs(attrs, className, placeholder, display, read) {
  const { value, ...rest } = attrs;
  const el = h("input", { type: "text", class: className, inputmode: "numeric", placeholder, ...rest });
  el.value = display(typeof value === "string" ? value : "");
  el.addEventListener("change", () => { el.value = display(read(el)); });
  return el;
}

/**
 * "YYYY-MM-DD" of what the field holds, "" when it is empty, or the text as typed when it is
 * not a date, so that the app's own check names the field (invalid_date).
 * @param {HTMLInputElement} el
 */
export function dateValue(el) {
  const text = el.value.trim();
  return text === "" ? "" : parseDate(text) || text;
}

/** "YYYY-MM" of what the field holds, "" when empty, or the text as typed. @param {HTMLInputElement} el */
export function monthValue(el) {
  const text = el.value.trim();
  return text === "" ? "" : parseMonth(text) || text;
}

/** Puts a "YYYY-MM-DD" date in the field. @param {HTMLInputElement} el @param {string} iso */
export function setDate(el, iso) {
  el.value = displayDate(iso);
}

/**
 * @param {string} raw
 * @returns {string | null} "YYYY-MM-DD", or null when it is no date of the calendar
 */
export function parseDate(raw) {
  const text = raw.normalize("NFKC").replace(/\s+/g, "").replace(/\([^)]*\)$/, "");
  let m = /^(\d{4})[年/.-](\d{1,2})[月/.-](\d{1,2})日?$/.exec(text) || /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  let year = m ? Number(m[1]) : NaN;
  if (!m) {
    m = /^(?:令和|R)(\d{1,2}|元)[年/.-](\d{1,2})[月/.-](\d{1,2})日?$/i.exec(text);
    if (m) year = REIWA_ZERO + (m[1] === "元" ? 1 : Number(m[1]));
  }
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** @param {string} raw @returns {string | null} "YYYY-MM" */
export function parseMonth(raw) {
  const text = raw.normalize("NFKC").replace(/\s+/g, "");
  const m = /^(\d{4})[年/.-](\d{1,2})月?$/.exec(text) || /^(\d{4})(\d{2})$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  return `${m[1]}-${m[2].padStart(2, "0")}`;
}

/** "2025年2月25日" for "2025-02-25"; anything else as it is. @param {string} iso */
function displayDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return t("format.dateInput", { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]), mm: m[2], dd: m[3] });
}

/** "2025年2月" for "2025-02". @param {string} ym */
function displayMonth(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  if (!m) return ym;
  return t("format.monthInput", { y: Number(m[1]), m: Number(m[2]), mm: m[2] });
}
