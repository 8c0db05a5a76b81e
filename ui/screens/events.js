// イベント: オンライン職業講話, キャリアガイダンス・イベント, 保護者セミナー, キャリアサポーター育成講習,
// 交流会 — the day, the campus or online, and how many took part (counts only, never names).

import * as api from "../api.js";
import * as care from "../api-care.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { formatDate, formatMonth, t } from "../i18n.js";
import { campusName, todayIso } from "./care.js";

/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").Event} CareEvent */
/** @typedef {import("../main.js").Ctx} Ctx */

const COUNTS = /** @type {const} */ (["students", "parents", "teachers", "supporters"]);

/** The first and last day of the month "YYYY-MM". @param {string} ym */
function monthRange(ym) {
  const [y, m] = ym.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${ym}-01`, `${ym}-${String(last).padStart(2, "0")}`];
}

/** @param {string} ym @param {number} delta */
function shiftMonth(ym, delta) {
  const [y, m] = ym.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const month = typeof params.month === "string" && /^\d{4}-\d{2}$/.test(params.month) ? params.month : todayIso().slice(0, 7);
  const [from, to] = monthRange(month);
  const [campuses, events] = await Promise.all([api.listCampuses(), care.listEvents(from, to)]);
  const editing = typeof params.eventId === "number" ? events.find((e) => e.id === params.eventId) || null : null;
  const reload = (/** @type {Record<string, unknown>} */ extra) => ctx.go("events", { month, ...extra });
  const error = errorArea();
  const nav = h("div", { class: "actions" },
    h("button", { type: "button", testid: "events-prev", text: t("events.prev"), onclick: () => ctx.go("events", { month: shiftMonth(month, -1) }) }),
    h("strong", { testid: "events-month", text: formatMonth(month) }),
    h("button", { type: "button", testid: "events-next", text: t("events.next"), onclick: () => ctx.go("events", { month: shiftMonth(month, 1) }) }));
  const root = screenRoot("events",
    h("header", { class: "screen-head" }, h("h1", { text: t("events.title") })),
    eventForm(campuses, editing, month, () => reload({})),
    error,
    nav,
    eventList(events, campuses, error, reload));
  return { el: root };
}

/**
 * @param {Campus[]} campuses @param {CareEvent|null} editing @param {string} month
 * @param {() => Promise<void>} saved
 */
function eventForm(campuses, editing, month, saved) {
  const today = todayIso();
  const kind = select({ testid: "event-kind", "data-field": "kind" },
    care.EVENT_KINDS.map((k) => [k, t(`events.kind.${k}`)]), editing ? editing.kind : "career_talk");
  const date = dateField({ testid: "event-date", "data-field": "date",
    value: editing ? editing.date : today.startsWith(month) ? today : `${month}-01` });
  /** @type {Array<[string, string]>} */
  const places = [["", t("events.online")], ...campuses.map((c) => /** @type {[string, string]} */ ([String(c.id), c.name]))];
  const campus = select({ testid: "event-campus", "data-field": "campusId" }, places,
    editing && editing.campusId !== null ? String(editing.campusId) : "");
  const title = h("input", { type: "text", testid: "event-title", "data-field": "title", maxlength: 100, value: editing ? editing.title : "" });
  const counts = Object.fromEntries(COUNTS.map((k) => [k, h("input", {
    type: "number", testid: `event-${k}`, "data-field": k, min: 0, step: 1, inputmode: "numeric",
    value: editing ? String(editing[k]) : "0",
  })]));
  const error = errorArea();
  const form = h("form", { class: "card" },
    h("h2", { text: editing ? t("events.editTitle") : t("events.newTitle") }),
    error,
    h("div", { class: "row" }, field(t("events.kindLabel"), kind), field(t("events.date"), date), field(t("events.place"), campus)),
    field(t("events.titleLabel"), title, t("events.titleHint")),
    h("div", { class: "row" }, COUNTS.map((k) => field(t(`events.count.${k}`), counts[k]))),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "event-save", text: t("common.save") })));
  onSubmit(form, async () => {
    /** @type {Record<string, number>} */
    const numbers = {};
    for (const k of COUNTS) {
      const raw = counts[k].value.trim();
      const n = raw === "" ? 0 : Number(raw);
      if (!Number.isSafeInteger(n)) return showError(error, "errors.out_of_range", k);
      numbers[k] = n;
    }
    try {
      await care.saveEvent({
        id: editing ? editing.id : null,
        kind: /** @type {import("../api-types").EventKind} */ (kind.value),
        date: dateValue(date),
        campusId: campus.value ? Number(campus.value) : null,
        title: title.value,
        students: numbers.students, parents: numbers.parents, teachers: numbers.teachers, supporters: numbers.supporters,
      });
      await saved();
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}

/**
 * @param {CareEvent[]} events @param {Campus[]} campuses @param {HTMLElement} error
 * @param {(extra: Record<string, unknown>) => Promise<void>} reload
 */
function eventList(events, campuses, error, reload) {
  if (events.length === 0) return h("p", { class: "empty muted", testid: "event-list", text: t("events.empty") });
  return h("ul", { class: "rows", testid: "event-list" }, events.map((e) => {
    const remove = h("button", { type: "button", testid: "event-delete", text: t("events.delete") });
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await care.deleteEvent(e.id);
        await reload({});
      } catch (err) {
        remove.disabled = false;
        showError(error, /** @type {ApiError} */ (err));
      }
    });
    const total = e.students + e.parents + e.teachers + e.supporters;
    return h("li", { class: "data-row", testid: "event-row", "data-event-id": e.id },
      h("span", { class: "history-date", text: formatDate(e.date) }),
      h("span", { class: "row-title", text: t(`events.kind.${e.kind}`) }),
      h("span", { class: "tag", text: e.campusId === null ? t("events.online") : campusName(campuses, e.campusId) }),
      e.title ? h("span", { text: e.title }) : null,
      h("span", { class: "visit-topics", text: t("events.participants", {
        total, students: e.students, parents: e.parents, teachers: e.teachers, supporters: e.supporters,
      }) }),
      h("button", { type: "button", testid: "event-edit", text: t("events.edit"), onclick: () => reload({ eventId: e.id }) }),
      remove);
  }));
}
