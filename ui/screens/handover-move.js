// The three moves of a handover: 引き継ぎファイルを作る (the sender, once the colleague's 確認番号
// read from their screen matches), 引き継ぎファイルを受け取る (the recipient sees who sent what,
// offered merges, then takes it and writes the receipt), 受領書を取り込む (the sender settles it).

import * as api from "../api.js";
import * as handover from "../api-handover.js";
import { pickBackupFolder } from "../api-reports.js";
import { clearErrors, errorArea, field, h, onSubmit, select, showError } from "../dom.js";
import { formatDate, formatDateTime, t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").KnownLaptop} KnownLaptop */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../api-types").PackageSummary} PackageSummary */
/** @typedef {import("../api-types").HandoverReason} HandoverReason */

/** A fingerprint in six groups of four, as both screens show it. @param {string} digits */
export function grouped(digits) {
  const plain = digits.replace(/\D/g, "");
  return (plain.match(/.{1,4}/g) || []).join(" ");
}

/**
 * A field for the 24 digits, grouped by four as they are typed (full-width digits too), so
 * they compare at a glance with the other screen's.
 * @param {string} testid @param {string} fieldName
 */
export function digitsField(testid, fieldName) {
  const input = /** @type {HTMLInputElement} */ (h("input", { type: "text", class: "mono", testid, "data-field": fieldName, maxlength: 40, autocomplete: "off", spellcheck: "false", inputmode: "numeric" }));
  input.addEventListener("input", () => {
    const digits = input.value.normalize("NFKC").replace(/\D/g, "").slice(0, 24);
    const shown = grouped(digits);
    if (shown !== input.value) input.value = shown;
  });
  return input;
}

/**
 * The folder a file is written to, with the system's folder picker; blank for the backup
 * folder. @param {string} testid @param {HTMLElement} error
 */
export function folderField(testid, error) {
  const folder = h("input", { type: "text", class: "mono", testid, "data-field": "folder", maxlength: 1000, autocomplete: "off", spellcheck: "false" });
  const pick = h("button", { type: "button", testid: `${testid}-pick`, text: t("handover.pickFolder") });
  pick.addEventListener("click", async () => {
    try {
      const chosen = await pickBackupFolder(t("handover.pickFolderTitle"));
      if (chosen !== null) folder.value = chosen;
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return { folder, row: h("div", { class: "path-row" }, field(t("handover.folder"), folder, t("handover.folderHint")), pick) };
}

/**
 * A path field with its picker button.
 * @param {string} testid @param {"card"|"package"|"receipt"} kind @param {HTMLElement} error
 */
export function pathField(testid, kind, error) {
  const path = h("input", { type: "text", class: "mono", testid, "data-field": "path", maxlength: 1000, autocomplete: "off", spellcheck: "false" });
  const pick = h("button", { type: "button", testid: `${testid}-pick`, text: t("handover.pick") });
  pick.addEventListener("click", async () => {
    try {
      const chosen = await handover.pickHandoverFile(t(`handover.pickTitle.${kind}`), t(`handover.filter.${kind}`), kind);
      if (chosen !== null) path.value = chosen;
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return { path, row: h("div", { class: "path-row" }, field(t(`handover.file.${kind}`), path), pick) };
}

/**
 * @param {KnownLaptop[]} known @param {Campus[]} campuses
 * @param {boolean} enrolled whether headquarters can carry it @param {string} label the name last typed
 * @param {(notice?: string[], label?: string) => void} redraw
 */
export function sendSection(known, campuses, enrolled, label, redraw) {
  const section = h("section", { class: "card", testid: "handover-send" },
    h("h2", { text: t("handover.sendTitle") }),
    h("p", { class: "muted", text: t("handover.sendLead") }));
  if (campuses.length === 0) {
    section.append(h("p", { class: "muted", testid: "handover-send-none", text: t("handover.sendNeedsCampus") }));
    return section;
  }
  if (known.length === 0 && !enrolled) {
    section.append(h("p", { class: "muted", testid: "handover-send-none", text: t("handover.sendNeedsWay") }));
    return section;
  }
  const error = errorArea();
  const colleague = select({ testid: "handover-colleague", "data-field": "colleague" }, known.map((k) => [String(k.id), k.label]));
  // 送り方: a file carried by hand, or through headquarters to a laptop from its list. A way
  // that cannot be used yet is shown, not offered, with what would open it.
  const usable = { file: known.length > 0, hq: enrolled };
  const viaHq = /** @type {HTMLInputElement} */ (h("input", { type: "radio", name: "handover-way", value: "hq", testid: "handover-way-hq", checked: !usable.file, disabled: !usable.hq }));
  const viaFile = /** @type {HTMLInputElement} */ (h("input", { type: "radio", name: "handover-way", value: "file", testid: "handover-way-file", checked: usable.file, disabled: !usable.file }));
  /** @param {"file" | "hq"} way */
  const wayHint = (way) => h("small", { class: "hint", testid: `handover-way-${way}-hint`, text: t(usable[way] ? `handover.wayHint.${way}` : `handover.wayUnusable.${way}`) });
  const showWay = async () => {
    clearErrors();
    folderRow.hidden = viaHq.checked;
    sealButton.textContent = t(viaHq.checked ? "handover.sealViaHq" : "handover.seal");
    if (!viaHq.checked) {
      colleague.replaceChildren(...known.map((k) => h("option", { value: String(k.id), text: k.label })));
      return;
    }
    colleague.replaceChildren(h("option", { value: "", text: t("handover.hqLoading") }));
    try {
      const listed = await handover.relayColleagues();
      colleague.replaceChildren(...listed.map((c) => h("option", { value: String(c.device), text: t("handover.hqColleague", { name: c.supporter, campuses: c.campuses.join("、") }) })));
      if (listed.length === 0) showError(error, "handover.hqNone");
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  };
  viaHq.addEventListener("change", showWay);
  viaFile.addEventListener("change", showWay);
  const wayField = h("fieldset", { class: "choices" },
    h("legend", { text: t("handover.wayLabel") }),
    h("label", { class: "check" }, viaFile, h("span", {}, h("strong", { text: t("handover.way.file") }), wayHint("file"))),
    h("label", { class: "check" }, viaHq, h("span", {}, h("strong", { text: t("handover.way.hq") }), wayHint("hq"))));
  const campus = select({ testid: "handover-campus", "data-field": "campusId" }, campuses.map((c) => [String(c.id), c.name]));
  const everyone = h("input", { type: "checkbox", testid: "handover-everyone", checked: true });
  const studentList = h("div", { class: "checks", testid: "handover-students", hidden: true });
  const loadStudents = async () => {
    const students = await api.listStudents(Number(campus.value), "");
    studentList.replaceChildren(...students.map((s) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", value: String(s.id), "data-testid": "handover-student" }), h("span", { text: s.displayName }))));
  };
  everyone.addEventListener("change", () => {
    studentList.hidden = everyone.checked;
    if (!everyone.checked) loadStudents().catch((err) => showError(error, /** @type {ApiError} */ (err)));
  });
  campus.addEventListener("change", () => {
    if (!everyone.checked) loadStudents().catch((err) => showError(error, /** @type {ApiError} */ (err)));
  });
  /** @type {HTMLInputElement[]} */
  const reasons = [];
  const reasonField = h("fieldset", { class: "choices", "data-field": "reason" },
    h("legend", { text: t("handover.reasonLabel") }),
    ...(/** @type {HandoverReason[]} */ (["transfer", "cover"])).map((code) => {
      const radio = h("input", { type: "radio", name: "handover-reason", value: code, testid: `handover-reason-${code}`, checked: code === "transfer" });
      reasons.push(/** @type {HTMLInputElement} */ (radio));
      return h("label", { class: "check" }, radio,
        h("span", {}, h("strong", { text: t(`handover.reason.${code}`) }), h("small", { class: "hint", text: t(`handover.reasonHint.${code}`) })));
    }));
  const typed = digitsField("handover-send-fingerprint", "typedFingerprint");
  const myLabel = /** @type {HTMLInputElement} */ (h("input", { type: "text", testid: "handover-send-label", "data-field": "myLabel", maxlength: 60, autocomplete: "off", value: label }));
  const { folder, row: folderRow } = folderField("handover-send-folder", error);
  const sealButton = h("button", { type: "submit", class: "primary", testid: "handover-seal", text: t("handover.seal") });
  const form = h("form", {},
    error,
    wayField,
    field(t("handover.colleague"), colleague),
    field(t("handover.campus"), campus),
    h("label", { class: "check" }, everyone, h("span", { text: t("handover.everyone") })),
    studentList,
    reasonField,
    field(t("handover.sendFingerprint"), typed, t("handover.sendFingerprintHint")),
    field(t("handover.myLabel"), myLabel, t("handover.myLabelHint")),
    folderRow,
    h("div", { class: "actions" }, sealButton));
  onSubmit(form, async () => {
    clearErrors();
    const chosen = everyone.checked
      ? null
      : [...studentList.querySelectorAll("input:checked")].map((b) => Number(/** @type {HTMLInputElement} */ (b).value));
    if (chosen !== null && chosen.length === 0) return showError(error, "handover.chooseStudents");
    const reason = /** @type {HandoverReason} */ ((reasons.find((r) => r.checked) || reasons[0]).value);
    try {
      if (viaHq.checked) {
        if (!colleague.value) return showError(error, "handover.hqNone");
        const record = await handover.sealForRelay(Number(colleague.value), {
          colleague: 0, typedFingerprint: typed.value, campusId: Number(campus.value), students: chosen, reason,
        }, myLabel.value);
        return redraw([
          t(record.relayState === "sent" ? "handover.hqSent" : "handover.hqQueued", { colleague: record.colleague }),
          t("handover.sealedCounts", countsOf(record.counts)),
          t("handover.hqLocked"),
        ], myLabel.value);
      }
      const written = await handover.sealHandover({
        colleague: Number(colleague.value), typedFingerprint: typed.value, campusId: Number(campus.value), students: chosen, reason,
      }, myLabel.value, folder.value);
      redraw([
        t("handover.sealed", { path: written.path }),
        t("handover.sealedCounts", countsOf(written.record.counts)),
        t("handover.sealedLocked"),
      ], myLabel.value);
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  section.append(form);
  if (viaHq.checked) showWay();
  return section;
}

/** @param {import("../api-types").HandoverCounts} c */
function countsOf(c) {
  return { students: c.students, visits: c.visits, followUps: c.followUps, appointments: c.appointments, drafts: c.drafts };
}

/** @param {(notice?: string[]) => void} redraw */
export function takeSection(redraw) {
  const error = errorArea();
  const { path, row } = pathField("handover-package-path", "package", error);
  const summary = h("div", { class: "handover-summary", testid: "handover-summary", hidden: true });
  const form = h("form", {},
    error,
    row,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", testid: "handover-open", text: t("handover.open") })));
  onSubmit(form, async () => {
    clearErrors();
    try {
      const opened = await handover.openPackage(path.value);
      showSummary(opened);
    } catch (err) {
      summary.hidden = true;
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  const showSummary = (/** @type {PackageSummary} */ p) => summaryInto(summary, error, p,
    (merges) => handover.acceptPackage(path.value, merges).then((taken) => redraw([
      t("handover.taken", { campus: taken.record.campusName }),
      t("handover.receiptWritten", { path: taken.receiptPath }),
    ])),
    () => { path.value = ""; });
  return h("section", { class: "card", testid: "handover-take" },
    h("h2", { text: t("handover.takeTitle") }),
    h("p", { class: "muted", text: t("handover.takeLead") }),
    form, summary);
}

/**
 * A package opened, shown in `summary`: who sent what, the merges offered unticked, and
 * 受け取る / 受け取らない.
 * @param {HTMLElement} summary @param {HTMLElement} error @param {PackageSummary} p
 * @param {(merges: import("../api-types").Merge[]) => Promise<void>} take
 * @param {() => void} declined
 * @param {HTMLElement} [declineWith] a button of its own for declining (one that deletes
 *   asks first), instead of closing the summary
 */
export function summaryInto(summary, error, p, take, declined, declineWith) {
  {
    const merges = p.mergeOffers.map((m) => ({
      offer: m,
      box: /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", "data-testid": "handover-merge" })),
    }));
    const accept = h("button", { type: "button", class: "primary", testid: "handover-accept", text: t("handover.accept") });
    const decline = h("button", { type: "button", testid: "handover-decline", text: t("handover.decline") });
    accept.addEventListener("click", async () => {
      accept.disabled = true;
      clearErrors();
      try {
        await take(merges.filter((m) => m.box.checked).map((m) => ({ key: m.offer.key, studentId: m.offer.studentId })));
      } catch (err) {
        showError(error, /** @type {ApiError} */ (err));
      } finally {
        accept.disabled = false;
      }
    });
    decline.addEventListener("click", () => {
      summary.hidden = true;
      declined();
    });
    summary.replaceChildren(
      h("h3", { text: t("handover.summaryTitle") }),
      h("dl", { class: "facts" },
        h("dt", { text: t("handover.from") }), h("dd", { testid: "handover-from", text: p.sender }),
        h("dt", { text: t("handover.fromFingerprint") }),
        h("dd", {}, h("span", { class: "fingerprint small", text: grouped(p.fingerprint) }), h("small", { class: "hint", text: t("handover.fromFingerprintHint") })),
        h("dt", { text: t("handover.campus") }), h("dd", { text: p.campusName }),
        h("dt", { text: t("handover.reasonLabel") }), h("dd", { text: t(`handover.reason.${p.reason}`) }),
        h("dt", { text: t("handover.handedOn") }), h("dd", { text: formatDate(p.handedOn) }),
        h("dt", { text: t("handover.contents") }), h("dd", { testid: "handover-counts", text: t("handover.sealedCounts", countsOf(p.counts)) }),
        h("dt", { text: t("handover.expires") }), h("dd", { text: formatDateTime(p.expiresAt) })),
      merges.length === 0 ? "" : h("div", { class: "merges" },
        h("p", { text: t("handover.mergeLead") }),
        ...merges.map((m) => h("label", { class: "check" }, m.box, h("span", { text: t("handover.merge", { name: m.offer.name }) })))),
      h("p", { class: "muted", text: t("handover.takeCounts") }),
      h("div", { class: "actions" }, accept, declineWith || decline));
    summary.hidden = false;
  }
}

/** @param {(notice?: string[]) => void} redraw */
export function receiptSection(redraw) {
  const error = errorArea();
  const { path, row } = pathField("handover-receipt-file", "receipt", error);
  const form = h("form", {},
    error,
    row,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", testid: "handover-import-receipt", text: t("handover.importReceipt") })));
  onSubmit(form, async () => {
    clearErrors();
    try {
      const settled = await handover.importReceipt(path.value);
      redraw([t(`handover.settled.${settled.state === "cover" ? "cover" : "done"}`, { campus: settled.campusName, colleague: settled.colleague })]);
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return h("section", { class: "card", testid: "handover-receipt" },
    h("h2", { text: t("handover.receiptTitle") }),
    h("p", { class: "muted", text: t("handover.receiptLead") }),
    form);
}
