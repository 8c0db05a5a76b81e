// ロック解除: by passphrase, or by the recovery key when the passphrase is forgotten (then a
// new passphrase is set on the reset screen, which gets the key as a navigation argument only).

import * as api from "../api.js";
import { errorArea, field, h, onSubmit, screenRoot, showError } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const root = screenRoot("unlock");
  let useRecovery = false;
  const draw = () => root.replaceChildren(useRecovery ? recoveryForm() : passphraseForm());

  const toggle = () => h("button", {
    type: "button", class: "link", testid: "unlock-use-recovery",
    text: useRecovery ? t("unlock.usePassphrase") : t("unlock.useRecovery"),
    onclick: () => { useRecovery = !useRecovery; draw(); focus(); },
  });
  const focus = () => {
    const input = root.querySelector("input");
    if (input) input.focus();
  };

  /**
   * @param {HTMLInputElement} input
   * @param {(value: string) => Promise<() => Promise<void>>} attempt unlocks, then says where to go
   * @param {string} lead
   */
  const form = (input, attempt, lead) => {
    const error = errorArea();
    const el = h("form", { class: "card narrow" },
      h("h1", { text: t("unlock.title") }),
      params.reason === "idle" ? h("p", { class: "notice", text: t("unlock.idle") }) : null,
      params.reason === "updateFailed"
        ? h("p", { class: "notice", role: "alert", testid: "unlock-update-failed", text: t("unlock.updateFailed") })
        : null,
      h("p", { class: "lead", text: lead }),
      error,
      field(useRecovery ? t("unlock.recoveryKey") : t("unlock.passphrase"), input),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary", testid: "unlock-submit", text: t("unlock.submit") }),
        toggle()));
    onSubmit(el, async () => {
      try {
        const proceed = await attempt(input.value);
        input.value = "";
        await proceed();
      } catch (err) {
        // A wrong secret is cleared so the next attempt starts clean; focus stays in the field.
        input.value = "";
        showError(error, /** @type {ApiError} */ (err));
        input.focus();
      }
    });
    return el;
  };

  const passphraseForm = () => form(
    h("input", { type: "password", testid: "unlock-passphrase", "data-field": "passphrase", autocomplete: "current-password", autofocus: true }),
    async (value) => {
      await api.unlock(value);
      return () => ctx.go("today");
    },
    t("unlock.lead"));

  const recoveryForm = () => form(
    h("input", {
      type: "text", class: "mono", testid: "unlock-recovery-key", "data-field": "recoveryKey",
      autocomplete: "off", spellcheck: "false", autocapitalize: "characters", autofocus: true,
    }),
    async (value) => {
      const recoveryKey = value.trim();
      await api.unlockWithRecovery(recoveryKey);
      // The passphrase is forgotten: set a new one now, proven by the same key.
      return () => ctx.go("reset", { recoveryKey });
    },
    t("unlock.recoveryLead"));

  draw();
  return { el: root };
}
