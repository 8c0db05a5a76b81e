// はじめの準備: the three things a new laptop needs before its first salon day, in the order
// that makes each easiest (linking first lets the campus form offer headquarters' codes), on
// Today until every one is done. Each step says what it is for and opens where it is done.

import { h } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").AppStatus} AppStatus */
/** @typedef {import("../api-types").HqStatus} HqStatus */
/** @typedef {import("../main.js").Ctx} Ctx */

/**
 * @typedef {object} Step
 * @property {string} id
 * @property {boolean} done
 * @property {string} text what it is for, or what is left of it
 * @property {string} action the button's words
 * @property {() => void} go
 */

/**
 * The checklist, or null once everything is done (Today reads both statuses with its own data).
 * @param {Ctx} ctx @param {Campus[]} campuses @param {AppStatus} status @param {HqStatus} hq
 * @returns {HTMLElement | null}
 */
export function firstRunChecklist(ctx, campuses, status, hq) {
  const unreported = campuses.filter((c) => c.hqCode === null || !hq.campuses.includes(c.hqCode));
  /** @type {Step[]} */
  const steps = [
    {
      id: "hq", done: hq.enrolled, text: t("firstRun.hqText"), action: t("firstRun.hqAction"),
      go: () => ctx.go("settings", { section: "hq" }),
    },
    {
      id: "campus",
      done: campuses.length > 0 && (!hq.enrolled || unreported.length === 0),
      text: campuses.length === 0 || !hq.enrolled
        ? t("firstRun.campusText")
        : t("firstRun.campusCodeText", { names: unreported.map((c) => c.name).join("、") }),
      action: t("firstRun.campusAction"),
      go: () => ctx.go("campuses"),
    },
    {
      // A backup in the default folder stays on this laptop: it is done once one went to a
      // folder the supporter chose (a USB stick, say).
      id: "backup", done: status.backupFolderChosen && Boolean(status.lastBackupAt),
      text: t("firstRun.backupText"), action: t("firstRun.backupAction"),
      go: () => ctx.go("settings", { section: "backup" }),
    },
  ];
  if (steps.every((s) => s.done)) return null;
  const next = steps.find((s) => !s.done);
  return h("section", { class: "card first-run", testid: "first-run", "aria-labelledby": "first-run-title" },
    h("h2", { id: "first-run-title", text: t("firstRun.title") }),
    h("p", { class: "muted", text: t("firstRun.lead") }),
    h("ol", { class: "first-run-steps" }, steps.map((step, i) => h("li", {
      class: step.done ? "done" : "", testid: `first-run-${step.id}`, "data-done": step.done ? "true" : "false",
      "aria-current": step === next ? "step" : false,
    },
    h("span", { class: "step-mark", "aria-hidden": "true", text: step.done ? "✓" : String(i + 1) }),
    h("div", { class: "step-body" },
      h("strong", { text: t(`firstRun.${step.id}Title`) }),
      h("span", { class: "visually-hidden", text: step.done ? t("firstRun.doneLabel") : "" }),
      step.done ? null : h("p", { class: "muted", text: step.text })),
    step.done ? null : h("button", {
      type: "button", class: step === next ? "primary" : "", testid: `first-run-${step.id}-go`, text: step.action, onclick: step.go,
    })))));
}
