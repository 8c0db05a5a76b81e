// 初回設定: choose the passphrase that encrypts the store, then show the recovery key once.

import * as api from "../api.js";
import { errorArea, field, h, onSubmit, screenRoot, showError } from "../dom.js";
import { t } from "../i18n.js";

/** Minimum passphrase length in code points (Japanese characters count as one each). */
export const MIN_PASSPHRASE = 8;

/**
 * Client-side passphrase checks; the backend repeats them and is authoritative.
 * @param {string} passphrase
 * @param {string} confirm
 * @param {{passphrase: string, confirm: string}} fields the field names to mark
 * @returns {{key: string, field: string} | null}
 */
export function checkPassphrase(passphrase, confirm, fields) {
  if ([...passphrase].length < MIN_PASSPHRASE) return { key: "errors.passphrase_too_short", field: fields.passphrase };
  if (passphrase !== confirm) return { key: "errors.passphrase_mismatch", field: fields.confirm };
  return null;
}

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const passphrase = h("input", {
    type: "password", testid: "setup-passphrase", "data-field": "passphrase",
    autocomplete: "new-password", autofocus: true, required: true,
  });
  const confirm = h("input", {
    type: "password", testid: "setup-confirm", "data-field": "confirm", autocomplete: "new-password", required: true,
  });
  const error = errorArea();
  const form = h("form", { class: "card narrow" },
    h("h1", { text: t("setup.title") }),
    h("p", { class: "lead", text: t("setup.lead1") }),
    h("p", { class: "lead", text: t("setup.lead2") }),
    error,
    field(t("setup.passphrase"), passphrase, t("setup.passphraseHint", { n: MIN_PASSPHRASE })),
    field(t("setup.confirm"), confirm),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "setup-submit", text: t("setup.submit") })),
    h("p", { class: "setup-restore" },
      h("span", { class: "muted", text: t("restore.fromSetup") }),
      h("button", { type: "button", class: "link", testid: "setup-restore", text: t("restore.link"), onclick: () => ctx.go("restore") })));

  onSubmit(form, async () => {
    const problem = checkPassphrase(passphrase.value, confirm.value, { passphrase: "passphrase", confirm: "confirm" });
    if (problem) return showError(error, problem.key, problem.field);
    try {
      const { recoveryKey } = await api.setup(passphrase.value, confirm.value);
      passphrase.value = "";
      confirm.value = "";
      await ctx.go("recovery", { recoveryKey });
    } catch (err) {
      showError(error, /** @type {import("../api-types").IpcError} */ (err));
    }
  });
  return { el: screenRoot("setup", form) };
}
