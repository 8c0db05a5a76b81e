// 来談記録: one visit. Every change is kept as an encrypted draft (save_draft), so nothing
// typed is lost to a crash, a lock or a restart; save_visit deletes the draft in the same
// transaction that saves the visit.

import * as api from "../api.js";
import { clockTime, errorArea, field, h, isImeEnter, onSubmit, screenRoot, select, showError } from "../dom.js";
import { dateField, dateValue, setDate } from "../date-field.js";
import { ROUTES, TOPICS, formatDate, gradeOptions, label, t } from "../i18n.js";
import * as care from "../api-care.js";
import { visitFixes } from "./visit-fix.js";

/** @typedef {import("../api-types").Visit} Visit */
/** @typedef {import("../api-types").VisitInput} VisitInput */
/** @typedef {import("../api-types").Student} Student */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

/**
 * Everything the form holds, as stored in the draft (strings as the inputs hold them).
 * @typedef {object} FormState
 * @property {string} student "" = anonymous, "new", or a student id
 * @property {string} newName
 * @property {string} newGrade
 * @property {string} route
 * @property {string[]} topics
 * @property {string} minutes
 * @property {string} note
 * @property {string} nextSteps
 * @property {string} followUpOn
 * @property {boolean} concern
 * @property {string} teacherSummary
 * @property {string} appointmentId "" or the appointment this visit keeps (来談 on Today)
 * @property {string} nextDate 次回の予約: booked for the student when the visit is saved
 * @property {string} nextTime
 */

const DEBOUNCE_MS = 400;
const DEFAULT_MINUTES = 30;

/** @param {Visit|null} visit @returns {FormState} */
function initialState(visit) {
  if (!visit) {
    return {
      student: "", newName: "", newGrade: "", route: "self", topics: [], minutes: String(DEFAULT_MINUTES),
      note: "", nextSteps: "", followUpOn: "", concern: false, teacherSummary: "",
      appointmentId: "", nextDate: "", nextTime: "",
    };
  }
  return {
    student: visit.studentId === null ? "" : String(visit.studentId), newName: "", newGrade: "",
    route: visit.route, topics: [...visit.topics], minutes: String(visit.minutes), note: visit.note,
    nextSteps: visit.nextSteps, followUpOn: visit.followUpOn || "", concern: visit.concern,
    teacherSummary: visit.teacherSummary, appointmentId: "", nextDate: "", nextTime: "",
  };
}

/**
 * A draft written by an older or damaged form is merged over the defaults field by field.
 * @param {string|null} body @param {FormState} base @returns {FormState|null}
 */
function parseDraft(body, base) {
  if (!body) return null;
  try {
    const data = JSON.parse(body);
    if (!data || typeof data !== "object") return null;
    /** @type {Record<string, unknown>} */
    const merged = { ...base };
    for (const key of Object.keys(base)) if (key in data) merged[key] = data[key];
    return /** @type {FormState} */ (/** @type {unknown} */ (merged));
  } catch {
    return null;
  }
}

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const visitId = typeof params.visitId === "number" ? params.visitId : null;
  const visit = visitId === null ? null : await api.getVisit(visitId);
  const sessionId = visit ? visit.sessionId : Number(params.sessionId);
  const campusId = visit ? visit.campusId : Number(params.campusId);
  const key = visit ? api.draftKeys.visit(visit.id) : api.draftKeys.newVisit(sessionId);
  const [students, draftBody] = await Promise.all([api.listStudents(campusId, ""), api.getDraft(key)]);
  const plain = initialState(visit);
  const restored = parseDraft(draftBody, plain);
  // 来談 on one of today's appointments: that student, route 予約 (a draft already typed wins).
  const base = { ...plain };
  if (!visit && typeof params.appointmentId === "number" && typeof params.studentId === "number") {
    Object.assign(base, { student: String(params.studentId), route: "appointment", appointmentId: String(params.appointmentId) });
  }
  // A new visit in a salon left open from an earlier day says which day it belongs to.
  const sessionDate = typeof params.sessionDate === "string" ? params.sessionDate : null;
  return buildForm(ctx, { visit, sessionId, sessionDate, key, students, state: restored || base, restored: restored !== null });
}

/**
 * @typedef {object} FormSetup
 * @property {Visit|null} visit
 * @property {number} sessionId
 * @property {string|null} sessionDate the day of that salon, when it is not today
 * @property {string} key the draft key
 * @property {Student[]} students
 * @property {FormState} state
 * @property {boolean} restored
 */

/** @param {Ctx} ctx @param {FormSetup} setup @returns {import("../main.js").View} */
function buildForm(ctx, setup) {
  const c = controls(setup);
  const error = errorArea();
  const status = h("p", { class: "draft-status muted", testid: "draft-status", "aria-live": "polite" });
  const cancelArea = h("div", { class: "cancel-area" });
  const form = h("form", { class: "visit-form" },
    error,
    setup.restored ? h("p", { class: "notice", testid: "draft-restored", text: t("visit.draftRestored") }) : null,
    setup.visit && setup.visit.taken ? h("p", { class: "notice", testid: "visit-taken", text: t("visit.taken") }) : null,
    setup.state.appointmentId ? h("p", { class: "notice", testid: "visit-from-appointment", text: t("care.visitFromAppointment") }) : null,
    layout(c),
    h("div", { class: "actions sticky-actions" },
      h("button", { type: "submit", class: "primary", testid: "visit-save", text: t("visit.save") }),
      h("span", { class: "hint", text: t("visit.saveHint") }),
      h("button", { type: "button", testid: "visit-cancel", text: t("common.cancel"), onclick: () => askCancel() }),
      status,
      cancelArea)); // inside the sticky bar, so the question appears where Cancel was pressed
  writeState(c, setup.state);

  const drafts = draftKeeper(setup.key, () => JSON.stringify(readState(c)), status, setup.restored);
  form.addEventListener("input", drafts.schedule);
  form.addEventListener("change", drafts.schedule);
  form.addEventListener("focusout", () => void drafts.flush());
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !isImeEnter(event)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  onSubmit(form, async () => {
    const input = toInput(c, setup);
    if (typeof input === "string") return showError(error, input, "minutes");
    await drafts.stop(); // writes what is pending first, so a refused save loses nothing
    try {
      const s = readState(c);
      const next = s.student !== "" && s.nextDate ? { date: s.nextDate, time: s.nextTime || null } : null;
      // Deletes the draft with the visit; keeps the appointment and books the next one.
      await care.saveVisitWithCare(input, setup.key, s.appointmentId ? Number(s.appointmentId) : null, next);
    } catch (err) {
      // Refused (a validation code, `locked`, …): keep drafting, and write what was typed meanwhile.
      drafts.resume();
      void drafts.flush();
      return showError(error, /** @type {ApiError} */ (err));
    }
    void drafts.finish();
    await ctx.go("today");
  });

  const askCancel = () => {
    if (!drafts.exists()) return void ctx.go("today");
    cancelArea.replaceChildren(cancelBox(ctx, setup.key, drafts, () => cancelArea.replaceChildren()));
    const first = cancelArea.querySelector("button");
    if (first) first.focus();
  };

  const title = setup.visit ? t("visit.editTitle") : t("visit.newTitle");
  const when = setup.visit ? formatDate(setup.visit.date) : setup.sessionDate ? formatDate(setup.sessionDate) : "";
  const root = screenRoot("visit",
    h("header", { class: "screen-head" }, h("h1", { text: title }), when ? h("p", { class: "muted", text: when }) : null),
    form,
    setup.visit ? visitFixes(ctx, setup.visit, drafts) : null);
  return { el: root, leave: drafts.flush, flush: drafts.flush };
}

/**
 * The in-page question when Cancel is pressed while a draft exists.
 * @param {Ctx} ctx @param {string} key @param {ReturnType<typeof draftKeeper>} drafts @param {() => void} close
 */
function cancelBox(ctx, key, drafts, close) {
  const discard = async () => {
    await drafts.finish();
    await api.discardDraft(key).catch((err) => console.warn("discard_draft failed", err));
    await ctx.go("today");
  };
  return h("div", { class: "confirm-box", role: "alertdialog", "aria-label": t("visit.cancelTitle") },
    h("p", { text: t("visit.cancelText") }),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "danger", testid: "visit-discard", text: t("visit.discard"), onclick: discard }),
      h("button", { type: "button", testid: "visit-keep-draft", text: t("visit.keepDraft"), onclick: () => ctx.go("today") }),
      h("button", { type: "button", text: t("visit.continueEditing"), onclick: close })));
}

/**
 * Saves the draft ~400 ms after the last change, at once on flush, one write at a time,
 * and only when the content differs from what was last written.
 * "paused": a save is in flight (it deletes the draft if it succeeds), so nothing is written;
 * "finished": the visit was saved or the draft discarded, so nothing is ever written again.
 * @param {string} key @param {() => string} snapshot @param {HTMLElement} status @param {boolean} existed
 */
function draftKeeper(key, snapshot, status, existed) {
  let last = snapshot();
  /** @type {"active"|"paused"|"finished"} */
  let state = "active";
  let exists = existed;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let chain = Promise.resolve();

  const write = async () => {
    const body = snapshot();
    if (state !== "active" || body === last) return;
    await api.saveDraft(key, body);
    last = body;
    exists = true;
    status.textContent = t("visit.draftSaved", { time: clockTime() });
  };
  const flush = () => {
    clearTimeout(timer);
    chain = chain.then(write).catch((err) => {
      console.warn("save_draft failed", err && err.code);
      // A full disk is the likely cause on a laptop in the field, and the one to name.
      status.textContent = t(err && err.code === "disk_full" ? "visit.draftFailedDiskFull" : "visit.draftFailed");
    });
    return chain;
  };
  return {
    flush,
    schedule: () => {
      clearTimeout(timer);
      timer = setTimeout(flush, DEBOUNCE_MS);
    },
    /** Before a save: writes what is pending (in case the save is refused), then pauses. */
    stop: async () => {
      await flush();
      // Set right as that write ends, before any write chained meanwhile starts (it then skips).
      if (state === "active") state = "paused";
      clearTimeout(timer);
      await chain;
    },
    /** After a refused save: writing goes on (call flush for what was typed meanwhile). */
    resume: () => {
      if (state === "paused") state = "active";
    },
    /** After a successful save, or before a discard: never writes again; waits for a write in flight. */
    finish: async () => {
      clearTimeout(timer);
      state = "finished";
      await chain;
    },
    exists: () => exists || snapshot() !== last,
  };
}

/** @param {FormSetup} setup */
function controls(setup) {
  /** @type {Array<[string, string]>} */
  const studentOptions = [["", t("visit.anonymous")]];
  for (const s of setup.students) studentOptions.push([String(s.id), s.displayName]);
  const v = setup.visit;
  if (v && v.studentId !== null && !setup.students.some((s) => s.id === v.studentId)) {
    studentOptions.push([String(v.studentId), v.studentName || String(v.studentId)]); // moved to another campus
  }
  studentOptions.push(["new", t("visit.newStudentOption")]);
  return {
    student: select({ testid: "visit-student", "data-field": "studentId", id: "visit-student" }, studentOptions),
    newName: h("input", { type: "text", testid: "visit-new-student-name", "data-field": "displayName newStudent.displayName newStudent", maxlength: 60 }),
    newGrade: select({ testid: "visit-new-student-grade", "data-field": "grade newStudent.grade" }, gradeOptions()),
    route: select({ testid: "visit-route", "data-field": "route" }, ROUTES.map((r) => [r, label("route", r)])),
    topics: TOPICS.map((code) => h("input", { type: "checkbox", value: code, testid: `visit-topic-${code}` })),
    minutes: h("input", { type: "number", testid: "visit-minutes", "data-field": "minutes", min: 1, max: 600, step: 1, inputmode: "numeric" }),
    note: h("textarea", { testid: "visit-note", "data-field": "note", rows: 10, maxlength: 20000 }),
    nextSteps: h("textarea", { testid: "visit-next-steps", "data-field": "nextSteps", rows: 3, maxlength: 2000 }),
    followUpOn: dateField({ testid: "visit-follow-up", "data-field": "followUpOn" }),
    concern: h("input", { type: "checkbox", testid: "visit-concern", "data-field": "concern" }),
    teacherSummary: h("textarea", { testid: "visit-teacher-summary", "data-field": "teacherSummary", rows: 3, maxlength: 2000 }),
    nextDate: dateField({ testid: "visit-next-appointment", "data-field": "nextDate" }),
    nextTime: h("input", { type: "time", testid: "visit-next-time", "data-field": "nextTime" }),
    /** Not an input: which appointment this visit keeps, carried in the draft. */
    appointmentId: { value: "" },
  };
}

/** @typedef {ReturnType<typeof controls>} Controls */

/** @param {Controls} c */
function layout(c) {
  const newStudent = h("div", { class: "row new-student" },
    field(t("visit.newStudentName"), c.newName),
    field(t("visit.newStudentGrade"), c.newGrade));
  const nextAppointment = h("div", { class: "row next-appointment" },
    field(t("care.nextAppointment"), c.nextDate, t("care.nextAppointmentHint")),
    field(t("care.nextTime"), c.nextTime));
  const syncNewStudent = () => {
    newStudent.hidden = c.student.value !== "new";
    nextAppointment.hidden = c.student.value === ""; // an anonymous visit books nothing
  };
  c.student.addEventListener("change", () => {
    syncNewStudent();
    if (c.student.value === "new") c.newName.focus();
  });
  // writeState fires no events, so the visibility is also synced when values are restored.
  c.student.addEventListener("sync", syncNewStudent);
  return [
    h("div", { class: "row" },
      field(t("visit.student"), c.student),
      field(t("visit.route"), c.route),
      field(t("visit.minutes"), c.minutes, t("visit.minutesHint"))),
    newStudent,
    h("fieldset", { class: "topics", "data-field": "topics" },
      h("legend", { text: t("visit.topics") }),
      h("div", { class: "topic-grid" }, c.topics.map((box) =>
        h("label", { class: "check" }, box, h("span", { text: label("topic", box.value) }))))),
    field(t("visit.note"), c.note, t("visit.noteHint")),
    h("div", { class: "row" },
      field(t("visit.nextSteps"), c.nextSteps),
      h("div", { class: "stack" },
        field(t("visit.followUp"), c.followUpOn),
        h("label", { class: "check concern-check" }, c.concern, h("span", { text: t("visit.concernLabel") })))),
    field(t("visit.teacherSummary"), c.teacherSummary, t("visit.teacherSummaryHint")),
    nextAppointment,
  ];
}

/** @param {Controls} c @returns {FormState} */
function readState(c) {
  return {
    student: c.student.value, newName: c.newName.value, newGrade: c.newGrade.value, route: c.route.value,
    topics: c.topics.filter((b) => b.checked).map((b) => b.value), minutes: c.minutes.value,
    note: c.note.value, nextSteps: c.nextSteps.value, followUpOn: dateValue(c.followUpOn),
    concern: c.concern.checked, teacherSummary: c.teacherSummary.value,
    appointmentId: c.appointmentId.value, nextDate: dateValue(c.nextDate), nextTime: c.nextTime.value,
  };
}

/** @param {Controls} c @param {FormState} s */
function writeState(c, s) {
  c.student.value = String(s.student);
  if (c.student.value !== String(s.student)) c.student.value = ""; // the student no longer exists
  c.newName.value = String(s.newName);
  c.newGrade.value = String(s.newGrade);
  c.route.value = String(s.route);
  const topics = Array.isArray(s.topics) ? s.topics : [];
  for (const box of c.topics) box.checked = topics.includes(box.value);
  c.minutes.value = String(s.minutes);
  c.note.value = String(s.note);
  c.nextSteps.value = String(s.nextSteps);
  setDate(c.followUpOn, String(s.followUpOn));
  c.concern.checked = Boolean(s.concern);
  c.teacherSummary.value = String(s.teacherSummary);
  c.appointmentId.value = String(s.appointmentId || "");
  setDate(c.nextDate, String(s.nextDate || ""));
  c.nextTime.value = String(s.nextTime || "");
  c.student.dispatchEvent(new Event("sync"));
}

/**
 * The save_visit payload, or a catalogue key when a client-side check fails.
 * @param {Controls} c @param {FormSetup} setup @returns {VisitInput | string}
 */
function toInput(c, setup) {
  const s = readState(c);
  const minutes = s.minutes.trim() === "" ? NaN : Number(s.minutes);
  if (!Number.isSafeInteger(minutes)) return "errors.out_of_range";
  const isNew = s.student === "new";
  return {
    id: setup.visit ? setup.visit.id : null,
    sessionId: setup.sessionId,
    studentId: s.student === "" || isNew ? null : Number(s.student),
    newStudent: isNew ? { displayName: s.newName, grade: s.newGrade ? Number(s.newGrade) : null } : null,
    route: s.route,
    topics: s.topics,
    minutes,
    note: s.note,
    nextSteps: s.nextSteps,
    followUpOn: s.followUpOn || null,
    concern: s.concern,
    teacherSummary: s.teacherSummary,
  };
}
