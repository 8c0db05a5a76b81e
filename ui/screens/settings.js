// 設定: language, auto-lock minutes, passphrase change, and locking.

import * as api from "../api.js";
import { clearErrors, errorArea, field, h, onSubmit, screenRoot, select, showError } from "../dom.js";
import { t } from "../i18n.js";
import { checkPassphrase, MIN_PASSPHRASE } from "./setup.js";

/** @typedef {import("../api.js").ApiError} ApiError */
/** @typedef {import("../api.js").Language} Language */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const root = screenRoot("settings",
    h("header", { class: "screen-head" }, h("h1", { text: t("settings.title") })),
    preferencesForm(ctx),
    passphraseForm(),
    h("section", { class: "card" },
      h("h2", { text: t("settings.lockTitle") }),
      h("p", { class: "muted", text: t("settings.lockText") }),
      h("button", { type: "button", class: "lock-inline", text: t("nav.lock"), onclick: () => ctx.lock() })),
    shortcuts());
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
