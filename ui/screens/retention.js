// 記録の整理: the settings section that purges the notes of students who left long ago. The
// supporter sees exactly who is concerned, then confirms in the page; counts stay as they were.

import * as reports from "../api-reports.js";
import { clearErrors, errorArea, h, showError } from "../dom.js";
import { formatDate, t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").RetentionPreview} RetentionPreview */

/** @returns {Promise<HTMLElement>} */
export async function retentionSection() {
  const card = h("section", { class: "card retention", testid: "settings-retention" });
  const refresh = async () => {
    try {
      card.replaceChildren(...content(await reports.retentionPreview(), refresh));
    } catch (err) {
      const area = errorArea();
      card.replaceChildren(h("h2", { text: t("retention.title") }), area);
      showError(area, /** @type {ApiError} */ (err));
    }
  };
  await refresh();
  return card;
}

/**
 * @param {RetentionPreview} preview
 * @param {() => Promise<void>} refresh
 */
function content(preview, refresh) {
  const area = errorArea();
  const years = h("input", { type: "number", min: 1, max: 20, step: 1, testid: "retention-years", "data-field": "years", value: String(preview.years) });
  const result = h("p", { class: "success", role: "status", testid: "retention-result", hidden: true });
  const saveYears = h("button", { type: "button", testid: "retention-years-save", text: t("common.save"), onclick: async () => {
    clearErrors();
    const n = Number(years.value);
    if (!Number.isSafeInteger(n) || n < 1 || n > 20) return showError(area, "errors.out_of_range", "years");
    try {
      await reports.setRetentionYears(n);
      await refresh();
    } catch (err) {
      showError(area, /** @type {ApiError} */ (err));
    }
  } });
  const list = preview.candidates.length === 0
    ? h("p", { class: "muted", testid: "retention-none", text: t("retention.none", { n: preview.years }) })
    : h("ul", { class: "retention-list" }, preview.candidates.map((c) => h("li", { testid: "retention-candidate" },
      h("strong", { text: c.displayName }),
      h("span", { class: "muted", text: t("retention.candidate", {
        last: c.lastVisitOn ? formatDate(c.lastVisitOn) : t("retention.noVisit"), n: c.visits,
      }) }))));
  const confirm = h("div", { class: "confirm-box", hidden: true },
    h("p", { class: "warning", text: t("retention.confirmText", { n: preview.candidates.length }) }),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "danger", testid: "retention-confirm", text: t("retention.confirm"), onclick: async () => {
        try {
          const done = await reports.purgeOldNotes(preview.candidates.length);
          await refresh();
          const shown = /** @type {HTMLElement|null} */ (document.querySelector("[data-testid=retention-result]"));
          if (shown) {
            shown.textContent = t("retention.done", { students: done.students, visits: done.visits });
            shown.hidden = false;
          }
        } catch (err) {
          showError(area, /** @type {ApiError} */ (err));
        }
      } }),
      h("button", { type: "button", text: t("common.cancel"), onclick: () => { confirm.hidden = true; } })));
  const purge = h("button", { type: "button", testid: "retention-purge", disabled: preview.candidates.length === 0,
    text: t("retention.purge"), onclick: () => { confirm.hidden = false; } });
  return [
    h("h2", { text: t("retention.title") }),
    h("p", { class: "muted", text: t("retention.lead") }),
    h("p", { class: "muted", testid: "retention-what-goes", text: t("retention.whatGoes") }),
    area,
    h("label", { class: "field" }, h("span", { text: t("retention.years") }), years),
    h("div", { class: "actions" }, saveYears),
    list,
    h("div", { class: "actions" }, purge),
    confirm,
    result,
  ];
}
