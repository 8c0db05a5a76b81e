// 検索: find "the student who talked about the bakery job in October" in seconds. Full text over
// notes, next steps and teacher summaries, with filters, results as you type (never during an
// IME conversion), the words found marked with <mark> elements built through the DOM: the
// snippets arrive as plain segments and are only ever set as textContent.

import * as api from "../api.js";
import { searchVisits } from "../api-search.js";
import { errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { dateField, dateValue } from "../date-field.js";
import { TOPICS, formatDate, label, t } from "../i18n.js";

/** @typedef {import("../api-types").SearchQuery} SearchQuery */
/** @typedef {import("../api-types").SearchPage} SearchPage */
/** @typedef {import("../api-types").SearchHit} SearchHit */
/** @typedef {import("../api-types").Snippet} Snippet */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

/**
 * A keystroke searches at once when no search is running (a search takes ≤ 30 ms at 100,000
 * notes, BENCHMARKS.md); keystrokes while one runs make one more search when it ends, for the
 * text as it is then. So typing never waits on a pause, and never queues a search per key.
 */
const PAGE_SIZE = 50;
/** Rows drawn before the first paint (more than a window shows); the rest of the page
 * follows once that paint is done, a few rows a frame, so typing on stays responsive. */
const FIRST_ROWS = 10;
const ROWS_PER_FRAME = 19;
const REST_AFTER_MS = 60;

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const campuses = await api.listCampuses();
  const error = errorArea();
  const campusOf = (/** @type {number} */ id) => (campuses.find((c) => c.id === id) || { name: "" }).name;

  const text = h("input", {
    type: "search", testid: "search-text", "data-field": "text", maxlength: 200, autofocus: true,
    placeholder: t("search.placeholder"), "aria-label": t("search.label"),
    value: typeof params.text === "string" ? params.text : "",
  });
  const initialCampus = typeof params.campusId === "number" ? String(params.campusId) : "";
  const campus = select({ testid: "search-campus", "data-field": "campusId" },
    [["", t("search.allCampuses")], ...campuses.map((c) => /** @type {[string, string]} */ ([String(c.id), c.name]))],
    initialCampus);
  const student = select({ testid: "search-student", "data-field": "studentId" }, [["", t("search.allStudents")]]);
  const from = dateField({ testid: "search-from", "data-field": "from" });
  const to = dateField({ testid: "search-to", "data-field": "to" });
  const topic = select({ testid: "search-topic", "data-field": "topic" },
    [["", t("search.allTopics")], ...TOPICS.map((c) => /** @type {[string, string]} */ ([c, label("topic", c)]))]);
  const concern = h("input", { type: "checkbox", testid: "search-concern" });
  const followUp = h("input", { type: "checkbox", testid: "search-follow-up" });
  const count = h("p", { class: "search-count", testid: "search-count", "aria-live": "polite" });
  const list = h("ul", { class: "rows search-results", testid: "search-results" });
  const prev = h("button", { type: "button", testid: "search-prev", text: t("search.prev"), hidden: true });
  const next = h("button", { type: "button", testid: "search-next", text: t("search.next"), hidden: true });

  /** Fills the student filter with the chosen campus's students (or everyone's). */
  const loadStudents = async (/** @type {number|null} */ keep) => {
    const students = await api.listStudents(campus.value ? Number(campus.value) : null, "");
    student.replaceChildren(
      h("option", { value: "", text: t("search.allStudents") }),
      ...students.map((s) => h("option", {
        value: String(s.id),
        text: campus.value ? s.displayName : t("search.studentAt", { name: s.displayName, campus: campusOf(s.campusId) }),
      })));
    student.value = keep !== null && students.some((s) => s.id === keep) ? String(keep) : "";
  };

  let offset = 0;
  let countAll = false;
  let seq = 0;
  let running = false;
  let again = false;
  /** @returns {SearchQuery} */
  const query = () => ({
    text: text.value,
    campusId: campus.value ? Number(campus.value) : null,
    studentId: student.value ? Number(student.value) : null,
    from: dateValue(from) || null,
    to: dateValue(to) || null,
    topic: topic.value || null,
    concernOnly: concern.checked,
    followUpOnly: followUp.checked,
    limit: PAGE_SIZE,
    offset,
    countAll,
  });
  const run = async () => {
    const mine = ++seq;
    running = true;
    try {
      const asked = query();
      const page = await searchVisits(asked);
      if (mine !== seq) return; // a later search is on its way
      error.hidden = true;
      show(page, mine);
      list.dataset.text = asked.text; // what these results answer (tests wait on it)
    } catch (err) {
      if (mine === seq) showError(error, /** @type {ApiError} */ (err));
    } finally {
      if (mine === seq) running = false;
      if (again && !running) {
        again = false;
        fromStart();
      }
    }
  };
  /** @param {SearchPage} page @param {number} mine */
  const show = (page, mine) => {
    const range = { total: page.total.toLocaleString("ja-JP"), first: page.offset + 1, last: page.offset + page.hits.length };
    count.replaceChildren(page.total === 0
      ? t("search.none")
      : page.totalCapped ? t("search.countCapped", range) : t("search.count", range));
    // Counting stopped at 1,000: the exact number only when the supporter asks for it.
    if (page.totalCapped) count.append(" ", countAllButton);
    // The rows in view first; the rest of the page in the next frames, unless a newer search
    // has drawn its own by then.
    list.replaceChildren(...page.hits.slice(0, FIRST_ROWS).map((hit) => resultRow(ctx, hit)));
    const more = (/** @type {number} */ from) => {
      if (mine !== seq || from >= page.hits.length) return;
      list.append(...page.hits.slice(from, from + ROWS_PER_FRAME).map((hit) => resultRow(ctx, hit)));
      requestAnimationFrame(() => more(from + ROWS_PER_FRAME));
    };
    setTimeout(() => more(FIRST_ROWS), REST_AFTER_MS);
    prev.hidden = page.offset === 0;
    next.hidden = page.totalCapped ? page.hits.length < page.limit : page.offset + page.hits.length >= page.total;
  };
  const countAllButton = h("button", { type: "button", class: "link", testid: "search-count-all", text: t("search.countAll"),
    onclick: () => { countAll = true; void run(); } });
  /** Any change of what is asked starts again at the first page. */
  const fromStart = () => { offset = 0; countAll = false; void run(); };

  let composing = false;
  const later = () => {
    if (running) again = true;
    else fromStart();
  };
  text.addEventListener("compositionstart", () => { composing = true; });
  text.addEventListener("compositionend", () => { composing = false; later(); });
  text.addEventListener("input", (event) => {
    // While an IME conversion is open the text is not what the supporter means yet.
    if (composing || (event instanceof InputEvent && event.isComposing)) return;
    later();
  });
  campus.addEventListener("change", async () => {
    try {
      await loadStudents(null);
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
    fromStart();
  });
  for (const control of [student, from, to, topic, concern, followUp]) control.addEventListener("change", fromStart);
  prev.addEventListener("click", () => { offset = Math.max(0, offset - PAGE_SIZE); void run().then(() => list.scrollIntoView({ block: "start" })); });
  next.addEventListener("click", () => { offset += PAGE_SIZE; void run().then(() => list.scrollIntoView({ block: "start" })); });

  // Nothing to submit: Enter (outside an IME conversion) searches at once.
  const bar = h("form", { class: "search-bar", role: "search" }, text,
    h("span", { class: "hint", text: t("search.hint") }));
  onSubmit(bar, fromStart);

  const filters = h("div", { class: "row search-filters" },
    field(t("search.campus"), campus),
    field(t("search.student"), student),
    field(t("search.from"), from),
    field(t("search.to"), to),
    field(t("search.topic"), topic));
  const flags = h("div", { class: "row search-flags" },
    h("label", { class: "check concern-check" }, concern, h("span", { text: t("search.concernOnly") })),
    h("label", { class: "check" }, followUp, h("span", { text: t("search.followUpOnly") })));

  const root = screenRoot("search",
    h("header", { class: "screen-head" }, h("h1", { text: t("search.title") })),
    error, bar, filters, flags, count, list,
    h("div", { class: "actions search-pager" }, prev, next));

  await loadStudents(typeof params.studentId === "number" ? params.studentId : null);
  await run();
  return {
    el: root,
    onKey: (event) => {
      if (event.ctrlKey && !event.altKey && event.key.toLowerCase() === "f") {
        text.focus();
        text.select();
        return true;
      }
      if (event.key !== "/" || event.ctrlKey || event.altKey) return false;
      if (event.target instanceof HTMLElement && event.target.matches("input, textarea, select")) return false;
      text.focus();
      return true;
    },
  };
}

/** @param {Ctx} ctx @param {SearchHit} hit */
function resultRow(ctx, hit) {
  return h("li", {},
    h("button", {
      type: "button", class: "history-row search-result", testid: "search-result", "data-visit-id": hit.visitId,
      onclick: () => ctx.go("visit", { visitId: hit.visitId }),
    },
    h("span", { class: "history-head" },
      h("span", { class: "history-date", testid: "search-result-date", text: formatDate(hit.date) }),
      h("span", { class: "muted", testid: "search-result-campus", text: hit.campusName }),
      h("span", { class: "row-title", testid: "search-result-student", text: hit.studentName ?? t("search.anonymous") }),
      hit.topics.map((c) => h("span", { class: "tag", text: label("topic", c) })),
      hit.concern ? h("span", { class: "badge concern", text: t("search.concern") }) : null,
      hit.followUpOn ? h("span", { class: "muted", text: t("search.followUpOn", { date: formatDate(hit.followUpOn) }) }) : null),
    hit.snippets.map(snippetLine)));
}

/**
 * One field's snippet: a label, then the text with each hit in a <mark>, all set as text.
 * @param {Snippet} snippet
 */
function snippetLine(snippet) {
  const line = h("span", { class: "history-note search-snippet", testid: "search-snippet", "data-field": snippet.field },
    h("span", { class: "hint", text: `${t(`search.field.${snippet.field}`)} ` }));
  if (snippet.cutBefore) line.append(t("list.ellipsis"));
  for (const segment of snippet.segments) {
    const words = segment.text.replace(/\s+/g, " ");
    line.append(segment.hit ? h("mark", { testid: "search-hit", text: words }) : document.createTextNode(words));
  }
  if (snippet.cutAfter) line.append(t("list.ellipsis"));
  return line;
}
