// Small DOM helpers shared by the screens. Elements are built with `h()` rather than
// innerHTML so that student names and notes can never be parsed as markup.

import { errorText, t } from "./i18n.js";

/** @typedef {import("./api-types").IpcError} ApiError */
/** @typedef {string | number | boolean | null | undefined | EventListener} AttrValue */
/** @typedef {Node | string | null | undefined | false} Child */

/**
 * Creates an element. `attrs` keys: `class`, `text`, `testid` (→ data-testid),
 * `on<event>` (→ addEventListener), `dataset`-style `data-*`, and plain attributes/properties.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  if (tag === "input" || tag === "textarea") {
    // What is typed (names, notes) stays in the vault: no form autofill history, no spelling
    // dictionary that learns it. A field may still ask otherwise (a passphrase's own hint).
    for (const [key, value] of Object.entries(PRIVATE_FIELD)) setAttr(el, key, value);
  }
  for (const [key, value] of Object.entries(attrs)) setAttr(el, key, value);
  append(el, children);
  return el;
}

/** The attributes every text field starts with. */
const PRIVATE_FIELD = { autocomplete: "off", spellcheck: "false", autocorrect: "off", autocapitalize: "off" };

/** @param {HTMLElement} el @param {string} key @param {AttrValue} value */
function setAttr(el, key, value) {
  if (value === undefined || value === null || value === false) return;
  if (key === "text") el.textContent = String(value);
  else if (key === "class") el.className = String(value);
  else if (key === "testid") el.dataset.testid = String(value);
  else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
  else if (key === "value" || key === "checked" || key === "selected") Object.assign(el, { [key]: value });
  else el.setAttribute(key, value === true ? "" : String(value));
}

/** @param {HTMLElement} el @param {(Child | Child[])[]} children */
function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
}

/**
 * A <select> with options given as [value, label] pairs.
 * @param {Record<string, AttrValue>} attrs
 * @param {Array<[string, string]>} options
 * @param {string} [selected]
 */
export function select(attrs, options, selected) {
  const el = h("select", attrs, options.map(([value, text]) => h("option", { value, text })));
  if (selected !== undefined) el.value = selected;
  return el;
}

/**
 * A labelled field: <label><span>Label</span>control<small>hint</small></label>.
 * @param {string} labelText
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(labelText, control, hint) {
  return h("label", { class: "field" },
    h("span", { class: "field-label", text: labelText }),
    control,
    hint ? h("small", { class: "hint", text: hint }) : null);
}

/** True when Enter belongs to the IME (confirming a conversion), not to the form. */
/** @param {KeyboardEvent} event */
export function isImeEnter(event) {
  return event.isComposing || event.keyCode === 229;
}

/**
 * Makes a form submit through `handler` only: never a navigation, never on an IME Enter,
 * and never twice at once (the submit button is disabled while the handler runs).
 * @param {HTMLFormElement} form
 * @param {() => Promise<void> | void} handler
 */
export function onSubmit(form, handler) {
  form.noValidate = true; // the backend's codes are the validation we show, in the catalogue's words
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && isImeEnter(event)) event.preventDefault();
  });
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach((b) => ((/** @type {HTMLButtonElement} */ (b)).disabled = true));
    try {
      await handler();
    } finally {
      busy = false;
      buttons.forEach((b) => ((/** @type {HTMLButtonElement} */ (b)).disabled = false));
    }
  });
}

/** The error line placed at the top of each form. */
export function errorArea() {
  return h("p", { class: "form-error", role: "alert", hidden: true });
}

/**
 * Shows an error in `area`, naming the field it is about and its allowed range, marks that
 * field and says it again beside it; fixing the field clears both. Only the area that shows
 * something carries data-testid="form-error", so a test finds the visible one.
 * @param {HTMLElement} area
 * @param {ApiError | string} err an ApiError, or a catalogue key for client-side checks
 * @param {string} [fieldName] the field to mark for a client-side check
 */
export function showError(area, err, fieldName) {
  clearErrors(area.ownerDocument);
  const name = typeof err === "string" ? fieldName : err.field;
  const scope = area.closest("form") || area.closest("[data-testid=screen]") || area.ownerDocument.body;
  const target = name ? findField(scope, name) : null;
  const text = target ? fieldErrorText(err, target) : null;
  area.textContent = text || (typeof err === "string" ? t(err) : errorText(err));
  area.hidden = false;
  area.dataset.testid = "form-error";
  if (target) markField(target, area, text);
}

/**
 * The message that names the field: 「時間（分）」は1〜600の範囲で入力してください。 Null for
 * an error that is not about what was typed (a duplicate, a refusal), which keeps its own words.
 * @param {ApiError | string} err @param {HTMLElement} target
 * @returns {string | null}
 */
function fieldErrorText(err, target) {
  const code = typeof err === "string" ? err.replace(/^errors\./, "") : err.code;
  const fieldLabel = labelOf(target);
  if (!fieldLabel || !FIELD_ERRORS.includes(code)) return null;
  const control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
  const attr = (/** @type {string} */ a) => (control && control.getAttribute(a)) || "";
  /** @type {{min?: number, max?: number}} */
  const given = typeof err === "string" ? {} : err;
  const min = given.min !== undefined ? given.min : attr("min");
  const max = given.max !== undefined ? given.max : attr(code === "too_long" ? "maxlength" : "max");
  const choosing = target.matches("select, fieldset") || (control instanceof HTMLInputElement && control.type === "checkbox");
  let key = code;
  if (code === "required" && choosing) key = "requiredChoice";
  if (code === "out_of_range" && (min === "" || max === "")) key = "outOfRangeOnly";
  const number = (/** @type {number|string} */ n) => (n === "" || Number.isNaN(Number(n)) ? String(n) : Number(n).toLocaleString("ja-JP"));
  return t(`fieldErrors.${key}`, { field: fieldLabel, min: number(min), max: number(max) });
}

/** The codes that are about what was typed in one field, each with a message naming it. */
const FIELD_ERRORS = ["required", "too_long", "out_of_range", "invalid_date", "invalid_time", "invalid_choice"];

/**
 * The name the supporter reads beside a control, without its trailing （任意） or （1つ以上）.
 * @param {HTMLElement} target
 */
function labelOf(target) {
  const fieldset = target.matches("fieldset") ? target : null;
  const wrapper = target.closest("label.field, .field");
  const holder = fieldset ? fieldset.querySelector("legend") : wrapper && wrapper.querySelector(".field-label");
  const raw = (holder && holder.textContent) || target.getAttribute("aria-label") || "";
  return raw.replace(/（[^）]*）$/, "").trim();
}

/** Hides every error area and un-marks every field in the document. */
/** @param {Document} [doc] */
export function clearErrors(doc = document) {
  doc.querySelectorAll(".form-error").forEach((el) => {
    const area = /** @type {HTMLElement} */ (el);
    area.hidden = true;
    area.textContent = "";
    delete area.dataset.testid;
  });
  doc.querySelectorAll("[aria-invalid=true]").forEach((el) => unmark(/** @type {HTMLElement} */ (el)));
}

/**
 * The control whose `data-field` lists `name` (space-separated aliases, because the backend
 * may name a nested key either way, e.g. `displayName` or `newStudent.displayName`).
 * @param {ParentNode} scope @param {string} name
 * @returns {HTMLElement | null}
 */
function findField(scope, name) {
  const controls = [...scope.querySelectorAll("[data-field]")];
  const found = controls.find((el) => (el.getAttribute("data-field") || "").split(" ").includes(name));
  return found instanceof HTMLElement ? found : null;
}

let fieldErrorIds = 0;

/** What un-marks each marked field when it changes, stopped when the mark goes any other way. */
const marked = new WeakMap();

/**
 * Marks and focuses the field, says the error beside it (for a screen reader too, through
 * aria-describedby), and clears both, and the area, as soon as the field is changed.
 * @param {HTMLElement} target @param {HTMLElement} area @param {string | null} text
 */
function markField(target, area, text) {
  target.setAttribute("aria-invalid", "true");
  if (text) {
    const note = h("small", { class: "field-error", id: `field-error-${++fieldErrorIds}`, testid: "field-error", text });
    const holder = target.closest("label.field, fieldset") || target;
    holder.append(note);
    target.setAttribute("aria-describedby", note.id);
  }
  const fixed = () => {
    unmark(target);
    if (area.textContent === text || !text) {
      area.hidden = true;
      area.textContent = "";
      delete area.dataset.testid;
    }
  };
  const listening = new AbortController();
  marked.set(target, listening);
  target.addEventListener("input", fixed, { signal: listening.signal });
  target.addEventListener("change", fixed, { signal: listening.signal });
  const focusable = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
  if (focusable instanceof HTMLElement) focusable.focus();
}

/** @param {HTMLElement} target */
function unmark(target) {
  marked.get(target)?.abort();
  marked.delete(target);
  target.removeAttribute("aria-invalid");
  const id = target.getAttribute("aria-describedby");
  if (id && id.startsWith("field-error-")) {
    target.ownerDocument.getElementById(id)?.remove();
    target.removeAttribute("aria-describedby");
  }
}

/** "HH:MM:SS" on the Tokyo clock, like every time the app shows, whatever the laptop's zone. */
export function clockTime() {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).format(new Date());
}

/** @param {HTMLElement} el */
export function clear(el) {
  el.replaceChildren();
}

/**
 * The root element of a screen.
 * @param {string} name
 * @param {...(Child | Child[])} children
 */
export function screenRoot(name, ...children) {
  return h("section", { class: `screen screen-${name}`, testid: "screen", "data-screen": name }, ...children);
}

/** True when keyboard focus is in something that takes text, so single-key shortcuts stay off. */
/** @param {EventTarget | null} target */
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}
