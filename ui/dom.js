// Small DOM helpers shared by the screens. Elements are built with `h()` rather than
// innerHTML so that student names and notes can never be parsed as markup.

import { errorText, t } from "./i18n.js";

/** @typedef {import("./api.js").ApiError} ApiError */
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
 * Shows an error in `area` and marks the input named by `err.field`. Only the area that
 * shows something carries data-testid="form-error", so a test finds the visible one.
 * @param {HTMLElement} area
 * @param {ApiError | string} err an ApiError, or a catalogue key for client-side checks
 * @param {string} [fieldName] the field to mark for a client-side check
 */
export function showError(area, err, fieldName) {
  clearErrors(area.ownerDocument);
  area.textContent = typeof err === "string" ? t(err) : errorText(err);
  area.hidden = false;
  area.dataset.testid = "form-error";
  const name = typeof err === "string" ? fieldName : err.field;
  const scope = area.closest("form") || area.closest("[data-testid=screen]") || area.ownerDocument.body;
  if (name) markField(scope, name);
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
  doc.querySelectorAll("[aria-invalid=true]").forEach((el) => el.removeAttribute("aria-invalid"));
}

/**
 * Marks and focuses the control whose `data-field` lists `name` (space-separated aliases,
 * because the backend may name a nested key either way, e.g. `displayName` or `newStudent.displayName`).
 * @param {ParentNode} scope
 * @param {string} name
 */
function markField(scope, name) {
  const controls = [...scope.querySelectorAll("[data-field]")];
  const target = controls.find((el) => (el.getAttribute("data-field") || "").split(" ").includes(name));
  if (!target) return;
  target.setAttribute("aria-invalid", "true");
  const focusable = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
  if (focusable instanceof HTMLElement) focusable.focus();
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
