// A confirmation in the page (window.confirm is blocking and unstyled): a button that, when
// pressed, says exactly what will change and asks once more. Corrections are final, so every
// one goes through here.

import { leftOutOfBreakdowns } from "./api-corrections.js";
import { h, showError } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("./api-types").IpcError} ApiError */

/**
 * @typedef {object} ConfirmOptions
 * @property {string} label the button that starts it
 * @property {string} testid the button's test id; the confirm button is `<testid>-confirm`
 * @property {string} title what is being done, as the box's heading
 * @property {() => Array<string|HTMLElement>|Promise<Array<string|HTMLElement>>} describe what
 *   will change, line by line, read when the box opens (so it says what is true then)
 * @property {string} confirmLabel
 * @property {() => Promise<void>} run
 * @property {HTMLElement} error where a refusal is shown
 * @property {boolean} [danger] a deletion: the buttons say so, and the box ends saying it is final
 * @property {string} [final] what exactly cannot be undone (default: only that it cannot)
 * @property {() => string|null} [check] a client-side check before asking: a catalogue key
 */

/** @param {ConfirmOptions} o @returns {HTMLElement} */
export function confirmButton(o) {
  const wrap = h("div", { class: "confirm-wrap" });
  const idle = () => wrap.replaceChildren(h("button", {
    type: "button", class: o.danger ? "danger-outline" : "", testid: o.testid, text: o.label, onclick: ask,
  }));
  const ask = async () => {
    const problem = o.check ? o.check() : null;
    if (problem) {
      showError(o.error, problem);
      return;
    }
    /** @type {Array<string|HTMLElement>} */
    let lines;
    try {
      lines = await o.describe();
    } catch (err) {
      showError(o.error, /** @type {ApiError} */ (err));
      return;
    }
    const confirm = h("button", {
      type: "button", class: o.danger ? "danger" : "primary", testid: `${o.testid}-confirm`, text: o.confirmLabel,
    });
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        await o.run();
      } catch (err) {
        confirm.disabled = false;
        showError(o.error, /** @type {ApiError} */ (err));
      }
    });
    wrap.replaceChildren(h("div", { class: "confirm-box", role: "alertdialog", "aria-label": o.title, testid: `${o.testid}-box` },
      h("h3", { text: o.title }),
      lines.map((line) => typeof line === "string" ? h("p", { text: line }) : line),
      o.danger ? h("p", { class: "warning", testid: `${o.testid}-final`, text: o.final || t("corrections.final") }) : null,
      h("div", { class: "actions" },
        confirm,
        h("button", { type: "button", testid: `${o.testid}-cancel`, text: t("common.back"), onclick: idle }))));
    confirm.focus();
  };
  idle();
  return wrap;
}

/**
 * The line a confirmation adds when some of these visits, moved to `toDate`, were already
 * released under noise in two other months: the move changes the exact figures only.
 * @param {number[]} visitIds @param {string} toDate @returns {Promise<string[]>}
 */
export async function exactOnly(visitIds, toDate) {
  const n = visitIds.length && toDate ? await leftOutOfBreakdowns(visitIds, toDate) : 0;
  return n > 0 ? [t("corrections.exactOnly", { n })] : [];
}
