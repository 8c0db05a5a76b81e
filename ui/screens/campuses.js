// キャンパス: the campuses this supporter visits, each with its weekday and time slot.

import * as api from "../api.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { FORMATS, WEEKDAYS, label, t, weekdayName } from "../i18n.js";

/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").CampusInput} CampusInput */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").HqStatus} HqStatus */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const [campuses, hq] = await Promise.all([api.listCampuses(), api.hqStatus()]);
  const editor = h("div", { class: "editor" });
  const open = (/** @type {Campus|null} */ campus) => {
    editor.replaceChildren(campusForm(ctx, campus, hqCodeChoice(campus, hq, campuses), () => editor.replaceChildren()));
    const first = editor.querySelector("input");
    if (first) first.focus();
  };
  const root = screenRoot("campuses",
    h("header", { class: "screen-head" },
      h("h1", { text: t("campuses.title") }),
      h("button", { type: "button", class: "primary", testid: "campus-new", text: t("campuses.new"), onclick: () => open(null) })),
    campuses.length === 0
      ? h("p", { class: "empty muted", testid: "campuses-empty", text: t("campuses.empty") })
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

/**
 * The キャンパスコード, chosen from the codes headquarters allowed this laptop at enrolment (a code
 * another campus here uses is shown but cannot be chosen twice). Before enrolment there is
 * nothing to choose from: the field says where the choice will come from, and a campus keeps
 * the code it has.
 * @param {Campus|null} campus @param {HqStatus} hq @param {Campus[]} campuses
 * @returns {{control: HTMLElement, value: () => string | null}}
 */
function hqCodeChoice(campus, hq, campuses) {
  const current = campus ? campus.hqCode : null;
  if (!hq.enrolled) {
    return {
      control: h("p", { class: "hint", testid: "campus-hq-code-later", text: current ? t("campuses.hqCodeKept", { code: current }) : t("campuses.hqCodeLater") }),
      value: () => current,
    };
  }
  const usedBy = new Map(campuses.filter((c) => c.hqCode && (!campus || c.id !== campus.id)).map((c) => [c.hqCode, c.name]));
  const options = [h("option", { value: "", text: t("campuses.hqCodeNone") }),
    ...hq.campuses.map((code) => {
      const other = usedBy.get(code);
      return h("option", { value: code, disabled: other !== undefined, text: other ? t("campuses.hqCodeUsed", { code, name: other }) : code });
    })];
  if (current && !hq.campuses.includes(current)) {
    options.push(h("option", { value: current, text: t("campuses.hqCodeNotAllowed", { code: current }) }));
  }
  const free = hq.campuses.filter((code) => !usedBy.has(code));
  const control = h("select", { testid: "campus-hq-code", "data-field": "hqCode" }, options);
  // A new campus takes the one code left for it, which is nearly always the right one.
  control.value = current || (campus === null && free.length === 1 ? free[0] : "");
  return { control, value: () => control.value || null };
}

/**
 * @param {Ctx} ctx @param {Campus|null} campus
 * @param {{control: HTMLElement, value: () => string | null}} hqCode @param {() => void} close
 */
function campusForm(ctx, campus, hqCode, close) {
  const c = {
    name: h("input", { type: "text", testid: "campus-name", "data-field": "name", maxlength: 60, value: campus ? campus.name : "" }),
    weekday: select({ testid: "campus-weekday", "data-field": "weekday" },
      WEEKDAYS.map((d) => [String(d), weekdayName(d)]), String(campus ? campus.weekday : 1)),
    start: h("input", { type: "time", testid: "campus-start", "data-field": "startTime", value: campus ? campus.startTime : "10:00" }),
    end: h("input", { type: "time", testid: "campus-end", "data-field": "endTime", value: campus ? campus.endTime : "13:00" }),
    place: h("input", { type: "text", testid: "campus-place", "data-field": "place", maxlength: 100, value: campus ? campus.place : "" }),
    format: select({ testid: "campus-format", "data-field": "defaultFormat" },
      FORMATS.map((f) => [f, label("format", f)]), campus ? campus.defaultFormat : "in_person"),
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
    field(t("campuses.hqCode"), hqCode.control, t("campuses.hqCodeHint")),
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
      defaultFormat: /** @type {import("../api-types").Format} */ (c.format.value),
      hqCode: hqCode.value(),
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
