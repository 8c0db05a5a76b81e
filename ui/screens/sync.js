// 送信: what this laptop reports to headquarters (counts only), the exact JSON, a send on
// demand, and the local log of what was sent.

import * as api from "../api.js";
import { h, screenRoot } from "../dom.js";
import { errorText, formatDate, formatDateTime, formatMonth, knowsError, label, t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").Cell<string>} Cell */
/** @typedef {import("../api-types").DaySnapshot} DaySnapshot */
/** @typedef {import("../api-types").EventDaySnapshot} EventDaySnapshot */
/** @typedef {import("../api-types").HqStatus} HqStatus */
/** @typedef {import("../api-types").HeldBack} HeldBack */
/** @typedef {import("../api-types").MonthSnapshot} MonthSnapshot */
/** @typedef {import("../api-types").MonthRelease} MonthRelease */
/** @typedef {import("../api-types").PathRelease} PathRelease */
/** @typedef {import("../api-types").SensitiveTopics} SensitiveTopics */
/** @typedef {import("../api-types").Receipt} Receipt */
/** @typedef {import("../api-types").ReleaseToDraw} ReleaseToDraw */
/** @typedef {import("../api-types").SyncLogEntry} SyncLogEntry */
/** @typedef {import("../api-types").SyncPreview} SyncPreview */
/** @typedef {import("../main.js").Ctx} Ctx */

/**
 * What the screen shows, loaded in one go.
 * @typedef {object} Data
 * @property {HqStatus} hq
 * @property {Campus[]} campuses
 * @property {SyncPreview|null} preview null before enrolment
 * @property {ApiError|null} previewError
 * @property {SyncLogEntry[]} log
 */

/** @returns {Promise<Data>} */
async function load() {
  const [hq, campuses, log] = await Promise.all([api.hqStatus(), api.listCampuses(), api.syncLog()]);
  /** @type {SyncPreview|null} */
  let preview = null;
  /** @type {ApiError|null} */
  let previewError = null;
  if (hq.enrolled) {
    try {
      preview = await api.syncPreview();
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
      if (e.code === "locked") throw e;
      previewError = e;
    }
  }
  return { hq, campuses, preview, previewError, log };
}

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  let data = await load();
  const body = h("div", { class: "sync-body" });
  // Kept across redraws, so the outcome of a send stays visible after the refresh.
  const result = h("p", { class: "sync-result", testid: "sync-result", role: "status", hidden: true });
  let sending = false;
  let seq = 0;
  let jsonOpen = false; // the JSON stays open across a refresh once the supporter opened it

  const draw = () => {
    const sent = data.preview ? sentCard(data.preview, data.campuses) : null;
    body.replaceChildren(
      explanation(),
      data.hq.enrolled ? previewCard() : notEnrolled(ctx),
      ...(sent ? [sent] : []),
      logCard(data.log));
  };

  const refresh = async () => {
    if (sending) return; // the send refreshes by itself when it is done
    const mine = ++seq;
    const next = await load();
    if (mine !== seq || sending) return;
    data = next;
    draw();
  };

  const send = async (/** @type {HTMLButtonElement} */ button) => {
    if (sending) return;
    sending = true;
    seq++; // a background refresh still in flight must not redraw over the send
    button.disabled = true;
    button.textContent = t("sync.sending");
    button.setAttribute("aria-busy", "true");
    result.hidden = true;
    /** @type {[string, string]} */
    let outcome;
    try {
      const receipt = await api.syncNow();
      outcome = receipt
        ? ["success", t("sync.sent", { receipt: receiptText(receipt) })]
        : ["muted", t("sync.nothingSent")];
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
      // Offline is the normal case: said calmly, not as an alarm.
      outcome = [e.code === "hq_unreachable" ? "warning" : "form-error", errorText(e)];
    }
    result.className = `sync-result ${outcome[0]}`;
    result.setAttribute("role", outcome[0] === "form-error" ? "alert" : "status");
    result.textContent = outcome[1];
    result.hidden = false;
    sending = false;
    try {
      await refresh();
    } catch (err) {
      if (/** @type {ApiError} */ (err).code !== "locked") console.error(err);
    }
  };

  const previewCard = () => {
    const button = h("button", { type: "button", class: "primary big", testid: "sync-send", text: t("sync.send") });
    button.addEventListener("click", () => void send(button));
    const preview = data.preview;
    return h("section", { class: "card" },
      h("h2", { text: t("sync.previewTitle") }),
      data.previewError
        ? h("p", { class: "form-error", role: "alert", text: errorText(data.previewError) })
        : preview ? previewBody(preview, data.campuses) : null,
      preview && !preview.empty ? jsonDetails(preview.json, jsonOpen, (open) => (jsonOpen = open)) : null,
      h("div", { class: "actions" }, button),
      result);
  };

  draw();
  const root = screenRoot("sync",
    h("header", { class: "screen-head" }, h("h1", { text: t("sync.title") })),
    body);
  return {
    el: root,
    refresh: () => refresh().catch((err) => {
      if (/** @type {ApiError} */ (err).code !== "locked") console.error(err);
    }),
  };
}

/** What leaves, what gets noise, and when, in a few plain sentences. */
function explanation() {
  return h("section", { class: "card sync-explain" },
    h("p", { class: "lead", text: t("sync.lead") }),
    h("ul", {},
      h("li", { text: t("sync.never") }),
      h("li", { testid: "sync-exact-explained", text: t("sync.exact") }),
      h("li", { testid: "sync-noise-explained", text: t("sync.noise") }),
      h("li", { testid: "sync-paths-explained", text: t("sync.paths") }),
      h("li", { testid: "sync-sensitive-explained", text: t("sync.sensitive") }),
      h("li", { testid: "sync-today-explained", text: t("sync.todayHeld") }),
      h("li", { text: t("sync.auto") })));
}

/** @param {Ctx} ctx */
function notEnrolled(ctx) {
  return h("section", { class: "card" },
    h("p", { class: "warning", testid: "sync-not-enrolled", text: t("errors.not_enrolled") }),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary", testid: "sync-to-settings", text: t("sync.toSettings"), onclick: () => ctx.go("settings") })));
}

/**
 * The preview in plain words: one line per campus and day, small tables per campus and month.
 * @param {SyncPreview} preview @param {Campus[]} campuses
 */
function previewBody(preview, campuses) {
  const { days, months } = preview.upload;
  const el = h("div", { class: "sync-preview", testid: "sync-preview" });
  const campusText = campusNamer(campuses);
  if (preview.heldBack.length > 0) el.append(heldBackBlock(preview.heldBack, campusText));
  const later = preview.toDraw.filter((r) => !r.due);
  if (preview.empty) {
    el.append(h("p", { class: "empty muted", testid: "sync-nothing", text: t("sync.nothing") }));
    if (later.length > 0) el.append(...laterBlock(later, campusText));
    return el;
  }
  if (days.length > 0) {
    el.append(
      h("h3", { text: t("sync.daysTitle") }),
      h("ul", { class: "sync-days" }, days.map((d) => h("li", { testid: "sync-day" },
        h("span", { text: dayLine(d, campusText(d.campus)) }),
        revisionTag(d.revision)))));
  }
  if (months.length > 0) {
    el.append(h("h3", { text: t("sync.monthsTitle") }),
      ...months.map((m) => monthBlock(m, campusText(m.campus))));
  }
  const releases = preview.upload.releases ?? [];
  if (releases.length > 0) {
    el.append(h("h3", { text: t("sync.releasesTitle") }),
      h("p", { class: "muted", testid: "sync-releases-lead", text: t("sync.releasesLead") }),
      ...releases.map((r) => releaseBlock(r, campusText(r.campus))));
  }
  const pathReleases = preview.upload.pathReleases ?? [];
  if (pathReleases.length > 0) {
    el.append(h("h3", { text: t("sync.pathReleasesTitle") }),
      h("p", { class: "muted", testid: "sync-path-releases-lead", text: t("sync.pathReleasesLead") }),
      ...pathReleases.map((r) => pathReleaseBlock(r)));
  }
  const events = preview.upload.events ?? [];
  if (events.length > 0) {
    el.append(
      h("h3", { text: t("sync.eventsTitle") }),
      h("ul", { class: "sync-days" }, events.map((e) => h("li", { testid: "sync-events" },
        h("span", { text: eventsLine(e, e.campus ? campusText(e.campus) : t("sync.online")) }),
        revisionTag(e.revision)))));
  }
  const due = preview.toDraw.filter((r) => r.due);
  if (due.length > 0) {
    el.append(h("h3", { text: t("sync.toDrawTitle") }),
      h("p", { class: "muted", testid: "sync-to-draw-lead", text: t("sync.toDrawLead") }),
      h("ul", { class: "sync-days" }, due.map((r) => h("li", { testid: "sync-to-draw", "data-release": r.release, "data-kind": r.campus ? "month" : "period" },
        toDrawText(r, campusText)))));
  }
  if (later.length > 0) el.append(...laterBlock(later, campusText));
  return el;
}

/**
 * A release not drawn yet, in words: the month and campus, or the period.
 * @param {ReleaseToDraw} r @param {(code: string) => string} campusText
 */
function toDrawText(r, campusText) {
  const which = t(`sync.release.${r.release}`);
  return r.campus
    ? t("sync.toDrawMonth", { month: formatMonth(r.from), campus: campusText(r.campus), which })
    : t("sync.toDrawPeriod", { period: periodText(r.from, r.to), which });
}

/**
 * The releases whose day has not come, each with its day: when the supporter will see them.
 * @param {ReleaseToDraw[]} later @param {(code: string) => string} campusText
 */
function laterBlock(later, campusText) {
  return [
    h("h3", { text: t("sync.toDrawLaterTitle") }),
    h("p", { class: "muted", testid: "sync-to-draw-later-lead", text: t("sync.toDrawLaterLead") }),
    h("ul", { class: "sync-days" }, later.map((r) => h("li", { testid: "sync-to-draw-later", "data-release": r.release },
      t("sync.toDrawOn", { day: formatDate(r.day), what: toDrawText(r, campusText) })))),
  ];
}

/** "C-012（柏キャンパス）" for a code the laptop knows, else the code. @param {Campus[]} campuses */
function campusNamer(campuses) {
  const names = new Map(campuses.filter((c) => c.hqCode).map((c) => [c.hqCode, c.name]));
  return (/** @type {string} */ code) => {
    const name = names.get(code);
    return name ? t("sync.campus", { code, name }) : code;
  };
}

/**
 * The releases headquarters already has, with the numbers it holds: its own card, after what
 * waits to be sent.
 * @param {SyncPreview} preview @param {Campus[]} campuses
 */
function sentCard(preview, campuses) {
  const months = preview.sentReleases;
  const periods = preview.sentPathReleases;
  if (months.length === 0 && periods.length === 0) return null;
  const campusText = campusNamer(campuses);
  return h("section", { class: "card", testid: "sync-sent" },
    h("h2", { text: t("sync.sentTitle") }),
    h("p", { class: "muted", testid: "sync-sent-lead", text: t("sync.sentLead") }),
    ...months.map((r) => releaseBlock(r, campusText(r.campus), "sync-sent-release")),
    ...periods.map((r) => pathReleaseBlock(r, "sync-sent-path-release")));
}

/** A 年度 ("2024年度") or a span of months. @param {string} from @param {string} to */
function periodText(from, to) {
  return from.endsWith("-04") && isFiscalYear(from, to)
    ? t("sync.fiscalYear", { y: Number(from.slice(0, 4)) })
    : t("sync.periodSpan", { from: formatMonth(from), to: formatMonth(to) });
}

/**
 * The days and months kept back, each named with the reason headquarters would refuse it.
 * @param {HeldBack[]} held @param {(code: string) => string} campusText
 */
function heldBackBlock(held, campusText) {
  return h("div", { class: "held-back", role: "alert", testid: "sync-held-back" },
    h("h3", { text: t("sync.heldBackTitle") }),
    h("p", { text: t("sync.heldBackLead") }),
    h("ul", {}, held.map((b) => h("li", { testid: "sync-held-back-row", "data-code": b.code },
      h("strong", { text: heldBackText(b, campusText) }),
      h("span", { text: " " + errorText({ code: knowsError(b.code) ? b.code : "hq_refused", message: "" }) })))));
}

/** @param {DaySnapshot} d @param {string} campus */
function dayLine(d, campus) {
  const c = d.counts;
  const parts = [
    t("sync.sessions", { n: c.sessions, minutes: c.sessionMinutes }),
    t("sync.visits", { n: c.visits }),
    t("sync.students", { n: c.distinctStudents, first: c.firstTimeStudents }),
  ];
  if (c.appointmentsBooked || c.appointmentsKept || c.appointmentsMissed) {
    parts.push(t("sync.appointments", { booked: c.appointmentsBooked, kept: c.appointmentsKept, missed: c.appointmentsMissed }));
  }
  if (c.events || c.eventParticipants) parts.push(t("sync.events", { n: c.events, people: c.eventParticipants }));
  return t("sync.dayLine", { date: formatDate(d.day), campus, counts: parts.join(t("list.separator")) });
}

/** @param {HeldBack} b @param {(code: string) => string} campusText */
function heldBackText(b, campusText) {
  if (b.kind === "month") return t("sync.heldBackMonth", { month: formatMonth(b.period), campus: campusText(b.campusCode) });
  if (b.kind === "events") {
    const campus = b.campusCode ? campusText(b.campusCode) : t("sync.online");
    return t("sync.heldBackEvents", { date: formatDate(b.period), campus });
  }
  return t("sync.heldBackDay", { date: formatDate(b.period), campus: campusText(b.campusCode) });
}

/** A day's events in words: kind, how many, who took part. @param {EventDaySnapshot} e @param {string} place */
function eventsLine(e, place) {
  const kinds = e.kinds.length === 0
    ? t("sync.noEvents")
    : e.kinds.map((k) => {
      const p = k.participants;
      return t("sync.eventKind", {
        kind: t(`events.kind.${k.kind}`), n: k.events,
        total: p.students + p.parents + p.teachers + p.supporters,
        students: p.students, parents: p.parents, teachers: p.teachers, supporters: p.supporters,
      });
    }).join(t("list.separator"));
  return t("sync.dayLine", { date: formatDate(e.day), campus: place, counts: kinds });
}

/** "訂正 第2版" for a corrected snapshot; nothing for a first version. @param {number} revision */
function revisionTag(revision) {
  return revision > 1 ? h("span", { class: "revision muted", text: t("sync.revision", { n: revision }) }) : null;
}

/** @param {MonthSnapshot} m @param {string} campus */
function monthBlock(m, campus) {
  const b = m.breakdown;
  return h("div", { class: "sync-month", testid: "sync-month" },
    h("h4", {},
      h("span", { text: t("sync.monthHead", { month: formatMonth(m.month), campus }) }),
      revisionTag(m.revision)),
    // How they came and what about go under noise in the releases below, not here.
    h("div", { class: "sync-tables" }, cellTable(t("sync.byFormat"), "format", b.byFormat)));
}

/**
 * A month's release under noise, with the numbers exactly as they go (some below zero).
 * @param {MonthRelease} r @param {string} campus @param {string} [testid]
 */
function releaseBlock(r, campus, testid = "sync-release") {
  const b = r.breakdown;
  return h("div", { class: "sync-month", testid, "data-release": b.release },
    h("h4", { text: t("sync.releaseHead", { month: formatMonth(r.month), campus, which: t(`sync.release.${b.release}`) }) }),
    h("div", { class: "sync-tables" },
      cellTable(t("sync.byRoute"), "route", b.byRoute),
      cellTable(t("sync.byTopic"), "topic", b.byTopic)));
}

/**
 * A device's period, all its campuses together, under noise: its path decisions and the
 * students met with those who came about each sensitive topic.
 * @param {PathRelease} r @param {string} [testid]
 */
function pathReleaseBlock(r, testid = "sync-path-release") {
  const period = periodText(r.from, r.to);
  return h("div", { class: "sync-month", testid, "data-release": r.release, "data-from": r.from, "data-to": r.to },
    h("h4", { text: t("sync.pathReleaseHead", { period, which: t(`sync.release.${r.release}`) }) }),
    h("div", { class: "sync-tables" },
      cellTable(t("sync.pathDecisions"), "pathStatus", r.byPath),
      r.sensitive ? sensitiveTable(r.sensitive) : null));
}

/** The students met and, of them, those who came about 家庭のこと or 心身の不調. @param {SensitiveTopics} s */
function sensitiveTable(s) {
  return h("table", { class: "cells", testid: "sync-sensitive" },
    h("caption", { text: t("sync.sensitiveCells") }),
    h("tbody", {},
      h("tr", {}, h("th", { scope: "row", text: t("sync.studentsMet") }), h("td", { text: String(s.met) })),
      s.byTopic.map((c) => h("tr", {},
        h("th", { scope: "row", text: label("topic", c.code) }),
        h("td", { text: String(c.count) })))));
}

/** Whether "YYYY-04" to "YYYY+1-03" is a 年度. @param {string} from @param {string} to */
function isFiscalYear(from, to) {
  return to === `${Number(from.slice(0, 4)) + 1}-03`;
}

/**
 * @param {string} caption
 * @param {"route"|"topic"|"format"|"pathStatus"} kind
 * @param {Cell[]} cells
 */
function cellTable(caption, kind, cells) {
  return h("table", { class: "cells" },
    h("caption", { text: caption }),
    h("tbody", {}, cells.length === 0
      ? h("tr", {}, h("td", { class: "muted", colspan: 2, text: t("sync.none") }))
      : cells.map((c) => h("tr", {},
        h("th", { scope: "row", text: label(kind, c.code) }),
        h("td", { text: String(c.count) })))));
}

/** @param {string} json @param {boolean} open @param {(open: boolean) => void} onToggle */
function jsonDetails(json, open, onToggle) {
  const el = h("details", { class: "json", testid: "sync-json", open },
    h("summary", { text: t("sync.json") }),
    h("pre", { class: "mono", text: json }));
  el.addEventListener("toggle", () => onToggle(el.open));
  return el;
}

/** "新規・更新 3件、変更なし 0件" (and the stale ones, when there are any). @param {Receipt} r */
function receiptText(r) {
  const text = t("sync.receipt", { stored: r.stored, unchanged: r.unchanged });
  return r.stale > 0 ? text + t("sync.receiptStale", { stale: r.stale }) : text;
}

/** @param {SyncLogEntry[]} log */
function logCard(log) {
  return h("section", { class: "card" },
    h("h2", { text: t("sync.logTitle") }),
    log.length === 0
      ? h("p", { class: "muted", testid: "sync-log-empty", text: t("sync.logEmpty") })
      : h("ul", { class: "sync-log", testid: "sync-log" }, log.map(logRow)));
}

/** @param {SyncLogEntry} entry */
function logRow(entry) {
  const sent = entry.outcome === "sent";
  return h("li", { class: "sync-log-row", testid: "sync-log-row", "data-outcome": entry.outcome },
    h("div", { class: "sync-log-head" },
      h("span", { class: "sync-log-time", text: formatDateTime(entry.at) }),
      h("span", { class: sent ? "badge reported" : "badge failed", text: sent ? t("sync.logSent") : t("sync.logFailed") }),
      h("span", { class: "sync-log-detail", text: sent ? sentDetail(entry.detail) : failedDetail(entry.detail) })),
    entry.payload
      ? h("details", { class: "json" },
        h("summary", { text: t("sync.logPayload") }),
        h("pre", { class: "mono", text: pretty(entry.payload) }))
      : null);
}

/** The receipt of a logged send, in words. @param {string} detail */
function sentDetail(detail) {
  try {
    const r = JSON.parse(detail);
    if (r && typeof r.stored === "number" && typeof r.unchanged === "number") {
      return receiptText({ stored: r.stored, unchanged: r.unchanged, stale: typeof r.stale === "number" ? r.stale : 0 });
    }
  } catch {
    // fall through: show nothing rather than raw text
  }
  return "";
}

/** The error of a logged failure; an unknown headquarters code reads as a refusal. @param {string} code */
function failedDetail(code) {
  return errorText({ code: knowsError(code) ? code : "hq_refused", message: "" });
}

/** The logged payload, indented for reading (the preview's JSON is shown the same way). @param {string} payload */
function pretty(payload) {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}
