// 報告: the teacher report for a campus and period (教職員向け実施報告, printed on A4 and handed
// to the school) and the monthly activity report. The teacher report holds counts and what the
// supporter wrote to be shared; private notes never reach it (the backend never reads them).

import * as api from "../api.js";
import * as reports from "../api-reports.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError, clearErrors } from "../dom.js";
import { dateField, monthField, monthValue, parseDate } from "../date-field.js";
import { formatDate, formatMonth, label, parseIsoDate, t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").TeacherReport} TeacherReport */
/** @typedef {import("../api-types").ActivityReport} ActivityReport */
/** @typedef {import("../api-types").SharedItem} SharedItem */
/** @typedef {import("../main.js").Ctx} Ctx */

/** Today on the Tokyo clock, "YYYY-MM-DD" (Japan keeps no daylight saving time: always UTC+9). */
export function tokyoToday() {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * The first and last day of a month.
 * @param {string} ym "YYYY-MM"
 * @returns {{from: string, to: string} | null}
 */
export function monthRange(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || "");
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (mo < 1 || mo > 12) return null;
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${String(last).padStart(2, "0")}` };
}

/** "2025年2月1日" (no weekday: a report's period). @param {string} iso */
function longDate(iso) {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return t("reports.dateLong", { y: p.y, m: p.m, d: p.d, mon: t(`month.${p.m}`) });
}

/** "2025年2月1日〜2025年2月28日". @param {string} from @param {string} to */
export function periodText(from, to) {
  return t("reports.period", { from: longDate(from), to: longDate(to) });
}

/** "12時間30分", "45分". @param {number} minutes */
export function hoursMinutes(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return t("reports.minutesOnly", { m: rest });
  return rest === 0 ? t("reports.hoursOnly", { h: hours }) : t("reports.hoursMinutes", { h: hours, m: rest });
}

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const campuses = await api.listCampuses();
  const root = screenRoot("reports",
    h("header", { class: "screen-head" }, h("h1", { text: t("reports.title") })),
    teacherCard(ctx, campuses, () => (root.dataset.print = "teacher")),
    activityCard(() => (root.dataset.print = "activity")));
  return { el: root };
}

/**
 * 教職員向け実施報告: the form, then the report itself (the part that is printed).
 * @param {Ctx} ctx @param {Campus[]} campuses @param {() => void} markPrint
 */
function teacherCard(ctx, campuses, markPrint) {
  const card = h("section", { class: "card report-card teacher-card" },
    h("h2", { text: t("reports.teacherTitle") }),
    h("p", { class: "muted", text: t("reports.teacherLead") }));
  if (campuses.length === 0) {
    card.append(h("p", { class: "muted", testid: "report-no-campus", text: t("reports.noCampus") }));
    return card;
  }
  const range = /** @type {{from: string, to: string}} */ (monthRange(tokyoToday().slice(0, 7)));
  const initial = ctx.state.campusId !== null && campuses.some((c) => c.id === ctx.state.campusId)
    ? String(ctx.state.campusId) : String(campuses[0].id);
  const campus = select({ testid: "report-campus", "data-field": "campusId" },
    campuses.map((c) => [String(c.id), c.name]), initial);
  const from = dateField({ testid: "report-from", "data-field": "from", value: range.from });
  const to = dateField({ testid: "report-to", "data-field": "to", value: range.to });
  const error = errorArea();
  const out = h("div", { class: "report-out" });
  const form = h("form", { class: "report-form" },
    error,
    h("div", { class: "row" },
      field(t("reports.campus"), campus),
      field(t("reports.from"), from),
      field(t("reports.to"), to)),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "report-show", text: t("reports.show") })));
  onSubmit(form, async () => {
    clearErrors();
    const [first, last] = [parseDate(from.value), parseDate(to.value)];
    if (!first) return showError(error, "errors.invalid_date", "from");
    if (!last || last < first) return showError(error, "errors.invalid_date", "to");
    try {
      const report = await reports.teacherReport(Number(campus.value), first, last);
      out.replaceChildren(teacherReport(report, markPrint));
    } catch (err) {
      out.replaceChildren();
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  card.append(form, out);
  return card;
}

/**
 * The report as it is printed and handed to the school.
 * @param {TeacherReport} r @param {() => void} markPrint
 */
function teacherReport(r, markPrint) {
  const printDate = h("p", { class: "report-print-date", testid: "report-print-date", text: t("reports.printDate", { date: formatDate(tokyoToday()) }) });
  const print = () => {
    printDate.textContent = t("reports.printDate", { date: formatDate(tokyoToday()) });
    markPrint();
    void api.printPage();
  };
  return h("div", { class: "report-wrap" },
    h("div", { class: "actions report-actions" },
      h("button", { type: "button", class: "primary", testid: "report-print", text: t("reports.print"), onclick: print }),
      h("span", { class: "hint", text: t("reports.printHint") })),
    h("article", { class: "report", testid: "teacher-report" },
      h("header", { class: "report-head" },
        h("h1", { class: "report-title", text: t("reports.teacherReportTitle") }),
        printDate,
        h("dl", { class: "report-meta" },
          h("div", {}, h("dt", { text: t("reports.campusLabel") }), h("dd", { testid: "report-campus-name", text: r.campus.name })),
          h("div", {}, h("dt", { text: t("reports.periodLabel") }), h("dd", { testid: "report-period", text: periodText(r.from, r.to) })))),
      h("section", { class: "report-section" },
        h("h2", { text: t("reports.summaryTitle") }),
        h("table", { class: "report-table report-figures", testid: "report-figures" },
          h("tbody", {},
            figureRow(t("reports.sessions"), t("reports.timesN", { n: r.sessions })),
            figureRow(t("reports.sessionMinutes"), reportMinutes(r)),
            figureRow(t("reports.visits"), t("reports.casesN", { n: r.visits })),
            figureRow(t("reports.students"), t("reports.peopleN", { n: r.students })))),
        h("p", { class: "report-note", text: t("reports.studentsNote") })),
      h("section", { class: "report-section report-breakdown" },
        tallyTable(t("reports.byRoute"), r.byRoute.map(([code, n]) => [label("route", code), n]), "report-by-route"),
        r.byTopic
          ? tallyTable(t("reports.byTopic"), r.byTopic.map(([code, n]) => [label("topic", code), n]), "report-by-topic")
          : null),
      h("p", { class: "report-note", testid: r.byTopic ? "report-topics-note" : "report-topics-withheld",
        text: r.byTopic ? t("reports.topicsNote") : t("reports.topicsWithheld", { n: r.topicsMinVisits, m: r.topicsMinStudents }) }),
      h("section", { class: "report-section" },
        h("h2", { text: t("reports.concernsTitle") }),
        sharedList(r.concerns, "report-concern", true)),
      h("section", { class: "report-section" },
        h("h2", { text: t("reports.summariesTitle") }),
        sharedList(r.summaries, "report-summary", false)),
      h("p", { class: "report-footnote", testid: "report-footnote", text: t("reports.footnote") })));
}

/**
 * The time of the closed salons; a salon still open has no length yet, and says so
 * rather than reading as 0分.
 * @param {TeacherReport} r
 */
function reportMinutes(r) {
  if (r.openSessions === 0) return hoursMinutes(r.sessionMinutes);
  if (r.openSessions === r.sessions) return t("reports.minutesOpen");
  return t("reports.minutesWithOpen", { time: hoursMinutes(r.sessionMinutes), n: r.openSessions });
}

/** @param {string} name @param {string} value */
function figureRow(name, value) {
  return h("tr", {}, h("th", { scope: "row", text: name }), h("td", { text: value }));
}

/**
 * @param {string} caption @param {Array<[string, number]>} rows @param {string} testid
 */
function tallyTable(caption, rows, testid) {
  return h("table", { class: "report-table report-tally", testid },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", text: t("reports.item") }),
      h("th", { scope: "col", class: "num", text: t("reports.count") }))),
    h("tbody", {}, rows.map(([name, n]) => h("tr", {},
      h("th", { scope: "row", text: name }),
      h("td", { class: "num", text: t("reports.casesN", { n }) })))));
}

/**
 * @param {SharedItem[]} items @param {string} testid @param {boolean} concerns
 */
function sharedList(items, testid, concerns) {
  if (items.length === 0) {
    return h("p", { class: "report-none", testid: `${testid}-none`, text: t(concerns ? "reports.noConcerns" : "reports.noSummaries") });
  }
  return h("ol", { class: "report-items" }, items.map((item) => {
    const summary = item.teacherSummary.trim();
    return h("li", { class: "report-item", testid },
      h("p", { class: "report-item-head" },
        h("span", { class: "report-item-date", text: formatDate(item.date) }),
        h("span", { class: "report-item-name", text: item.studentName || t("reports.anonymous") }),
        item.followUpOn ? h("span", { class: "report-item-follow", text: t("reports.followUp", { date: formatDate(item.followUpOn) }) }) : null),
      h("p", { class: summary ? "report-item-text" : "report-item-text report-item-empty", text: summary || t("reports.noSummaryText") }));
  }));
}

/** 月次活動報告: each campus's month and the totals. @param {() => void} markPrint */
function activityCard(markPrint) {
  const month = monthField({ testid: "activity-month", "data-field": "from to", value: tokyoToday().slice(0, 7) });
  const error = errorArea();
  const out = h("div", { class: "report-out" });
  const form = h("form", { class: "report-form" },
    error,
    h("div", { class: "row" }, field(t("reports.month"), month)),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "activity-show", text: t("reports.show") })));
  onSubmit(form, async () => {
    clearErrors();
    const range = monthRange(monthValue(month));
    if (!range) return showError(error, "errors.invalid_date", "from");
    try {
      const report = await reports.activityReport(range.from, range.to);
      out.replaceChildren(activityReport(report, monthValue(month), markPrint));
    } catch (err) {
      out.replaceChildren();
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return h("section", { class: "card report-card activity-card" },
    h("h2", { text: t("reports.activityTitle") }),
    h("p", { class: "muted", text: t("reports.activityLead") }),
    form, out);
}

/** @param {ActivityReport} r @param {string} ym @param {() => void} markPrint */
function activityReport(r, ym, markPrint) {
  const printDate = h("p", { class: "report-print-date", text: t("reports.printDate", { date: formatDate(tokyoToday()) }) });
  const print = () => {
    printDate.textContent = t("reports.printDate", { date: formatDate(tokyoToday()) });
    markPrint();
    void api.printPage();
  };
  const numbers = (/** @type {{sessions: number, sessionMinutes: number, visits: number, events: number, eventParticipants: number}} */ x, /** @type {string} */ students) => [
    h("td", { class: "num", text: t("reports.timesN", { n: x.sessions }) }),
    h("td", { class: "num", text: hoursMinutes(x.sessionMinutes) }),
    h("td", { class: "num", text: t("reports.casesN", { n: x.visits }) }),
    h("td", { class: "num", text: students }),
    h("td", { class: "num", text: t("reports.eventsN", { n: x.events, people: x.eventParticipants }) }),
  ];
  return h("div", { class: "report-wrap" },
    h("div", { class: "actions report-actions" },
      h("button", { type: "button", testid: "activity-print", text: t("reports.print"), onclick: print })),
    h("article", { class: "report", testid: "activity-report" },
      h("header", { class: "report-head" },
        h("h1", { class: "report-title", text: t("reports.activityReportTitle", { month: formatMonth(ym) }) }),
        printDate,
        h("dl", { class: "report-meta" },
          h("div", {}, h("dt", { text: t("reports.periodLabel") }), h("dd", { text: periodText(r.from, r.to) })))),
      r.campuses.length === 0 ? h("p", { class: "report-none", text: t("reports.noCampusActivity") }) : null,
      h("table", { class: "report-table report-activity" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", text: t("reports.campusLabel") }),
          h("th", { scope: "col", class: "num", text: t("reports.sessions") }),
          h("th", { scope: "col", class: "num", text: t("reports.sessionMinutes") }),
          h("th", { scope: "col", class: "num", text: t("reports.visits") }),
          h("th", { scope: "col", class: "num", text: t("reports.students") }),
          h("th", { scope: "col", class: "num", text: t("reports.events") }))),
        h("tbody", {}, [
          ...r.campuses.map((c) => h("tr", { testid: "activity-row" },
            h("th", { scope: "row", text: c.campusName }),
            numbers(c, t("reports.peopleN", { n: c.students })))),
          r.onlineEvents > 0
            ? h("tr", { testid: "activity-online" },
              h("th", { scope: "row", text: t("reports.online") }),
              numbers({ sessions: 0, sessionMinutes: 0, visits: 0, events: r.onlineEvents, eventParticipants: r.onlineParticipants }, "—"))
            : null,
        ]),
        h("tfoot", {}, h("tr", { class: "total", testid: "activity-total" },
          h("th", { scope: "row", text: t("reports.total") }),
          numbers(r, t("reports.noTotal"))))),
      h("p", { class: "report-note", text: t("reports.activityNote") })));
}
