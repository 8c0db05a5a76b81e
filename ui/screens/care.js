// フォロー: the supporter's follow-through in three lists: 声かけリスト (students who missed their
// appointments twice or more in a row), 要対応 (open follow-ups and 要連携), and 進路未定リスト
// (final-year students still 未定, oldest contact first). The row builders are shared with Today.

import * as api from "../api.js";
import * as care from "../api-care.js";
import { errorArea, h, screenRoot, select, showError } from "../dom.js";
import { formatDate, gradeLabel, t } from "../i18n.js";

/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").FollowUp} FollowUp */
/** @typedef {import("../api-types").Appointment} Appointment */
/** @typedef {import("../main.js").Ctx} Ctx */

const TABS = /** @type {const} */ (["outreach", "followUps", "risk"]);
/** @typedef {typeof TABS[number]} Tab */

const EXCERPT_CHARS = 60;

/** @param {Campus[]} campuses @param {number} id */
export function campusName(campuses, id) {
  const c = campuses.find((x) => x.id === id);
  return c ? c.name : "";
}

/** @param {string} text */
function excerpt(text) {
  const chars = [...text.trim()];
  return chars.length > EXCERPT_CHARS ? chars.slice(0, EXCERPT_CHARS).join("") + t("list.ellipsis") : chars.join("");
}

/** "最終接触: 2025年2月4日(火)" or "接触なし". @param {string|null} date */
function lastContact(date) {
  return date ? t("care.lastContact", { date: formatDate(date) }) : t("care.neverContacted");
}

/**
 * One open follow-up or concern with its 完了 button; `done` runs after it is marked done.
 * @param {Ctx} ctx @param {FollowUp} f @param {Campus[]} campuses @param {string} today
 * @param {HTMLElement} error @param {() => void} done
 */
export function followUpRow(ctx, f, campuses, today, error, done) {
  const overdue = f.followUpOn !== null && f.followUpOn < today;
  const when = f.followUpOn
    ? t(overdue ? "care.followUpOverdue" : "care.followUpOn", { date: formatDate(f.followUpOn) })
    : t("care.fromVisit", { date: formatDate(f.visitDate) });
  const button = h("button", { type: "button", testid: "follow-up-done", text: t("care.done") });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await care.markFollowUpDone(f.visitId);
      done();
    } catch (err) {
      button.disabled = false;
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return h("li", { class: "data-row", testid: "follow-up-row", "data-visit-id": f.visitId },
    h("span", { class: "row-title", text: f.studentName || t("visit.anonymous") }),
    f.concern ? h("span", { class: "badge concern", text: t("visit.concern") }) : null,
    h("span", { class: overdue ? "badge concern" : "tag", text: when }),
    h("span", { class: "muted", text: campusName(campuses, f.campusId) }),
    h("span", { class: "visit-topics", text: f.nextSteps ? excerpt(f.nextSteps) : "" }),
    h("button", { type: "button", class: "link", text: t("care.openVisit"), onclick: () => ctx.go("visit", { visitId: f.visitId }) }),
    button);
}

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const tab = /** @type {Tab} */ (TABS.includes(/** @type {Tab} */ (params.tab)) ? params.tab : "outreach");
  const riskCampus = typeof params.riskCampus === "number" ? params.riskCampus : null;
  const campuses = await api.listCampuses();
  const error = errorArea();
  const reload = (/** @type {Record<string, unknown>} */ extra) => ctx.go("care", { tab, riskCampus, ...extra });
  /** @type {HTMLElement | HTMLElement[]} */
  let content;
  if (tab === "outreach") content = outreachSection(ctx, await care.outreachList(null), campuses);
  else if (tab === "followUps") content = followUpSection(ctx, await care.listFollowUps(null, false), campuses, error, () => reload({}));
  else content = riskSection(ctx, await care.riskList(riskCampus), campuses, riskCampus, reload);
  const tabs = h("div", { class: "actions", role: "tablist" }, TABS.map((name) => h("button", {
    type: "button",
    role: "tab",
    class: name === tab ? "primary" : null,
    testid: `care-tab-${name}`,
    "aria-selected": name === tab ? "true" : "false",
    text: t(`care.tab.${name}`),
    onclick: () => ctx.go("care", { tab: name, riskCampus }),
  })));
  const root = screenRoot("care",
    h("header", { class: "screen-head" }, h("h1", { text: t("care.title") })),
    tabs,
    error,
    content);
  return { el: root };
}

/** @param {Ctx} ctx @param {import("../api-types").OutreachEntry[]} list @param {Campus[]} campuses */
function outreachSection(ctx, list, campuses) {
  return h("section", { "aria-label": t("care.tab.outreach") },
    h("p", { class: "muted", text: t("care.outreachHint") }),
    list.length === 0
      ? h("p", { class: "empty muted", testid: "outreach-empty", text: t("care.outreachEmpty") })
      : h("ul", { class: "rows", testid: "outreach-list" }, list.map((e) => h("li", {},
        h("button", { type: "button", class: "data-row", testid: "outreach-row", "data-student-id": e.studentId,
          onclick: () => ctx.go("student", { studentId: e.studentId }) },
          h("span", { class: "row-title", text: e.studentName }),
          h("span", { class: "badge concern", text: t("care.misses", { n: e.misses }) }),
          h("span", { class: "muted", text: t("care.lastMissed", { date: formatDate(e.lastMissedOn) }) }),
          h("span", { text: lastContact(e.lastContactOn) }),
          h("span", { class: "muted", text: [campusName(campuses, e.campusId), gradeLabel(e.grade)].join(t("list.separator")) }))))));
}

/**
 * @param {Ctx} ctx @param {FollowUp[]} list @param {Campus[]} campuses @param {HTMLElement} error
 * @param {() => void} reload
 */
function followUpSection(ctx, list, campuses, error, reload) {
  const today = todayIso();
  return h("section", { "aria-label": t("care.tab.followUps") },
    h("p", { class: "muted", text: t("care.followUpsHint") }),
    list.length === 0
      ? h("p", { class: "empty muted", testid: "follow-ups-empty", text: t("care.followUpsEmpty") })
      : h("ul", { class: "rows", testid: "follow-up-list" }, list.map((f) => followUpRow(ctx, f, campuses, today, error, reload))));
}

/**
 * @param {Ctx} ctx @param {import("../api-types").RiskEntry[]} list @param {Campus[]} campuses
 * @param {number|null} campusId @param {(extra: Record<string, unknown>) => Promise<void>} reload
 */
function riskSection(ctx, list, campuses, campusId, reload) {
  /** @type {Array<[string, string]>} */
  const options = [["", t("care.allCampuses")], ...campuses.map((c) => /** @type {[string, string]} */ ([String(c.id), c.name]))];
  const picker = select({ testid: "risk-campus", id: "risk-campus" }, options, campusId === null ? "" : String(campusId));
  picker.addEventListener("change", () => void reload({ riskCampus: picker.value ? Number(picker.value) : null }));
  return h("section", { "aria-label": t("care.tab.risk") },
    h("p", { class: "muted", text: t("care.riskHint") }),
    h("div", { class: "campus-picker" }, h("label", { for: "risk-campus", text: t("care.campus") }), picker),
    list.length === 0
      ? h("p", { class: "empty muted", testid: "risk-empty", text: t("care.riskEmpty") })
      : h("ul", { class: "rows", testid: "risk-list" }, list.map((r) => h("li", {},
        h("button", { type: "button", class: "data-row", testid: "risk-row", "data-student-id": r.studentId,
          onclick: () => ctx.go("student", { studentId: r.studentId }) },
          h("span", { class: "row-title", text: r.studentName }),
          h("span", { class: "tag", text: gradeLabel(r.grade) }),
          h("span", { text: lastContact(r.lastContactOn) }),
          h("span", { class: "muted", text: campusName(campuses, r.campusId) }))))));
}

/** Today's date in Tokyo as "YYYY-MM-DD", whatever the laptop's zone (Japan has no DST). */
export function todayIso() {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}
