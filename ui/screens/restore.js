// バックアップから復元: on a new installation (before setup), open a backup with its passphrase
// or the recovery key. The store is then open and the app starts on Today.

import * as reports from "../api-reports.js";
import { clearErrors, errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { t } from "../i18n.js";
import { backupWhen, formatBytes } from "./backup.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").BackupStatus} BackupStatus */

/** The field each refusal is about, when the backend names none. */
/** @type {Record<string, string>} */
const FIELD_OF = {
  backup_damaged: "path",
  storage: "path",
  wrong_passphrase: "passphrase",
  wrong_recovery_key: "recoveryKey",
};

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  /** @type {BackupStatus | null} */
  let status = null;
  try {
    status = await reports.backupStatus();
  } catch (err) {
    console.warn("backup_status failed", err); // a path can still be typed
  }
  const files = status ? status.files : [];

  const path = h("input", {
    type: "text", class: "mono", testid: "restore-path", "data-field": "path",
    autocomplete: "off", spellcheck: "false", maxlength: 1000, placeholder: t("restore.pathPlaceholder"),
  });
  const pick = h("button", { type: "button", testid: "restore-pick", text: t("restore.pick") });
  const pathField = field(t("restore.path"), path, t("restore.pathHint"));
  pathField.append(h("div", { class: "actions" }, pick));
  /** @type {HTMLSelectElement | null} */
  let fileSelect = null;
  if (files.length > 0) {
    fileSelect = select({ testid: "restore-file", "data-field": "file" },
      [...files.map((f) => /** @type {[string, string]} */ ([f.path, t("restore.fileOption", { when: backupWhen(f.name), size: formatBytes(f.bytes) })])),
        ["", t("restore.otherFile")]],
      files[0].path);
    const chosen = fileSelect;
    pathField.hidden = true;
    chosen.addEventListener("change", () => {
      pathField.hidden = chosen.value !== "";
      if (!pathField.hidden) path.focus();
    });
  }

  pick.addEventListener("click", async () => {
    try {
      const chosen = await reports.pickBackupFile(t("restore.pickTitle"), t("restore.pickFilter"));
      if (chosen === null) return;
      path.value = chosen;
      path.dispatchEvent(new Event("input", { bubbles: true }));
      form.querySelector("[data-testid=restore-none]")?.remove();
      passphrase.focus();
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });

  const passphrase = h("input", { type: "password", testid: "restore-passphrase", "data-field": "passphrase", autocomplete: "off" });
  const recoveryKey = h("input", {
    type: "text", class: "mono", testid: "restore-recovery-key", "data-field": "recoveryKey",
    autocomplete: "off", spellcheck: "false", autocapitalize: "characters",
  });
  const passField = field(t("restore.passphrase"), passphrase, t("restore.passphraseHint"));
  const keyField = field(t("restore.recoveryKey"), recoveryKey, t("restore.recoveryKeyHint"));
  keyField.hidden = true;
  let useRecovery = false;
  const toggle = h("button", { type: "button", class: "link", testid: "restore-use-recovery", text: t("restore.useRecovery") });
  toggle.addEventListener("click", () => {
    useRecovery = !useRecovery;
    passField.hidden = useRecovery;
    keyField.hidden = !useRecovery;
    toggle.textContent = useRecovery ? t("restore.usePassphrase") : t("restore.useRecovery");
    (useRecovery ? recoveryKey : passphrase).focus();
  });

  const error = errorArea();
  const progress = h("span", { class: "muted", "aria-live": "polite" });
  const form = h("form", { class: "card narrow" },
    h("h1", { text: t("restore.title") }),
    h("p", { class: "lead", text: t("restore.lead") }),
    error,
    fileSelect ? field(t("restore.file"), fileSelect) : h("p", { class: "notice", testid: "restore-none", text: t("restore.noneFound", { folder: status ? status.folder : "" }) }),
    pathField,
    passField,
    keyField,
    h("div", { class: "actions" }, toggle),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "restore-submit", text: t("restore.submit") }),
      h("button", { type: "button", testid: "restore-back", text: t("restore.back"), onclick: () => ctx.go("setup") }),
      progress));

  onSubmit(form, async () => {
    clearErrors();
    const chosen = fileSelect && fileSelect.value ? fileSelect.value : path.value.trim();
    if (!chosen) return showError(error, "errors.required", "path");
    const secretInput = useRecovery ? recoveryKey : passphrase;
    const secretValue = useRecovery ? recoveryKey.value.trim() : passphrase.value;
    if (!secretValue) return showError(error, "errors.required", useRecovery ? "recoveryKey" : "passphrase");
    progress.textContent = t("restore.restoring");
    try {
      await reports.restoreBackup(chosen, useRecovery ? { recoveryKey: secretValue } : { passphrase: secretValue });
    } catch (raw) {
      progress.textContent = "";
      const err = /** @type {ApiError} */ (raw);
      if (err.code === "wrong_passphrase" || err.code === "wrong_recovery_key") secretInput.value = "";
      const named = err.field || FIELD_OF[err.code];
      // The path is picked from the list: mark the list rather than the hidden field.
      const fieldName = named === "path" && fileSelect && fileSelect.value ? "file" : named;
      showError(error, fieldName ? { ...err, field: fieldName } : err);
      if (err.code === "already_initialized") await ctx.go("unlock");
      return;
    }
    passphrase.value = "";
    recoveryKey.value = "";
    await ctx.go("today");
  });
  return { el: screenRoot("restore", form) };
}
