// サロンの記録: the salons held, newest first, of one campus or all; each opens its own
// screen, where a salon opened by mistake is removed and a wrong day or time corrected.

import * as api from "../api.js";
import * as corrections from "../api-corrections.js";
import { h, screenRoot, select } from "../dom.js";
import { formatDate, label, t } from "../i18n.js";

/** @typedef {import("../api-types").SessionRow} SessionRow */
/** @typedef {import("../api-types").Campus} Campus */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const campusId = typeof params.campusId === "number" ? params.campusId : null;
  const [campuses, rows] = await Promise.all([api.listCampuses(), corrections.listSessions(campusId)]);
  /** @type {Array<[string, string]>} */
  const options = [["", t("salons.allCampuses")], ...campuses.map((c) => /** @type {[string, string]} */ ([String(c.id), c.name]))];
  const picker = select({ testid: "salons-campus", id: "salons-campus" }, options, campusId === null ? "" : String(campusId));
  picker.addEventListener("change", () => ctx.go("salons", picker.value ? { campusId: Number(picker.value) } : {}));
  return {
    el: screenRoot("salons",
      h("header", { class: "screen-head" }, h("h1", { text: t("salons.title") })),
      h("p", { class: "muted", text: t("salons.lead") }),
      h("div", { class: "campus-picker" }, h("label", { for: "salons-campus", text: t("salons.campus") }), picker),
      rows.length === 0
        ? h("p", { class: "card empty muted", testid: "salons-empty", text: t("salons.none") })
        : h("ol", { class: "rows", testid: "salons-list" }, rows.map((r) => row(ctx, r, campuses)))),
  };
}

/** @param {import("../main.js").Ctx} ctx @param {SessionRow} r @param {Campus[]} campuses */
function row(ctx, r, campuses) {
  const campus = campuses.find((c) => c.id === r.campusId);
  const times = r.closedAt ? t("salons.times", { start: r.openedAt, end: r.closedAt }) : t("salons.stillOpen", { start: r.openedAt });
  return h("li", {},
    h("button", { type: "button", class: "data-row salon-row", testid: "salon-row", "data-session-id": r.id, "data-date": r.date,
      onclick: () => ctx.go("salon", { sessionId: r.id }) },
    h("span", { class: "history-date", text: formatDate(r.date) }),
    h("span", { class: "row-title", text: campus ? campus.name : "" }),
    h("span", { class: "muted", text: times }),
    h("span", { class: "tag", text: label("format", r.format) }),
    h("span", { class: "visit-minutes", text: t("salons.visits", { n: r.visits }) })));
}
