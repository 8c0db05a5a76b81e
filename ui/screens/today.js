// 今日: the campus of the day, opening and closing the salon, and today's visits.

import * as api from "../api.js";
import { errorArea, field, h, isTyping, onSubmit, screenRoot, select, showError } from "../dom.js";
import { FORMATS, formatDate, label, t, weekdayName } from "../i18n.js";
import * as care from "../api-care.js";
import * as handover from "../api-handover.js";
import { followUpRow } from "./care.js";
import { backupReminder } from "./backup.js";
import { firstRunChecklist } from "./first-run.js";

/** @typedef {import("../api-types").Today} TodayView */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").SalonSession} SalonSession */
/** @typedef {import("../api-types").Visit} Visit */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */


/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const data = await api.today(ctx.state.campusId);
  const session = data.session;
  const open = session !== null && session.closedAt === null;
  const hasCampuses = data.campuses.length > 0;
  // Everything else Today shows is asked for at once: this is the screen unlocking leads to.
  const [draft, appointments, followUps, status, hq, waiting, news] = await Promise.all([
    open && session ? api.getDraft(api.draftKeys.newVisit(session.id)) : Promise.resolve(null),
    data.campus ? care.listAppointments(data.date, data.campus.id) : Promise.resolve([]),
    hasCampuses ? care.todayFollowUps() : Promise.resolve({ first: [], total: 0 }),
    api.appStatus(),
    api.hqStatus(),
    handover.relayedToMe(),
    handover.relayNews(),
  ]);
  const checklist = firstRunChecklist(ctx, data.campuses, status, hq);
  const newVisit = () => {
    if (open && session) ctx.go("visit", { sessionId: session.id, campusId: session.campusId });
  };
  const error = errorArea();
  // A colleague's handover fetched by a sync: told here, where the day starts, and again when
  // a background sync brings one while this screen is open.
  const arrived = h("div", { testid: "handover-arrived-area" }, handoverArrived(ctx, waiting.length, news));
  const root = screenRoot("today",
    h("header", { class: "screen-head" },
      h("h1", { text: t("today.title") }),
      h("p", { class: "today-date", testid: "today-date", text: formatDate(data.date) })),
    // A colleague's handover waits on nothing else, so it comes first.
    arrived,
    // While a salon is open, the salon comes first and the first-run list waits below it.
    open ? null : checklist,
    // Calm: no backup yet, or the last is older than 14 days (the checklist says it first).
    checklist ? null : backupReminder(ctx, status.lastBackupAt),
    stalePanel(ctx, data, error),
    error,
    body(ctx, data, error, draft !== null, newVisit),
    hasCampuses ? appointmentPanel(ctx, data, appointments, error) : null,
    hasCampuses ? followUpPanel(ctx, data, followUps, error) : null,
    open ? checklist : null);

  return {
    el: root,
    refresh: () => Promise.all([handover.relayedToMe(), handover.relayNews()])
      .then(([now, latest]) => {
        // A transfer taken removed students this screen may list: drawn again, unless the
        // supporter is typing.
        if (latest.settled !== news.settled && !isTyping(document.activeElement)) return ctx.go("today");
        arrived.replaceChildren(handoverArrived(ctx, now.length, latest) ?? "");
      })
      .catch((err) => {
        if (/** @type {ApiError} */ (err).code !== "locked") console.error(err);
      }),
    onKey: (event) => {
      const key = event.key.toLowerCase();
      const plainN = key === "n" && !event.ctrlKey && !event.altKey && !event.metaKey && !isTyping(event.target);
      const ctrlN = key === "n" && event.ctrlKey && !event.altKey;
      if (!open || !(plainN || ctrlN)) return false;
      newVisit();
      return true;
    },
  };
}

/**
 * @param {Ctx} ctx
 * @param {TodayView} data
 * @param {HTMLElement} error
 * @param {boolean} hasDraft
 * @param {() => void} newVisit
 */
function body(ctx, data, error, hasDraft, newVisit) {
  if (data.campuses.length === 0) return null; // the first-run checklist says what to do
  const picker = campusPicker(ctx, data);
  if (!data.campus) {
    return [picker, h("p", { class: "card empty", text: t("today.noCampusToday") })];
  }
  if (!data.session) return [picker, openPanel(ctx, data.campus, error)];
  return [picker, sessionPanel(ctx, data.session, data.visits, error, hasDraft, newVisit)];
}

/**
 * Salons still open from an earlier day (forgotten to close), each with its own close button.
 * @param {Ctx} ctx @param {TodayView} data @param {HTMLElement} error
 */
function stalePanel(ctx, data, error) {
  const stale = data.staleSessions || [];
  if (stale.length === 0) return null;
  const campusName = (/** @type {number} */ id) => (data.campuses.find((c) => c.id === id) || { name: "" }).name;
  return h("section", { class: "warning stale-sessions", testid: "stale-sessions", "aria-label": t("today.staleTitle") },
    h("ul", { class: "stale-list" }, stale.map((s) => staleRow(ctx, s, campusName(s.campusId), error))));
}

/**
 * One forgotten salon. If a new-visit draft blocks closing it (`draft_pending`), the row says
 * so and offers that draft, to be saved or discarded first.
 * @param {Ctx} ctx @param {SalonSession} session @param {string} campus @param {HTMLElement} error
 */
function staleRow(ctx, session, campus, error) {
  const rowError = errorArea();
  const openDraft = h("button", {
    type: "button", testid: "stale-open-draft", hidden: true, text: t("today.staleOpenDraft"),
    onclick: () => ctx.go("visit", { sessionId: session.id, campusId: session.campusId, sessionDate: session.date }),
  });
  const closeButton = h("button", { type: "button", testid: "stale-close", text: t("today.staleClose") });
  closeButton.addEventListener("click", async () => {
    closeButton.disabled = true;
    try {
      await api.closeSession(session.id);
      await ctx.go("today");
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
      if (e.code === "draft_pending") {
        showError(rowError, e);
        openDraft.hidden = false;
        openDraft.focus();
      } else {
        showError(error, e);
      }
    } finally {
      closeButton.disabled = false;
    }
  });
  return h("li", { class: "stale-row" },
    h("div", { class: "stale-line" },
      h("span", { text: t("today.staleSession", { date: formatDate(session.date), campus }) }),
      closeButton,
      openDraft),
    rowError);
}

/** @param {Ctx} ctx @param {TodayView} data */
function campusPicker(ctx, data) {
  /** @type {Array<[string, string]>} */
  const options = data.campuses.map((c) => [String(c.id),
    t("today.campusOption", { name: c.name, weekday: weekdayName(c.weekday), start: c.startTime, end: c.endTime })]);
  if (!data.campus) options.unshift(["", t("today.pickCampus")]);
  const el = select({ testid: "today-campus-select", id: "today-campus" }, options, data.campus ? String(data.campus.id) : "");
  el.addEventListener("change", () => {
    ctx.state.campusId = el.value ? Number(el.value) : null;
    ctx.go("today");
  });
  return h("div", { class: "campus-picker" }, h("label", { for: "today-campus", text: t("today.campus") }), el);
}

/** "サロンを開始": format and place default to the campus's own. */
/** @param {Ctx} ctx @param {Campus} campus @param {HTMLElement} error */
function openPanel(ctx, campus, error) {
  const format = select({ testid: "salon-format", "data-field": "format" },
    FORMATS.map((f) => [f, label("format", f)]), campus.defaultFormat);
  const place = h("input", { type: "text", testid: "salon-place", "data-field": "place", maxlength: 100, value: campus.place });
  const form = h("form", { class: "card" },
    h("h2", { text: t("today.openTitle") }),
    h("p", { class: "muted", text: t("today.scheduled", { weekday: weekdayName(campus.weekday), start: campus.startTime, end: campus.endTime }) }),
    h("div", { class: "row" },
      field(t("today.format"), format),
      field(t("today.place"), place)),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "salon-open", text: t("today.open") })));
  onSubmit(form, async () => {
    try {
      await api.openSession(campus.id, /** @type {import("../api-types").Format} */ (format.value), place.value);
      ctx.state.campusId = campus.id;
      await ctx.go("today");
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}

/**
 * @param {Ctx} ctx
 * @param {SalonSession} session
 * @param {Visit[]} visits
 * @param {HTMLElement} error
 * @param {boolean} hasDraft
 * @param {() => void} newVisit
 */
function sessionPanel(ctx, session, visits, error, hasDraft, newVisit) {
  const open = session.closedAt === null;
  const status = open
    ? t("today.statusOpen", { start: session.openedAt })
    : t("today.statusClosed", { start: session.openedAt, end: session.closedAt || "" });
  return h("div", { class: "session" },
    h("div", { class: "session-head" },
      h("p", { class: `status ${open ? "status-open" : "status-closed"}`, testid: "salon-status", text: status }),
      h("p", { class: "muted", text: [label("format", session.format), session.place].filter(Boolean).join(t("list.separator")) }),
      h("button", { type: "button", class: "link", testid: "salon-details", text: t("today.salonDetails"), onclick: () => ctx.go("salon", { sessionId: session.id }) })),
    open && hasDraft ? draftNotice(ctx, session) : null,
    open ? h("div", { class: "new-visit" },
      h("button", { type: "button", class: "primary big", testid: "new-visit", text: t("today.newVisit"), onclick: newVisit }),
      h("span", { class: "hint", text: t("today.newVisitHint") })) : null,
    h("h2", { class: "visit-count", testid: "visit-count", text: t("today.visitCount", { n: visits.length }) }),
    visitList(ctx, visits),
    open ? closeControls(ctx, session, error, hasDraft) : h("p", { class: "muted", text: t("today.closedNote") }));
}

/** @param {Ctx} ctx @param {SalonSession} session */
function draftNotice(ctx, session) {
  return h("div", { class: "notice", testid: "draft-notice" },
    h("span", { text: t("today.draftNotice") }),
    h("button", { type: "button", testid: "draft-resume", text: t("today.draftResume"), onclick: () => resumeDraft(ctx, session) }));
}

/** Opens the session's new-visit draft. @param {Ctx} ctx @param {SalonSession} session */
function resumeDraft(ctx, session) {
  return ctx.go("visit", { sessionId: session.id, campusId: session.campusId });
}

/** @param {Ctx} ctx @param {Visit[]} visits */
export function visitList(ctx, visits) {
  if (visits.length === 0) return h("p", { class: "empty muted", testid: "visit-list", text: t("today.noVisits") });
  return h("ol", { class: "visit-list", testid: "visit-list" }, visits.map((v, i) => h("li", {},
    h("button", { type: "button", class: "visit-row", testid: "visit-row", onclick: () => ctx.go("visit", { visitId: v.id }) },
      h("span", { class: "visit-no", text: String(i + 1) }),
      h("span", { class: "visit-name", text: v.studentName || t("visit.anonymous") }),
      h("span", { class: "tag", text: label("route", v.route) }),
      h("span", { class: "visit-topics", text: v.topics.map((c) => label("topic", c)).join(t("list.separator")) }),
      h("span", { class: "visit-minutes", text: t("visit.minutesN", { n: v.minutes }) }),
      v.concern ? h("span", { class: "badge concern", text: t("visit.concern") }) : null))));
}

/** "サロンを終了" asks in the page (window.confirm is blocking and unstyled). */
/**
 * @param {Ctx} ctx @param {SalonSession} session @param {HTMLElement} error
 * @param {boolean} hasDraft a new-visit draft exists: the backend refuses to close (`draft_pending`)
 */
function closeControls(ctx, session, error, hasDraft) {
  const wrap = h("div", { class: "close-controls" });
  const ask = () => wrap.replaceChildren(
    h("div", { class: "confirm-box", role: "alertdialog", "aria-label": t("today.closeConfirmTitle") },
      h("p", { text: t("today.closeConfirmText") }),
      hasDraft ? h("p", { class: "warning", testid: "close-draft-pending", text: t("today.closeDraftPending") }) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "danger", testid: "salon-close-confirm", text: t("today.closeConfirm"), onclick: confirm }),
        hasDraft ? h("button", { type: "button", testid: "close-draft-resume", text: t("today.draftResume"), onclick: () => resumeDraft(ctx, session) }) : null,
        h("button", { type: "button", text: t("common.back"), onclick: idle }))));
  const idle = () => wrap.replaceChildren(
    h("button", { type: "button", testid: "salon-close", text: t("today.close"), onclick: ask }));
  const confirm = async () => {
    try {
      await api.closeSession(session.id);
      await ctx.go("today");
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  };
  idle();
  return wrap;
}

/**
 * 今日の予約 at the campus of the day. 来談 opens the visit form for that student (route 予約)
 * and the appointment is marked kept when the visit is saved; it needs the salon to be open.
 * @param {Ctx} ctx @param {TodayView} data @param {import("../api-types").Appointment[]} list
 * @param {HTMLElement} error
 */
function appointmentPanel(ctx, data, list, error) {
  const session = data.session;
  const open = session !== null && session.closedAt === null;
  return h("section", { class: "care-today", testid: "today-appointments", "aria-label": t("care.todayAppointments") },
    h("h2", { text: t("care.todayAppointmentsN", { n: list.length }) }),
    list.length === 0 ? h("p", { class: "empty muted", text: t("care.noAppointments") }) : null,
    list.length > 0 && !open ? h("p", { class: "hint", text: t("care.openSalonToKeep") }) : null,
    list.length === 0 ? null : h("ul", { class: "rows" }, list.map((a) => {
      const missed = h("button", { type: "button", testid: "appointment-missed", text: t("care.missed") });
      missed.addEventListener("click", async () => {
        missed.disabled = true;
        try {
          await care.markAppointmentMissed(a.id);
          await ctx.go("today");
        } catch (err) {
          missed.disabled = false;
          showError(error, /** @type {ApiError} */ (err));
        }
      });
      const booked = a.status === "booked";
      return h("li", { class: "data-row", testid: "appointment-row", "data-appointment-id": a.id, "data-status": a.status },
        h("span", { class: "visit-minutes", text: a.time || t("care.noTime") }),
        h("span", { class: "row-title", text: a.studentName }),
        h("span", { class: a.status === "missed" ? "badge concern" : "tag", text: t(`care.status.${a.status}`) }),
        h("span", { class: "visit-topics" }),
        booked ? h("button", {
          type: "button", class: "primary", testid: "appointment-kept", text: t("care.kept"), disabled: !open,
          onclick: () => session && ctx.go("visit", {
            sessionId: session.id, campusId: session.campusId, appointmentId: a.id, studentId: a.studentId,
          }),
        }) : null,
        booked ? missed : null);
    })));
}

/**
 * Follow-ups due today or overdue, and open concerns (要連携), at every campus.
 * @param {Ctx} ctx @param {TodayView} data @param {import("../api-types").FollowUpsDue} due
 * @param {HTMLElement} error
 */
function followUpPanel(ctx, data, due, error) {
  if (due.total === 0) return null;
  const more = due.total - due.first.length;
  return h("section", { class: "care-today", testid: "today-follow-ups", "aria-label": t("care.todayFollowUps") },
    h("h2", { text: t("care.todayFollowUpsN", { n: due.total }) }),
    h("ul", { class: "rows" }, due.first.map((f) => followUpRow(ctx, f, data.campuses, data.date, error, () => void ctx.go("today")))),
    more > 0
      ? h("button", { type: "button", class: "link", testid: "today-follow-ups-more",
        text: t("care.todayFollowUpsMore", { n: more }), onclick: () => ctx.go("care", { tab: "followUps" }) })
      : null);
}

/**
 * 同僚から引き継ぎが届いています, and what syncs brought the handovers sent from here (a transfer
 * taken deletes students here: the supporter hears it here first), with the way to them;
 * nothing when there is no news.
 * @param {Ctx} ctx @param {number} n @param {import("../api-types").RelayNews} news
 */
function handoverArrived(ctx, n, news) {
  const lines = [
    ...(n > 0 ? [t("today.handoverWaiting", { n })] : []),
    ...(news.settled > 0 ? [t("today.handoverSettled", { n: news.settled })] : []),
    ...(news.ended > 0 ? [t("today.handoverEnded", { n: news.ended })] : []),
  ];
  if (lines.length === 0) return null;
  return h("div", { class: "notice", testid: "handover-arrived", role: "status" },
    h("span", {}, ...lines.map((line) => h("span", { class: "line", text: line }))),
    h("button", { type: "button", testid: "handover-arrived-open", text: t("today.handoverOpen"), onclick: () => ctx.go("handover") }));
}
