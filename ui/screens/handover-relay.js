// 事務局から届いた引き継ぎ: packages headquarters carried to this laptop (deleted there once
// fetched). A sender this laptop has not met is believed only after the number on the
// sender's own screen is typed; then the package opens as a file would, and the receipt goes
// back through headquarters.

import * as handover from "../api-handover.js";
import { confirmButton } from "../confirm.js";
import { clearErrors, errorArea, field, h, showError } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { digitsField, summaryInto } from "./handover-move.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").RelayedToMe} RelayedToMe */

/**
 * @param {RelayedToMe[]} waiting @param {(notice?: string[]) => void} redraw
 */
export function relayInboxSection(waiting, redraw) {
  const error = errorArea();
  const check = h("button", { type: "button", testid: "relay-check", text: t("handover.inboxCheck") });
  check.addEventListener("click", async () => {
    clearErrors();
    check.disabled = true;
    try {
      const now = await handover.checkRelay();
      redraw([
        t(now.waiting === 0 ? "handover.inboxNoneNow" : "handover.inboxSome", { n: now.waiting }),
        ...(now.settled > 0 ? [t("handover.inboxSettled", { n: now.settled })] : []),
        ...(now.ended > 0 ? [t("handover.inboxEnded", { n: now.ended })] : []),
        ...(now.leftAtHq > 0 ? [t("handover.inboxLeftAtHq", { n: now.leftAtHq })] : []),
      ]);
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    } finally {
      check.disabled = false;
    }
  });
  const items = waiting.map((w) => relayedItem(w, redraw));
  return h("section", { class: "card", testid: "relay-inbox" },
    h("h2", { text: t("handover.inboxTitle") }),
    h("p", { class: "muted", text: t("handover.inboxLead") }),
    // Above the handovers, so it does not read as an action on the last of them.
    h("div", { class: "actions" }, check),
    error,
    waiting.length === 0 ? h("p", { class: "muted", testid: "relay-inbox-none", text: t("handover.inboxNone") }) : "",
    ...items);
}

/** @param {RelayedToMe} w @param {(notice?: string[]) => void} redraw */
function relayedItem(w, redraw) {
  const error = errorArea();
  const summary = h("div", { class: "handover-summary", testid: "relay-summary", hidden: true });
  const digits = digitsField("relay-sender-fingerprint", "fingerprint");
  const open = h("button", { type: "button", class: "primary", testid: "relay-open", text: t("handover.open") });
  open.addEventListener("click", async () => {
    clearErrors();
    try {
      if (!w.senderKnown) await handover.trustRelayedSender(w.id, digits.value);
      const opened = await handover.openRelayed(w.id);
      // The summary carries its own 受け取らない from here on.
      decline.hidden = true;
      summaryInto(summary, error, opened,
        (merges) => handover.acceptRelayed(w.id, merges).then((record) => redraw([
          t("handover.taken", { campus: record.campusName }),
          t(record.relayState === "receipt_sent" ? "handover.relayReceiptSent" : "handover.relayReceiptQueued"),
        ])),
        () => {},
        confirmButton({
          label: t("handover.relayDecline"), testid: "relay-decline", title: t("handover.relayDecline"),
          confirmLabel: t("handover.relayDeclineConfirm"), error,
          describe: () => [t("handover.relayDeclineText", { sender: w.sender })],
          run: async () => {
            await handover.declineRelayed(w.id);
            redraw([t("handover.relayDeclined")]);
          },
        }));
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  // Declined here too, unopened: one that cannot be opened (expired, or from a colleague
  // whose number cannot be had) must not wait forever, nor keep the sender's records locked.
  const decline = confirmButton({
    label: t("handover.relayDecline"), testid: "relay-decline-unopened", title: t("handover.relayDecline"),
    confirmLabel: t("handover.relayDeclineConfirm"), error,
    describe: () => [t("handover.relayDeclineText", { sender: w.sender })],
    run: async () => {
      await handover.declineRelayed(w.id);
      redraw([t("handover.relayDeclined")]);
    },
  });
  return h("div", { class: "relayed", testid: "relayed-item" },
    h("p", {}, h("strong", { text: w.sender }),
      t("handover.inboxFrom", { reason: t(`handover.reason.${w.reason}`), at: formatDateTime(w.fetchedAt) })),
    error,
    w.senderKnown ? "" : field(t("handover.senderDigits"), digits, t("handover.senderDigitsHint")),
    h("div", { class: "actions" }, open, decline),
    summary);
}
