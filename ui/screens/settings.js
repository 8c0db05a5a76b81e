// 設定: language, auto-lock minutes, passphrase change, the link to headquarters (事務局), backups,
// locking, and the way to このアプリについて.

import * as api from "../api.js";
import { clearErrors, errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { checkPassphrase, MIN_PASSPHRASE } from "./setup.js";
import { backupSection } from "./backup.js";
import { retentionSection } from "./retention.js";

/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../api.js").Language} Language */
/** @typedef {import("../api-types").HqStatus} HqStatus */
/** @typedef {import("../api-types").Campus} Campus */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const [hq, campuses, backup, retention] = await Promise.all([
    api.hqStatus(), api.listCampuses(), backupSection(), retentionSection(),
  ]);
  const root = screenRoot("settings",
    h("header", { class: "screen-head" }, h("h1", { text: t("settings.title") })),
    preferencesForm(ctx),
    passphraseForm(),
    keysForm(ctx),
    hqSection(ctx, hq, campuses, params.enrolled === true),
    backup,
    h("section", { class: "card", testid: "settings-handover" },
      h("h2", { text: t("settings.handoverTitle") }),
      h("p", { class: "muted", text: t("settings.handoverHint") }),
      h("button", { type: "button", testid: "settings-handover-open", text: t("settings.handoverOpen"), onclick: () => ctx.go("handover") })),
    retention,
    h("section", { class: "card" },
      h("h2", { text: t("settings.lockTitle") }),
      h("p", { class: "muted", text: t("settings.lockText") }),
      h("button", { type: "button", class: "lock-inline", text: t("nav.lock"), onclick: () => ctx.lock() })),
    h("section", { class: "card" },
      h("h2", { text: t("about.open") }),
      h("p", { class: "muted", text: t("about.openHint") }),
      h("button", { type: "button", testid: "settings-about", text: t("about.open"), onclick: () => ctx.go("about") })),
    shortcuts());
  // Opened from a first-run step: that section in view, its first field ready.
  const section = { hq: "settings-hq", backup: "settings-backup" }[String(params.section)];
  if (section) {
    requestAnimationFrame(() => {
      const card = root.querySelector(`[data-testid=${section}]`);
      if (!(card instanceof HTMLElement)) return;
      card.scrollIntoView({ block: "start" });
      const first = card.querySelector("input, button");
      if (first instanceof HTMLElement) first.focus({ preventScroll: true });
    });
  }
  return { el: root };
}

/** @param {Ctx} ctx */
function preferencesForm(ctx) {
  const language = select({ testid: "settings-language", "data-field": "language" },
    [["ja", t("settings.ja")], ["en", t("settings.en")]], ctx.prefs.language);
  const idle = h("input", {
    type: "number", testid: "settings-idle", "data-field": "idleMinutes", min: 1, max: 120, step: 1,
    value: String(ctx.prefs.idleMinutes),
  });
  const error = errorArea();
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const form = h("form", { class: "card" },
    h("h2", { text: t("settings.prefsTitle") }),
    error,
    h("div", { class: "row" },
      field(t("settings.language"), language),
      field(t("settings.idle"), idle, t("settings.idleHint"))),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "settings-save", text: t("common.save") }), status));

  /** @param {Language} lang */
  const save = async (lang) => {
    const minutes = idle.value.trim() === "" ? NaN : Number(idle.value);
    if (!Number.isSafeInteger(minutes)) return showError(error, "errors.out_of_range", "idleMinutes");
    try {
      const prefs = await api.setPreferences({ language: lang, idleMinutes: minutes });
      await ctx.applyPrefs(prefs); // redraws this screen in the new language
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  };
  // The language switches as soon as it is picked, keeping the idle value that is saved.
  language.addEventListener("change", () => {
    idle.value = String(ctx.prefs.idleMinutes);
    save(/** @type {Language} */ (language.value));
  });
  onSubmit(form, () => save(/** @type {Language} */ (language.value)));
  return form;
}

/** 鍵を作り直す: proven by the passphrase; the new recovery key is shown next, once. @param {Ctx} ctx */
function keysForm(ctx) {
  const passphrase = h("input", { type: "password", testid: "keys-passphrase", "data-field": "passphrase", autocomplete: "current-password" });
  const error = errorArea();
  const form = h("form", { class: "card", testid: "settings-keys" },
    h("h2", { text: t("settings.keysTitle") }),
    h("p", { class: "muted", text: t("settings.keysLead") }),
    h("p", { class: "muted", text: t("settings.keysBackups") }),
    error,
    field(t("settings.keysPassphrase"), passphrase),
    h("div", { class: "actions" },
      h("button", { type: "submit", testid: "keys-renew", text: t("settings.keysSubmit") })));
  onSubmit(form, async () => {
    try {
      const { recoveryKey } = await api.renewKeys(passphrase.value);
      passphrase.value = "";
      await ctx.go("recovery", { recoveryKey, renewed: true });
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}

function passphraseForm() {
  const input = (/** @type {string} */ testid, /** @type {string} */ name, /** @type {string} */ autocomplete) =>
    h("input", { type: "password", testid, "data-field": name, autocomplete });
  const current = input("passphrase-current", "current", "current-password");
  const next = input("passphrase-next", "next", "new-password");
  const confirm = input("passphrase-confirm", "confirm", "new-password");
  const error = errorArea();
  const done = h("p", { class: "success", role: "status" });
  const form = h("form", { class: "card" },
    h("h2", { text: t("settings.passphraseTitle") }),
    error,
    field(t("settings.current"), current),
    h("div", { class: "row" },
      field(t("settings.next"), next, t("setup.passphraseHint", { n: MIN_PASSPHRASE })),
      field(t("settings.confirm"), confirm)),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", testid: "passphrase-save", text: t("settings.passphraseSave") }), done));
  onSubmit(form, async () => {
    done.textContent = "";
    const problem = checkPassphrase(next.value, confirm.value, { passphrase: "next", confirm: "confirm" });
    if (problem) return showError(error, problem.key, problem.field);
    try {
      await api.changePassphrase(current.value, next.value, confirm.value);
      for (const el of [current, next, confirm]) el.value = "";
      clearErrors();
      done.textContent = t("settings.passphraseChanged");
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    }
  });
  return form;
}

/**
 * 事務局との連携: the enrolment form, or where this laptop reports and which campuses count.
 * @param {Ctx} ctx @param {HqStatus} hq @param {Campus[]} campuses @param {boolean} justEnrolled
 */
function hqSection(ctx, hq, campuses, justEnrolled) {
  const card = h("section", { class: "card", testid: "settings-hq" },
    h("h2", { text: t("settings.hqTitle") }),
    h("p", { class: "muted", text: t("settings.hqLead") }));
  if (!hq.enrolled) {
    card.append(enrolForm(ctx, { url: "settings-hq-url", code: "settings-hq-code", submit: "settings-enrol" }, t("settings.enrol")));
    return card;
  }
  const allowed = hq.campuses;
  if (justEnrolled) card.append(h("p", { class: "success", role: "status", testid: "settings-enrolled", text: t("settings.enrolled") }));
  const allReported = campuses.length > 0 && campuses.every((c) => c.hqCode !== null && allowed.includes(c.hqCode));
  card.append(
    h("dl", { class: "hq-status", testid: "hq-status" },
      h("div", {}, h("dt", { text: t("settings.hqAddress") }), h("dd", { class: "mono", text: hq.hqUrl || "" })),
      h("div", {}, h("dt", { text: t("settings.hqEnrolledAt") }), h("dd", { text: formatDateTime(hq.enrolledAt) })),
      h("div", {}, h("dt", { text: t("settings.hqCampuses") }),
        h("dd", {}, allowed.length === 0
          ? h("span", { class: "muted", text: t("settings.hqCampusesNone") })
          : allowed.map((code) => h("span", { class: "tag mono", text: code }))))));
  // Said only while a campus's counts would not reach headquarters.
  if (!allReported) {
    card.append(h("div", { class: "notice", testid: "settings-hq-mapping" },
      h("span", { text: t("settings.hqMapping") }),
      h("button", { type: "button", testid: "settings-to-campuses", text: t("settings.toCampuses"), onclick: () => ctx.go("campuses") })));
  }
  card.append(
    campuses.length === 0
      ? h("p", { class: "muted", text: t("settings.hqNoLocalCampus") })
      : h("ul", { class: "hq-campuses" }, campuses.map((c) => campusLine(c, allowed))),
    h("details", { class: "reenrol" },
      h("summary", { text: t("settings.reenrolTitle") }),
      enrolForm(ctx, { url: "settings-reenrol-url", code: "settings-reenrol-code", submit: "settings-reenrol" }, t("settings.reenrol"))));
  return card;
}

/**
 * One local campus: reported under its HQ code, or why not.
 * @param {Campus} campus @param {string[]} allowed
 */
function campusLine(campus, allowed) {
  const code = campus.hqCode;
  const reported = code !== null && allowed.includes(code);
  let why = "";
  if (!code) why = t("settings.hqNoCode");
  else if (!reported) why = allowed.includes(code.toUpperCase()) ? t("settings.hqLowercase", { code }) : t("settings.hqNotAllowed", { code });
  return h("li", { class: "hq-campus", testid: "hq-campus-row", "data-reported": reported ? "true" : "false" },
    h("span", { class: reported ? "badge reported" : "badge not-reported", text: reported ? t("settings.hqReported") : t("settings.hqNotReported") }),
    h("span", { class: "row-title", text: campus.name }),
    reported ? h("span", { class: "mono", text: code }) : h("span", { class: "muted", text: why }));
}

/**
 * The one-time code as headquarters printed it: 10 of A–Z and 2–9; case, spaces and hyphens
 * do not matter. Full-width letters typed with the IME on are folded to ASCII first.
 * @param {string} raw
 * @returns {string|null} the code to send, or null when it cannot be one
 */
export function normaliseEnrolmentCode(raw) {
  const folded = raw.normalize("NFKC").trim();
  const bare = folded.replace(/[\s\-\u2010-\u2015\u2212\u30fc]/g, "").toUpperCase();
  return /^[A-Z2-9]{10}$/.test(bare) ? bare : null;
}

/**
 * The enrolment form (first enrolment, or enrolling again after headquarters revoked the laptop).
 * @param {Ctx} ctx
 * @param {{url: string, code: string, submit: string}} ids data-testid of the controls
 * @param {string} submitText
 */
function enrolForm(ctx, ids, submitText) {
  const url = h("input", {
    type: "text", class: "mono", testid: ids.url, "data-field": "hqUrl", inputmode: "url",
    placeholder: t("settings.hqUrlPlaceholder"), autocomplete: "off", spellcheck: "false", autocapitalize: "off", maxlength: 300,
  });
  const code = h("input", {
    type: "text", class: "mono", testid: ids.code, "data-field": "code", autocomplete: "off",
    spellcheck: "false", autocapitalize: "characters", maxlength: 30,
  });
  const error = errorArea();
  const submit = h("button", { type: "submit", class: "primary", testid: ids.submit, text: submitText });
  const progress = h("span", { class: "muted", "aria-live": "polite" });
  const form = h("form", { class: "hq-form" },
    error,
    field(t("settings.hqUrl"), url, t("settings.hqUrlHint")),
    field(t("settings.hqCode"), code, t("settings.hqCodeHint")),
    h("div", { class: "actions" }, submit, progress));
  onSubmit(form, async () => {
    clearErrors();
    const address = url.value.trim();
    if (!address) return showError(error, "errors.required", "hqUrl");
    if (!code.value.trim()) return showError(error, "errors.required", "code");
    const normalised = normaliseEnrolmentCode(code.value);
    if (!normalised) return showError(error, "settings.hqCodeFormat", "code");
    progress.textContent = t("settings.enrolling");
    try {
      await api.enrol(address, normalised);
    } catch (raw) {
      progress.textContent = "";
      const err = /** @type {ApiError} */ (raw);
      // While enrolling, "offline" is not the calm background case: nothing was set up yet.
      if (err.code === "hq_unreachable") return showError(error, "settings.enrolUnreachable", "hqUrl");
      if (err.code === "invalid_choice" && err.field === "code") return showError(error, "settings.hqCodeFormat", "code");
      if (err.code === "enrolment_code_invalid" && !err.field) return showError(error, { ...err, field: "code" });
      return showError(error, err);
    }
    await ctx.go("settings", { enrolled: true });
  });
  return form;
}

function shortcuts() {
  /** @type {Array<[string, string]>} */
  const rows = [
    [t("shortcuts.newVisitKeys"), t("shortcuts.newVisit")],
    [t("shortcuts.saveKeys"), t("shortcuts.save")],
    [t("shortcuts.searchKeys"), t("shortcuts.search")],
    [t("shortcuts.lockKeys"), t("shortcuts.lock")],
  ];
  return h("section", { class: "card" },
    h("h2", { text: t("shortcuts.title") }),
    h("dl", { class: "shortcuts" }, rows.map(([keys, what]) => h("div", {}, h("dt", {}, h("kbd", { text: keys })), h("dd", { text: what })))));
}
