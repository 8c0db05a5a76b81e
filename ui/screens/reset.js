// 新しいパスフレーズの設定: right after unlocking with the recovery key. The supporter forgot
// the passphrase, so a new one is set before going on; there is no way to skip it.
// The recovery key arrives as a render argument and lives only in this closure: the shell
// never keeps this screen's params, and leaving the screen drops it.

import * as api from "../api.js";
import { errorArea, field, h, onSubmit, screenRoot, showError } from "../dom.js";
import { t } from "../i18n.js";
import { checkPassphrase, MIN_PASSPHRASE } from "./setup.js";

/** @typedef {import("../api-types").IpcError} ApiError */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  let recoveryKey = String(params.recoveryKey || "");
  delete params.recoveryKey; // the caller's params object must not hold it either

  const next = h("input", {
    type: "password", testid: "reset-next", "data-field": "next",
    autocomplete: "new-password", autofocus: true, required: true,
  });
  const confirm = h("input", {
    type: "password", testid: "reset-confirm", "data-field": "confirm", autocomplete: "new-password", required: true,
  });
  const error = errorArea();
  const form = h("form", { class: "card narrow" },
    h("h1", { text: t("reset.title") }),
    h("p", { class: "lead", text: t("reset.lead") }),
    error,
    field(t("reset.next"), next, t("setup.passphraseHint", { n: MIN_PASSPHRASE })),
    field(t("reset.confirm"), confirm),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "reset-submit", text: t("reset.submit") })));

  const forget = () => {
    recoveryKey = "";
    next.value = "";
    confirm.value = "";
  };

  onSubmit(form, async () => {
    const problem = checkPassphrase(next.value, confirm.value, { passphrase: "next", confirm: "confirm" });
    if (problem) return showError(error, problem.key, problem.field);
    try {
      const renewed = await api.resetPassphrase(recoveryKey, next.value, confirm.value);
      forget();
      await ctx.go("recovery", { recoveryKey: renewed.recoveryKey, renewed: true });
    } catch (err) {
      // `locked` (the idle auto-lock fired meanwhile) is handled by the shell, which shows
      // the unlock screen; the others are shown here.
      showError(error, /** @type {ApiError} */ (err));
    }
  });

  return {
    el: screenRoot("reset", form),
    leave: async () => forget(),
  };
}
