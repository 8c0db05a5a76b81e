// 引き継ぎ（担当交代・代理）: a student's whole story handed to a colleague's laptop in a file only
// that laptop can open. This screen: this laptop's 確認番号 and card, the colleagues' laptops
// (each registered only when the number read from its owner's screen matches), and the record.
// Sending, taking and the receipt are in handover-move.js.

import * as api from "../api.js";
import * as handover from "../api-handover.js";
import { confirmButton } from "../confirm.js";
import { clearErrors, errorArea, field, h, onSubmit, screenRoot, showError } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { digitsField, folderField, grouped, pathField, receiptSection, sendSection, takeSection } from "./handover-move.js";
import { relayInboxSection } from "./handover-relay.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").KnownLaptop} KnownLaptop */
/** @typedef {import("../api-types").HandoverRecord} HandoverRecord */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const [mine, known, records, campuses, waiting, hq] = await Promise.all([
    handover.myLaptopCard(), handover.knownLaptops(), handover.listHandovers(),
    api.listCampuses(), handover.relayedToMe(), api.hqStatus(),
  ]);
  // The supporter's name, typed once, is kept across redraws (in memory only).
  const label = typeof params.label === "string" ? params.label : "";
  /**
   * The screen drawn again, with what was just done said at its top.
   * @param {string[]} [notice] @param {string} [typed] the name last typed
   */
  const redraw = (notice, typed) => ctx.go("handover", { notice, label: typed ?? label });
  const notice = Array.isArray(params.notice)
    ? h("div", { class: "handover-done", role: "status", testid: "handover-notice" },
      params.notice.map((line) => h("p", { text: String(line) })))
    : "";
  const root = screenRoot("handover",
    h("header", { class: "screen-head" }, h("h1", { text: t("handover.title") })),
    notice,
    h("p", { class: "lead", text: t("handover.lead") }),
    myCardSection(mine.fingerprint, label, redraw),
    colleaguesSection(known, redraw),
    sendSection(known, campuses, hq.enrolled, label, redraw),
    relayInboxSection(waiting, redraw),
    takeSection(redraw),
    receiptSection(redraw),
    recordSection(records, redraw));
  // The record below shows what syncs settled or ended: 今日 need not say it again.
  if (records.some((r) => r.direction === "sent")) await handover.relayNewsSeen();
  return { el: root };
}

/**
 * @param {string} fingerprint @param {string} typed the name last typed
 * @param {(notice?: string[], label?: string) => void} redraw
 */
function myCardSection(fingerprint, typed, redraw) {
  const label = /** @type {HTMLInputElement} */ (h("input", { type: "text", testid: "handover-my-label", "data-field": "label", maxlength: 60, autocomplete: "off", value: typed }));
  const error = errorArea();
  const { folder, row: folderRow } = folderField("handover-card-folder", error);
  const form = h("form", {},
    error,
    field(t("handover.myLabel"), label, t("handover.myLabelHint")),
    folderRow,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", testid: "handover-card-write", text: t("handover.writeCard") })));
  onSubmit(form, async () => {
    clearErrors();
    try {
      const written = await handover.writeLaptopCard(label.value, folder.value);
      redraw([t("handover.cardWritten", { path: written.path })], label.value);
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return h("section", { class: "card", testid: "handover-mine" },
    h("h2", { text: t("handover.mineTitle") }),
    h("p", { class: "muted", text: t("handover.mineLead") }),
    h("p", { class: "fingerprint", testid: "handover-my-fingerprint", text: grouped(fingerprint) }),
    form);
}

/** @param {KnownLaptop[]} known @param {(notice?: string[], label?: string) => void} redraw */
function colleaguesSection(known, redraw) {
  const error = errorArea();
  const { path, row } = pathField("handover-card-path", "card", error);
  const typed = digitsField("handover-card-fingerprint", "fingerprint");
  const form = h("form", {},
    error,
    row,
    field(t("handover.typedFingerprint"), typed, t("handover.typedFingerprintHint")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", testid: "handover-card-import", text: t("handover.importCard") })));
  onSubmit(form, async () => {
    clearErrors();
    try {
      await handover.importLaptopCard(path.value, typed.value);
      redraw();
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  const list = known.length === 0
    ? h("p", { class: "muted", testid: "handover-known-none", text: t("handover.knownNone") })
    : h("ul", { class: "known-laptops", testid: "handover-known" }, known.map((k) =>
      h("li", {},
        h("strong", { text: k.label }),
        h("span", { class: "fingerprint small", text: grouped(k.fingerprint) }),
        h("span", { class: "muted", text: t("handover.knownSince", { when: formatDateTime(k.importedAt) }) }))));
  return h("section", { class: "card", testid: "handover-colleagues" },
    h("h2", { text: t("handover.colleaguesTitle") }),
    h("p", { class: "muted", text: t("handover.colleaguesLead") }),
    list,
    h("h3", { text: t("handover.importTitle") }),
    form);
}

/** @param {HandoverRecord[]} records @param {(notice?: string[], label?: string) => void} redraw */
function recordSection(records, redraw) {
  const error = errorArea();
  const done = h("p", { class: "success", role: "status", testid: "handover-record-done", hidden: true });
  const rows = records.map((r) => {
    const short = r.id.slice(0, 8);
    /** @type {HTMLElement|null} */
    let action = null;
    if (r.direction === "sent" && r.state === "sealed") {
      action = confirmButton({
        label: t("handover.cancel"), testid: `handover-cancel-${short}`, title: t("handover.cancel"),
        confirmLabel: t("handover.cancelConfirm"), error,
        describe: () => [t("handover.cancelText", { campus: r.campusName, colleague: r.colleague })],
        run: async () => {
          await handover.cancelHandover(r.id);
          redraw();
        },
      });
    } else if (r.direction === "sent" && r.state === "cover") {
      action = confirmButton({
        label: t("handover.endCover"), testid: `handover-end-${short}`, title: t("handover.endCover"),
        confirmLabel: t("handover.endCoverConfirm"), error,
        describe: () => [t("handover.endCoverText", { campus: r.campusName, colleague: r.colleague })],
        run: async () => {
          await handover.endCover(r.id);
          redraw();
        },
      });
    } else if (r.direction === "taken") {
      action = h("button", { type: "button", testid: `handover-receipt-again-${short}`, text: t("handover.receiptAgain") });
      action.addEventListener("click", async () => {
        clearErrors();
        try {
          const written = await handover.writeReceiptAgain(r.id, "");
          done.textContent = t("handover.receiptWritten", { path: written.path });
          done.hidden = false;
        } catch (err) {
          showError(error, /** @type {ApiError} */ (err));
        }
      });
    }
    return h("tr", { "data-testid": "handover-record" },
      h("td", { text: formatDateTime(r.createdAt) }),
      h("td", { text: t(`handover.direction.${r.direction}`) }),
      h("td", { text: r.colleague }),
      h("td", { text: r.campusName }),
      h("td", { text: t(`handover.reason.${r.reason}`) }),
      h("td", { text: t("handover.countsShort", { students: r.counts.students, visits: r.counts.visits }) }),
      h("td", {}, t(`handover.state.${r.direction}.${r.state}`), relayNote(r)),
      h("td", {}, action));
  });
  return h("section", { class: "card", testid: "handover-record-list" },
    h("h2", { text: t("handover.recordTitle") }),
    h("p", { class: "muted", text: t("handover.recordLead") }),
    error,
    done,
    records.length === 0
      ? h("p", { class: "muted", text: t("handover.recordNone") })
      : h("div", { class: "handover-records" }, h("table", { class: "report-table" },
        h("thead", {}, h("tr", {}, ["when", "direction", "colleague", "campus", "reason", "counts", "state", "action"]
          .map((k) => h("th", { text: t(`handover.col.${k}`) })))),
        h("tbody", {}, rows))));
}

/**
 * Under a handover's state, when it went through headquarters: what still waits to go, or why
 * headquarters ended it, or just that it went that way.
 * @param {HandoverRecord} r
 */
function relayNote(r) {
  if (!r.relayState) return "";
  const pending = ["to_send", "cancel_to_send", "receipt_to_send"].includes(r.relayState);
  const text = r.relayEnd
    ? t("handover.viaHq") + t("handover.relayEndWhy", { why: t(`handover.relayEnd.${r.relayEnd}`) })
    : pending ? t(`handover.relayState.${r.relayState}`) : t("handover.viaHq");
  return h("small", { class: "hint block", testid: "handover-relay-note", text: text });
}
