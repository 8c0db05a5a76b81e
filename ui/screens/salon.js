// サロン: one salon and its visits, and its corrections: its day, times, format and place
// corrected; today's reopened after closing too early; a salon opened by mistake removed
// (at once when empty; with visits, only after they are listed and moved or deleted).

import * as api from "../api.js";
import * as corrections from "../api-corrections.js";
import { confirmButton, exactOnly } from "../confirm.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { FORMATS, formatDate, label, t } from "../i18n.js";
import { visitList } from "./today.js";

/** @typedef {import("../api-types").SalonSession} SalonSession */
/** @typedef {import("../api-types").Visit} Visit */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const sessionId = Number(params.sessionId);
  const [detail, campuses] = await Promise.all([corrections.getSession(sessionId), api.listCampuses()]);
  const { session, visits, today } = detail;
  const campus = campuses.find((c) => c.id === session.campusId);
  const campusName = campus ? campus.name : "";
  const error = errorArea();
  const back = () => ctx.go("salons", { campusId: session.campusId });
  return {
    el: screenRoot("salon",
      h("header", { class: "screen-head" },
        h("div", {},
          h("button", { type: "button", class: "link", testid: "salon-back", text: t("salon.back"), onclick: back }),
          h("h1", { testid: "salon-title", text: t("salon.title", { date: formatDate(session.date), campus: campusName }) }))),
      error,
      summary(session, visits),
      h("h2", { text: t("salon.visitCount", { n: visits.length }) }),
      visitList(ctx, visits),
      correctSection(ctx, session, visits.map((v) => v.id), error),
      session.closedAt !== null && session.date === today ? reopenSection(ctx, session, error) : null,
      removeSection(ctx, session, visits, campusName, error)),
  };
}

/** @param {SalonSession} s @param {Visit[]} visits */
function summary(s, visits) {
  const times = s.closedAt ? t("salons.times", { start: s.openedAt, end: s.closedAt }) : t("salons.stillOpen", { start: s.openedAt });
  /** @type {Array<[string, string]>} */
  const items = [
    [t("salon.date"), formatDate(s.date)],
    [t("salon.times"), times],
    [t("salon.format"), label("format", s.format)],
    [t("salon.place"), s.place || t("salon.noPlace")],
    [t("salon.visits"), t("salons.visits", { n: visits.length })],
  ];
  return h("dl", { class: "card profile", testid: "salon-summary" }, items.map(([k, v]) => h("div", {}, h("dt", { text: k }), h("dd", { text: v }))));
}

/**
 * サロンを修正: the form, then a confirmation that names each change.
 * @param {Ctx} ctx @param {SalonSession} s @param {number[]} visitIds its visits
 * @param {HTMLElement} error
 */
function correctSection(ctx, s, visitIds, error) {
  const date = dateField({ testid: "salon-fix-date", "data-field": "date", value: s.date });
  const opened = h("input", { type: "time", testid: "salon-fix-opened", "data-field": "openedAt", value: s.openedAt });
  const closed = h("input", { type: "time", testid: "salon-fix-closed", "data-field": "closedAt", value: s.closedAt || "" });
  const format = select({ testid: "salon-fix-format", "data-field": "format" }, FORMATS.map((f) => [f, label("format", f)]), s.format);
  const place = h("input", { type: "text", testid: "salon-fix-place", "data-field": "place", maxlength: 100, value: s.place });
  const confirmArea = h("div", {});
  const input = () => ({
    date: dateValue(date), openedAt: opened.value, closedAt: closed.value,
    format: /** @type {"in_person"|"online"} */ (format.value), place: place.value,
  });
  /** Each field that changes, "before → after". */
  const changes = () => {
    const next = input();
    /** @type {Array<[string, string, string]>} */
    const pairs = [
      [t("salon.date"), formatDate(s.date), next.date ? formatDate(next.date) : ""],
      [t("salon.opened"), s.openedAt, next.openedAt],
      [t("salon.closed"), s.closedAt || t("salon.notClosed"), next.closedAt || t("salon.notClosed")],
      [t("salon.format"), label("format", s.format), label("format", next.format)],
      [t("salon.place"), s.place || t("salon.noPlace"), next.place.trim() || t("salon.noPlace")],
    ];
    return pairs.filter(([, a, b]) => a !== b).map(([what, a, b]) => t("salon.change", { what, from: a, to: b }));
  };
  const form = h("form", { class: "card correction", testid: "salon-fix" },
    h("h2", { text: t("salon.fixTitle") }),
    h("p", { class: "hint", text: t("salon.fixHint") }),
    h("div", { class: "row" }, field(t("salon.date"), date), field(t("salon.opened"), opened), field(t("salon.closed"), closed)),
    h("div", { class: "row" }, field(t("salon.format"), format), field(t("salon.place"), place)),
    h("div", { class: "actions" }, h("button", { type: "submit", testid: "salon-fix-review", text: t("salon.fixReview") })),
    confirmArea);
  onSubmit(form, async () => {
    const lines = changes();
    if (lines.length === 0) {
      showError(error, "salon.nothingChanged");
      return;
    }
    const confirm = h("button", { type: "button", class: "primary", testid: "salon-fix-confirm", text: t("salon.fixConfirm") });
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        await corrections.correctSession(s.id, input());
        await ctx.go("salon", { sessionId: s.id });
      } catch (err) {
        confirm.disabled = false;
        showError(error, /** @type {ApiError} */ (err));
      }
    });
    /** @type {string[]} */
    let moved = [];
    try {
      moved = dateValue(date) !== s.date ? await exactOnly(visitIds, dateValue(date)) : [];
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
      return;
    }
    confirmArea.replaceChildren(h("div", { class: "confirm-box", role: "alertdialog", "aria-label": t("salon.fixTitle"), testid: "salon-fix-box" },
      lines.map((line) => h("p", { text: line })),
      h("p", { class: "hint", text: t("salon.fixSync") }),
      moved.map((line) => h("p", { class: "hint", testid: "salon-fix-exact-only", text: line })),
      h("div", { class: "actions" }, confirm,
        h("button", { type: "button", text: t("common.back"), onclick: () => confirmArea.replaceChildren() }))));
    confirm.focus();
  });
  return form;
}

/** 再開: today's salon, closed too early. @param {Ctx} ctx @param {SalonSession} s @param {HTMLElement} error */
function reopenSection(ctx, s, error) {
  return h("section", { class: "correction" },
    confirmButton({
      label: t("salon.reopen"), testid: "salon-reopen", title: t("salon.reopen"), confirmLabel: t("salon.reopenConfirm"), error,
      describe: () => [t("salon.reopenText", { end: s.closedAt || "" })],
      run: async () => {
        await corrections.reopenSession(s.id);
        await ctx.go("today");
      },
    }));
}

/**
 * サロンを削除. Empty: at once, after one confirmation. With visits: they are listed, and the
 * supporter chooses to move them to the right day or to delete them with the salon.
 * @param {Ctx} ctx @param {SalonSession} s @param {Visit[]} visits @param {string} campus
 * @param {HTMLElement} error
 */
function removeSection(ctx, s, visits, campus, error) {
  const expected = visits.map((v) => v.id);
  const done = () => ctx.go("salons", { campusId: s.campusId });
  const where = t("salon.where", { date: formatDate(s.date), campus });
  if (visits.length === 0) {
    return h("section", { class: "correction", testid: "salon-remove" },
      h("h2", { text: t("salon.removeTitle") }),
      confirmButton({
        label: t("salon.remove"), testid: "salon-remove-empty", title: t("salon.removeTitle"), danger: true,
        confirmLabel: t("salon.removeConfirm"), error,
        describe: () => [t("salon.removeEmptyText", { where }), t("salon.removeSync")],
        run: async () => {
          await corrections.removeSession(s.id, expected, "delete");
          await done();
        },
      }));
  }
  const moveDate = dateField({ testid: "salon-remove-move-date", "data-field": "toDate" });
  const names = visits.map((v) => `${v.studentName || t("visit.anonymous")}（${label("route", v.route)}）`);
  const listed = () => h("ul", { class: "correction-list" }, names.map((n) => h("li", { text: n })));
  return h("section", { class: "correction", testid: "salon-remove" },
    h("h2", { text: t("salon.removeTitle") }),
    h("p", { text: t("salon.removeHasVisits", { n: visits.length }) }),
    listed(),
    h("div", { class: "row" }, field(t("salon.moveTo"), moveDate, t("salon.moveToHint"))),
    confirmButton({
      label: t("salon.removeMoving"), testid: "salon-remove-move", title: t("salon.removeTitle"),
      confirmLabel: t("salon.removeMovingConfirm"), error,
      check: () => (dateValue(moveDate) ? null : "salon.moveToRequired"),
      describe: async () => [
        t("salon.removeMovingText", { n: visits.length, to: formatDate(dateValue(moveDate)), where }),
        listed(),
        t("salon.moveCreates"),
        t("salon.removeSync"),
        ...await exactOnly(expected, dateValue(moveDate)),
      ],
      run: async () => {
        await corrections.removeSession(s.id, expected, "move", { toDate: dateValue(moveDate) });
        await done();
      },
    }),
    confirmButton({
      label: t("salon.removeDeleting"), testid: "salon-remove-delete", title: t("salon.removeTitle"), danger: true, final: t("corrections.finalNotes"),
      confirmLabel: t("salon.removeDeletingConfirm"), error,
      describe: () => [t("salon.removeDeletingText", { n: visits.length, where }), listed(), t("salon.removeSync")],
      run: async () => {
        await corrections.removeSession(s.id, expected, "delete");
        await done();
      },
    }));
}
