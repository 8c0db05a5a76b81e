// The corrections of a saved visit, under its form: open its salon, move it to the right day
// of the same campus (wrong day), or delete it (logged by mistake; its student stays).

import * as corrections from "../api-corrections.js";
import { confirmButton, exactOnly } from "../confirm.js";
import { errorArea, field, h } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { formatDate, t } from "../i18n.js";

/** @typedef {import("../api-types").Visit} Visit */
/** @typedef {import("../main.js").Ctx} Ctx */

/**
 * @param {Ctx} ctx @param {Visit} visit
 * @param {{finish: () => Promise<void>}} drafts the form's draft keeper: stopped before a delete
 */
export function visitFixes(ctx, visit, drafts) {
  const error = errorArea();
  const who = visit.studentName || t("visit.anonymous");
  const date = dateField({ testid: "visit-move-date", "data-field": "toDate" });
  return h("section", { class: "card correction", testid: "visit-fixes", "aria-label": t("visitFix.title") },
    h("h2", { text: t("visitFix.title") }),
    error,
    h("p", {},
      h("button", { type: "button", class: "link", testid: "visit-open-salon", text: t("visitFix.openSalon", { date: formatDate(visit.date) }),
        onclick: () => ctx.go("salon", { sessionId: visit.sessionId }) })),
    h("div", { class: "row" }, field(t("visitFix.moveTo"), date, t("visitFix.moveHint"))),
    confirmButton({
      label: t("visitFix.move"), testid: "visit-move", title: t("visitFix.move"), confirmLabel: t("visitFix.moveConfirm"), error,
      check: () => (dateValue(date) ? null : "salon.moveToRequired"),
      describe: async () => [t("visitFix.moveText", { who, from: formatDate(visit.date), to: formatDate(dateValue(date)) }), t("salon.moveCreates"),
        ...await exactOnly([visit.id], dateValue(date))],
      run: async () => {
        const moved = await corrections.moveVisit(visit.id, { toDate: dateValue(date) });
        await ctx.go("salon", { sessionId: moved.sessionId });
      },
    }),
    confirmButton({
      label: t("visitFix.delete"), testid: "visit-delete", title: t("visitFix.delete"), danger: true, final: t("corrections.finalNotes"),
      confirmLabel: t("visitFix.deleteConfirm"), error,
      describe: () => [t("visitFix.deleteText", { who, date: formatDate(visit.date) }),
        visit.studentId !== null ? t("visitFix.deleteKeepsStudent", { who }) : ""].filter(Boolean),
      run: async () => {
        await drafts.finish(); // nothing of the form is written again
        await corrections.deleteVisit(visit.id);
        await ctx.go("salon", { sessionId: visit.sessionId });
      },
    }));
}
