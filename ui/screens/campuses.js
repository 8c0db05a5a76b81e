// キャンパス: the campuses this supporter visits, each with its weekday and time slot.

import * as api from "../api.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { FORMATS, WEEKDAYS, label, t, weekdayName } from "../i18n.js";

/** @typedef {import("../api.js").Campus} Campus */
/** @typedef {import("../api.js").CampusInput} CampusInput */
/** @typedef {import("../api.js").ApiError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const campuses = await api.listCampuses();
  const editor = h("div", { class: "editor" });
  const open = (/** @type {Campus|null} */ campus) => {
    editor.replaceChildren(campusForm(ctx, campus, () => editor.replaceChildren()));
    const first = editor.querySelector("input");
    if (first) first.focus();
  };
  const root = screenRoot("campuses",
    h("header", { class: "screen-head" },
      h("h1", { text: t("campuses.title") }),
      h("button", { type: "button", class: "primary", testid: "campus-new", text: t("campuses.new"), onclick: () => open(null) })),
    campuses.length === 0
      ? h("p", { class: "empty muted", text: t("campuses.empty") })
      : campusTable(campuses, open),
    editor);
  if (campuses.length === 0) open(null);
  return { el: root };
}

/** @param {Campus[]} campuses @param {(c: Campus) => void} open */
function campusTable(campuses, open) {
  return h("ul", { class: "rows" }, campuses.map((c) => h("li", {},
    h("button", { type: "button", class: "data-row", testid: "campus-row", onclick: () => open(c) },
      h("span", { class: "row-title", text: c.name }),
      h("span", { text: t("campuses.slot", { weekday: weekdayName(c.weekday), start: c.startTime, end: c.endTime }) }),
      h("span", { class: "muted", text: c.place }),
      h("span", { class: "tag", text: label("format", c.defaultFormat) }),
      h("span", { class: "muted mono", text: c.hqCode ? t("campuses.hqCodeShort", { code: c.hqCode }) : "" })))));
}

/** @param {Ctx} ctx @param {Campus|null} campus @param {() => void} close */
function campusForm(ctx, campus, close) {
  const c = {
    name: h("input", { type: "text", testid: "campus-name", "data-field": "name", maxlength: 60, value: campus ? campus.name : "" }),
    weekday: select({ testid: "campus-weekday", "data-field": "weekday" },
      WEEKDAYS.map((d) => [String(d), weekdayName(d)]), String(campus ? campus.weekday : 1)),
    start: h("input", { type: "time", testid: "campus-start", "data-field": "startTime", value: campus ? campus.startTime : "10:00" }),
    end: h("input", { type: "time", testid: "campus-end", "data-field": "endTime", value: campus ? campus.endTime : "13:00" }),
    place: h("input", { type: "text", testid: "campus-place", "data-field": "place", maxlength: 100, value: campus ? campus.place : "" }),
    format: select({ testid: "campus-format", "data-field": "defaultFormat" },
      FORMATS.map((f) => [f, label("format", f)]), campus ? campus.defaultFormat : "in_person"),
    hqCode: h("input", { type: "text", class: "mono", testid: "campus-hq-code", "data-field": "hqCode", maxlength: 20, value: campus && campus.hqCode ? campus.hqCode : "" }),
  };
  const error = errorArea();
  const form = h("form", { class: "card" },
    h("h2", { text: campus ? t("campuses.editTitle") : t("campuses.newTitle") }),
    error,
    field(t("campuses.name"), c.name),
    h("div", { class: "row" },
      field(t("campuses.weekday"), c.weekday),
      field(t("campuses.start"), c.start),
      field(t("campuses.end"), c.end)),
    h("div", { class: "row" },
      field(t("campuses.place"), c.place),
      field(t("campuses.format"), c.format)),
    field(t("campuses.hqCode"), c.hqCode, t("campuses.hqCodeHint")),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "campus-save", text: t("common.save") }),
      h("button", { type: "button", text: t("common.cancel"), onclick: close })));
  onSubmit(form, async () => {
    /** @type {CampusInput} */
    const input = {
      id: campus ? campus.id : null,
      name: c.name.value,
      weekday: Number(c.weekday.value),
      startTime: c.start.value,
      endTime: c.end.value,
      place: c.place.value,
      defaultFormat: /** @type {import("../api.js").SalonFormat} */ (c.format.value),
      hqCode: c.hqCode.value.trim() === "" ? null : c.hqCode.value.trim(),
    };
    try {
      await api.saveCampus(input);
      await ctx.go("campuses");
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}
