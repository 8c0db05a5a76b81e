// 生徒の記録: one student's profile, path status, and visit history (newest first).

import * as api from "../api.js";
import { h, screenRoot } from "../dom.js";
import { formatDate, gradeLabel, label, t } from "../i18n.js";
import { studentForm } from "./students.js";

/** @typedef {import("../api.js").Student} Student */
/** @typedef {import("../api.js").Visit} Visit */
/** @typedef {import("../api.js").Campus} Campus */
/** @typedef {import("../main.js").Ctx} Ctx */

const EXCERPT_CHARS = 80;

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const studentId = Number(params.studentId);
  const [{ student, visits }, campuses] = await Promise.all([api.getStudent(studentId), api.listCampuses()]);
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
    h("h2", { text: t("student.history", { n: visits.length }) }),
    history(ctx, visits));
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
