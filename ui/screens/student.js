// 生徒の記録: one student's profile, path status, and visit history (newest first).

import * as api from "../api.js";
import * as care from "../api-care.js";
import { errorArea, field, h, onSubmit, screenRoot, showError } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { formatDate, formatDateTime, gradeLabel, label, t } from "../i18n.js";
import { studentForm } from "./students.js";
import { mergeSection } from "./student-merge.js";
import { requestSection } from "./student-requests.js";

/** @typedef {import("../api-types").Student} Student */
/** @typedef {import("../api-types").Visit} Visit */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

const EXCERPT_CHARS = 80;

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const studentId = Number(params.studentId);
  const [{ student, visits }, campuses, paths, appointments] = await Promise.all([
    api.getStudent(studentId), api.listCampuses(), care.pathHistory(studentId), care.studentAppointments(studentId)]);
  const sameCampus = (await api.listStudents(student.campusId, "")).filter((s) => s.id !== student.id);
  const editor = h("div", { class: "editor" });
  const edit = () => {
    editor.replaceChildren(studentForm(student, campuses, student.campusId,
      () => editor.replaceChildren(), () => ctx.go("student", { studentId })));
    const first = editor.querySelector("input");
    if (first) first.focus();
  };
  const root = screenRoot("student",
    h("header", { class: "screen-head" },
      h("div", {},
        h("button", { type: "button", class: "link", text: t("student.back"), onclick: () => ctx.go("students") }),
        h("h1", { text: student.displayName })),
      h("button", { type: "button", testid: "student-edit", text: t("student.edit"), onclick: edit })),
    profile(student, campuses),
    editor,
    pathSection(paths),
    appointmentSection(ctx, student, appointments),
    h("h2", { text: t("student.history", { n: visits.length }) }),
    history(ctx, visits),
    mergeSection(ctx, student, sameCampus),
    requestSection(ctx, student, visits.length));
  return { el: root };
}

/** @param {Student} s @param {Campus[]} campuses */
function profile(s, campuses) {
  const campus = campuses.find((c) => c.id === s.campusId);
  const path = s.pathStatus !== "undecided" && s.pathDecidedOn
    ? t("student.pathWithDate", { path: label("pathStatus", s.pathStatus), date: formatDate(s.pathDecidedOn) })
    : label("pathStatus", s.pathStatus);
  /** @type {Array<[string, string]>} */
  const items = [
    [t("student.grade"), gradeLabel(s.grade)],
    [t("student.campus"), campus ? campus.name : ""],
    [t("student.enrolment"), label("enrolment", s.enrolment)],
    [t("student.pathStatus"), path],
    [t("student.visitCount"), t("students.visitCount", { n: s.visitCount })],
    [t("student.lastVisit"), s.lastVisitOn ? formatDate(s.lastVisitOn) : t("students.noVisit")],
  ];
  return h("dl", { class: "card profile" }, items.map(([k, v]) => h("div", {}, h("dt", { text: k }), h("dd", { text: v }))));
}

/** @param {string} text */
function excerpt(text) {
  const chars = [...text.trim()];
  return chars.length > EXCERPT_CHARS ? chars.slice(0, EXCERPT_CHARS).join("") + t("list.ellipsis") : chars.join("");
}

/** @param {Ctx} ctx @param {Visit[]} visits */
function history(ctx, visits) {
  if (visits.length === 0) return h("p", { class: "empty muted", testid: "student-visits", text: t("student.noVisits") });
  return h("ol", { class: "history", testid: "student-visits" }, visits.map((v) => h("li", {},
    h("button", { type: "button", class: "history-row", testid: "student-visit-row", onclick: () => ctx.go("visit", { visitId: v.id }) },
      h("div", { class: "history-head" },
        h("span", { class: "history-date", text: formatDate(v.date) }),
        h("span", { class: "tag", text: label("route", v.route) }),
        h("span", { class: "visit-topics", text: v.topics.map((c) => label("topic", c)).join(t("list.separator")) }),
        v.concern ? h("span", { class: "badge concern", text: t("visit.concern") }) : null),
      v.note ? h("p", { class: "history-note", text: excerpt(v.note) }) : null,
      v.nextSteps ? h("p", { class: "history-next" }, h("strong", { text: t("student.nextSteps") }), " ", v.nextSteps) : null,
      v.followUpOn ? h("p", { class: "muted", text: t("student.followUpOn", { date: formatDate(v.followUpOn) }) }) : null))));
}

/** 進路の履歴: every status the student has had, oldest first. @param {import("../api-types").PathChange[]} paths */
function pathSection(paths) {
  return h("section", { "aria-label": t("care.pathHistory") },
    h("h2", { text: t("care.pathHistory") }),
    h("p", { class: "hint", text: t("care.pathEditHint") }),
    h("ol", { class: "rows", testid: "path-history" }, paths.map((p) => h("li", { class: "data-row", testid: "path-change-row", "data-status": p.status },
      h("span", { class: "row-title", text: label("pathStatus", p.status) }),
      p.decidedOn ? h("span", { text: t("care.decidedOn", { date: formatDate(p.decidedOn) }) }) : null,
      h("span", { class: "muted", text: t("care.changedAt", { at: formatDateTime(p.changedAt) }) })))));
}

/**
 * 予約: book one (date, optional time) and the student's appointments, newest first.
 * @param {Ctx} ctx @param {Student} student @param {import("../api-types").Appointment[]} list
 */
function appointmentSection(ctx, student, list) {
  const date = dateField({ testid: "student-book-date", "data-field": "date", id: "student-book-date" });
  const time = h("input", { type: "time", testid: "student-book-time", "data-field": "time" });
  const error = errorArea();
  const form = h("form", { class: "card" },
    h("h2", { text: t("care.appointments") }),
    error,
    h("div", { class: "row" }, field(t("care.bookDate"), date), field(t("care.bookTime"), time)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", testid: "student-book", text: t("care.book") })));
  onSubmit(form, async () => {
    try {
      await care.bookAppointment({ studentId: student.id, date: dateValue(date), time: time.value || null });
      await ctx.go("student", { studentId: student.id });
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  const rows = list.length === 0
    ? h("p", { class: "empty muted", testid: "student-appointments", text: t("care.noStudentAppointments") })
    : h("ul", { class: "rows", testid: "student-appointments" }, list.map((a) => {
      const cancel = a.status === "booked" ? h("button", { type: "button", testid: "appointment-cancel", text: t("care.cancelAppointment") }) : null;
      if (cancel) {
        cancel.addEventListener("click", async () => {
          cancel.disabled = true;
          try {
            await care.cancelAppointment(a.id);
            await ctx.go("student", { studentId: student.id });
          } catch (err) {
            cancel.disabled = false;
            showError(error, /** @type {ApiError} */ (err));
          }
        });
      }
      return h("li", { class: "data-row", testid: "student-appointment-row", "data-status": a.status },
        h("span", { class: "history-date", text: formatDate(a.date) }),
        h("span", { class: "visit-minutes", text: a.time || t("care.noTime") }),
        h("span", { class: a.status === "missed" ? "badge concern" : "tag", text: t(`care.status.${a.status}`) }),
        h("span", { class: "visit-topics" }),
        cancel);
    }));
  return h("section", { "aria-label": t("care.appointments") }, form, rows);
}
