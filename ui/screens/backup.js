// バックアップ: the settings section (folder, backup now with progress, the backups there) and
// the calm reminder on Today when the last backup is missing or old.

import * as reports from "../api-reports.js";
import { clearErrors, errorArea, field, h, onSubmit, showError } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api-types").BackupFile} BackupFile */
/** @typedef {import("../api-types").BackupStatus} BackupStatus */
/** @typedef {import("../main.js").Ctx} Ctx */

/** A backup older than this is worth a reminder on Today. */
export const REMIND_AFTER_DAYS = 14;

/** "1.2 MB", "340 KB". @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024 * 1024) return t("backup.sizeKB", { n: Math.max(1, Math.round(bytes / 1024)) });
  return t("backup.sizeMB", { n: (bytes / (1024 * 1024)).toFixed(1) });
}

/**
 * When a backup was written, read from its name (`career-salon-YYYYMMDD-HHMMSS…`, Tokyo time),
 * shown like every other time; the bare name when it does not follow that pattern.
 * @param {string} name
 */
export function backupWhen(name) {
  const m = /(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}/.exec(name);
  if (!m) return name;
  const month = Number(m[2]);
  return t("format.dateTime", { y: Number(m[1]), m: month, d: Number(m[3]), mon: t(`month.${month}`), hh: m[4], mm: m[5] });
}

/**
 * The settings section. Its content is loaded when it is built; a failure shows in the section.
 * @returns {Promise<HTMLElement>}
 */
export async function backupSection() {
  const card = h("section", { class: "card backup", testid: "settings-backup" },
    h("h2", { text: t("backup.title") }),
    h("p", { class: "muted", text: t("backup.lead") }));
  const folder = h("input", {
    type: "text", class: "mono", testid: "backup-folder", "data-field": "folder",
    autocomplete: "off", spellcheck: "false", maxlength: 1000,
  });
  const folderError = errorArea();
  const folderDone = h("span", { class: "success", role: "status" });
  // The OS's picker fills the field and saves at once: choosing a folder is the whole task.
  const pick = h("button", { type: "button", class: "primary", testid: "backup-folder-pick", text: t("backup.folderPick") });
  const folderForm = h("form", { class: "backup-folder-form" },
    folderError,
    field(t("backup.folder"), folder, t("backup.folderHint")),
    h("div", { class: "actions" },
      pick,
      h("button", { type: "submit", testid: "backup-folder-save", text: t("backup.folderSave") }), folderDone));
  pick.addEventListener("click", async () => {
    try {
      const chosen = await reports.pickBackupFolder(t("backup.folderPickTitle"));
      if (chosen === null) return;
      folder.value = chosen;
      folderForm.requestSubmit();
    } catch (err) {
      showError(folderError, /** @type {ApiError} */ (err));
    }
  });

  const last = h("dd", { testid: "backup-last" });
  const runError = errorArea();
  const now = h("button", { type: "button", class: "primary", testid: "backup-now", text: t("backup.now") });
  const progress = h("progress", { class: "backup-progress", testid: "backup-progress", max: 1, value: 0, hidden: true });
  const result = h("p", { class: "success", role: "status", testid: "backup-result", hidden: true });
  const files = h("div", { class: "backup-files" });

  /** @param {BackupStatus} status */
  const show = (status) => {
    folder.value = status.folder;
    last.textContent = status.lastBackupAt ? formatDateTime(status.lastBackupAt) : t("backup.never");
    files.replaceChildren(
      h("h3", { text: t("backup.filesTitle") }),
      status.files.length === 0
        ? h("p", { class: "muted", testid: "backup-files-none", text: t("backup.filesNone") })
        : h("ul", { class: "backup-list" }, status.files.map(fileRow)));
  };
  const reload = async () => show(await reports.backupStatus());

  onSubmit(folderForm, async () => {
    clearErrors();
    folderDone.textContent = "";
    try {
      await reports.setBackupFolder(folder.value.trim());
      await reload();
      folderDone.textContent = t("backup.folderSaved");
    } catch (raw) {
      const err = /** @type {ApiError} */ (raw);
      // The generic "invalid choice" text says little about a folder: say what is expected.
      if (err.code === "invalid_choice") return showError(folderError, "backup.folderInvalid", "folder");
      showError(folderError, err);
    }
  });

  now.addEventListener("click", async () => {
    if (now.disabled) return;
    now.disabled = true;
    clearErrors();
    result.hidden = true;
    progress.value = 0;
    progress.removeAttribute("value"); // indeterminate until the first report
    progress.hidden = false;
    /** @type {TauriUnlisten | null} */
    let unlisten = null;
    try {
      unlisten = await reports.listenBackupProgress(({ done, total }) => {
        if (total > 0) {
          progress.max = total;
          progress.value = Math.min(done, total);
        }
      });
    } catch (err) {
      console.warn("backup progress unavailable", err); // the backup itself still runs
    }
    try {
      const file = await reports.writeBackup();
      progress.hidden = true;
      // The folder the file went to (the field may hold a change not saved yet).
      const where = file.path.slice(0, file.path.length - file.name.length).replace(/[\\/]$/, "");
      result.textContent = t("backup.done", { folder: where, name: file.name, size: formatBytes(file.bytes) });
      result.hidden = false;
      await reload().catch((err) => console.warn("backup_status failed", err));
    } catch (raw) {
      progress.hidden = true;
      const err = /** @type {ApiError} */ (raw);
      // A folder that cannot be written is shown beside the folder field it is about.
      showError(err.code === "backup_folder" ? folderError : runError, err);
    } finally {
      if (unlisten) unlisten();
      now.disabled = false;
    }
  });

  try {
    await reload();
  } catch (err) {
    card.append(runError);
    showError(runError, /** @type {ApiError} */ (err));
    return card;
  }
  // Where it goes comes first: a first backup made before choosing the USB stick would stay
  // on this laptop.
  card.append(
    folderForm,
    h("dl", { class: "backup-status" },
      h("div", {}, h("dt", { text: t("backup.last") }), last)),
    runError,
    h("div", { class: "actions" }, now, progress),
    result,
    files);
  return card;
}

/** @param {BackupFile} file */
function fileRow(file) {
  return h("li", { class: "backup-file", testid: "backup-file", title: file.path },
    h("span", { class: "backup-when", text: backupWhen(file.name) }),
    h("span", { class: "mono backup-name", text: file.name }),
    h("span", { class: "muted backup-size", text: formatBytes(file.bytes) }));
}

/**
 * Today's reminder: shown when no backup was written yet, or the last is older than 14 days.
 * @param {Ctx} ctx @param {string|null|undefined} at when the last backup was written
 * @returns {HTMLElement|null}
 */
export function backupReminder(ctx, at) {
  const ms = at ? Date.parse(at) : NaN;
  const stale = Number.isNaN(ms) || Date.now() - ms > REMIND_AFTER_DAYS * 24 * 3600 * 1000;
  if (!stale) return null;
  return h("div", { class: "notice backup-reminder", testid: "backup-reminder", role: "note" },
    h("span", { text: at ? t("backup.reminderOld", { date: formatDateTime(at) }) : t("backup.reminderNever") }),
    h("button", { type: "button", testid: "backup-reminder-go", text: t("backup.reminderGo"), onclick: () => ctx.go("settings") }));
}
