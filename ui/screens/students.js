// 生徒: find a student in seconds (search as you type), add or edit a pseudonymous profile.

import * as api from "../api.js";
import * as corrections from "../api-corrections.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { ENROLMENTS, PATH_STATUSES, formatDate, gradeLabel, gradeOptions, label, t } from "../i18n.js";

/** @typedef {import("../api-types").Student} Student */
/** @typedef {import("../api-types").StudentInput} StudentInput */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

const SEARCH_DEBOUNCE_MS = 150;

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const campuses = await api.listCampuses();
  const error = errorArea();
  const list = h("div", { class: "student-list" });
  const editor = h("div", { class: "editor" });
  const search = h("input", {
    type: "search", testid: "student-search", placeholder: t("students.searchPlaceholder"),
    "aria-label": t("students.search"), autofocus: Boolean(params.focusSearch),
  });
  /** @type {Array<[string, string]>} */
  const campusOptions = [["", t("students.allCampuses")], ...campuses.map((c) => /** @type {[string, string]} */ ([String(c.id), c.name]))];
  const campusFilter = select({ testid: "student-campus-filter", "aria-label": t("students.campusFilter") }, campusOptions,
    ctx.state.campusId === null ? "" : String(ctx.state.campusId));

  // A page at a time: thousands of students never become one long table.
  let seq = 0;
  const load = async (/** @type {number} */ offset) => {
    const mine = ++seq;
    try {
      const page = await api.studentsPage(campusFilter.value ? Number(campusFilter.value) : null, search.value, offset);
      if (mine !== seq) return;
      const filtered = search.value.trim() !== "" || campusFilter.value !== "";
      const rows = studentRows(ctx, page.students, campuses, filtered);
      const shown = offset + page.students.length;
      const more = shown < page.total
        ? h("button", { type: "button", testid: "students-more", text: t("students.more", { n: Math.min(page.total - shown, 100) }), onclick: () => void load(shown) })
        : null;
      const count = h("p", { class: "muted", testid: "students-count", text: t("students.count", { shown, total: page.total }) });
      if (offset === 0) list.replaceChildren(count, rows, ...(more ? [more] : []));
      else {
        list.querySelector("[data-testid=students-more]")?.remove();
        list.querySelector("[data-testid=students-count]")?.replaceWith(count);
        list.append(rows, ...(more ? [more] : []));
      }
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  };
  const refresh = () => load(0);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, SEARCH_DEBOUNCE_MS); });
  campusFilter.addEventListener("change", refresh);
  // The search box has nothing to submit; Enter (outside an IME conversion) just searches now.
  const searchForm = h("form", { class: "search-bar", role: "search" },
    search, campusFilter, h("span", { class: "hint", text: t("students.searchHint") }));
  onSubmit(searchForm, refresh);

  const openEditor = () => {
    const initialCampus = campusFilter.value ? Number(campusFilter.value) : campuses.length ? campuses[0].id : null;
    editor.replaceChildren(studentForm(null, campuses, initialCampus, () => editor.replaceChildren(), (s) => ctx.go("student", { studentId: s.id })));
    const first = editor.querySelector("input");
    if (first) first.focus();
  };
  const root = screenRoot("students",
    h("header", { class: "screen-head" },
      h("h1", { text: t("students.title") }),
      h("button", { type: "button", class: "primary", testid: "student-new", text: t("students.new"), onclick: openEditor })),
    error, searchForm, editor, list);
  await refresh();
  return {
    el: root,
    onKey: (event) => {
      if (event.key !== "/" || event.target === search || event.ctrlKey || event.altKey) return false;
      if (event.target instanceof HTMLElement && event.target.matches("input, textarea, select")) return false;
      search.focus();
      return true;
    },
  };
}

/**
 * @param {Ctx} ctx @param {Student[]} students @param {Campus[]} campuses
 * @param {boolean} filtered a search or a campus narrows the list
 */
function studentRows(ctx, students, campuses, filtered) {
  if (students.length === 0) {
    // With no student at all, say how students come to be here.
    return h("p", { class: "empty muted", testid: "students-empty", text: filtered ? t("students.empty") : t("students.none") });
  }
  const campusName = (/** @type {number} */ id) => (campuses.find((c) => c.id === id) || { name: "" }).name;
  return h("ul", { class: "rows" }, students.map((s) => h("li", {},
    h("button", { type: "button", class: "data-row student-row", testid: "student-row", onclick: () => ctx.go("student", { studentId: s.id }) },
      h("span", { class: "row-title", text: s.displayName }),
      h("span", { text: gradeLabel(s.grade) }),
      h("span", { class: "muted", text: campusName(s.campusId) }),
      h("span", { class: `tag path-${s.pathStatus}`, text: label("pathStatus", s.pathStatus) }),
      h("span", { text: t("students.visitCount", { n: s.visitCount }) }),
      h("span", { class: "muted", text: s.lastVisitOn ? t("students.lastVisit", { date: formatDate(s.lastVisitOn) }) : t("students.noVisit") })))));
}

/**
 * The add/edit form, shared with the student page.
 * @param {Student|null} student null = a new student
 * @param {Campus[]} campuses
 * @param {number|null} campusId the campus preselected for a new student
 * @param {() => void} close
 * @param {(saved: Student) => void} saved
 */
export function studentForm(student, campuses, campusId, close, saved) {
  const c = {
    name: h("input", { type: "text", testid: "student-name", "data-field": "displayName", maxlength: 60, value: student ? student.displayName : "" }),
    grade: select({ testid: "student-grade", "data-field": "grade" }, gradeOptions(), student && student.grade ? String(student.grade) : ""),
    campus: select({ testid: "student-campus", "data-field": "campusId" }, campuses.map((x) => [String(x.id), x.name]),
      String(student ? student.campusId : campusId ?? "")),
    enrolment: select({ testid: "student-enrolment", "data-field": "enrolment" },
      ENROLMENTS.map((e) => [e, label("enrolment", e)]), student ? student.enrolment : "enrolled"),
    path: select({ testid: "student-path", "data-field": "pathStatus" },
      PATH_STATUSES.map((p) => [p, label("pathStatus", p)]), student ? student.pathStatus : "undecided"),
    decided: dateField({ testid: "student-path-date", "data-field": "pathDecidedOn", value: student && student.pathDecidedOn ? student.pathDecidedOn : "" }),
  };
  const decidedField = field(t("student.pathDecidedOn"), c.decided);
  // A decision already released in another 年度 or term is not released again: its new date
  // changes this laptop's records only, and the form says so before it is saved.
  const released = h("small", { class: "hint", testid: "student-path-exact-only", text: t("student.pathExactOnly"), hidden: true });
  decidedField.append(released);
  const syncDecided = async () => {
    decidedField.hidden = c.path.value === "undecided";
    const moved = student && dateValue(c.decided) && dateValue(c.decided) !== student.pathDecidedOn;
    released.hidden = !(moved && !decidedField.hidden
      && await corrections.decisionLeftOutOfBreakdowns(student.id, c.path.value, dateValue(c.decided)).catch(() => false));
  };
  c.path.addEventListener("change", syncDecided);
  c.decided.addEventListener("change", syncDecided);
  syncDecided();
  const error = errorArea();
  const form = h("form", { class: "card" },
    h("h2", { text: student ? t("students.editTitle") : t("students.newTitle") }),
    h("p", { class: "muted", text: t("students.nameHint") }),
    error,
    h("div", { class: "row" }, field(t("student.displayName"), c.name), field(t("student.grade"), c.grade), field(t("student.campus"), c.campus, student ? t("student.campusMoveHint") : undefined)),
    h("div", { class: "row" }, field(t("student.enrolment"), c.enrolment), field(t("student.pathStatus"), c.path), decidedField),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "student-save", text: t("common.save") }),
      h("button", { type: "button", text: t("common.cancel"), onclick: close })));
  onSubmit(form, async () => {
    const undecided = c.path.value === "undecided";
    /** @type {StudentInput} */
    const input = {
      id: student ? student.id : null,
      displayName: c.name.value,
      grade: c.grade.value ? Number(c.grade.value) : null,
      campusId: Number(c.campus.value),
      enrolment: /** @type {import("../api-types").Enrolment} */ (c.enrolment.value),
      pathStatus: /** @type {import("../api-types").PathStatus} */ (c.path.value),
      pathDecidedOn: undecided || !dateValue(c.decided) ? null : dateValue(c.decided),
    };
    try {
      saved(await api.saveStudent(input));
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}
