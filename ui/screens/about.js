// このアプリについて: the version, where the data lives, and the licences of everything built
// into the app (ui/licenses.json, written from Cargo.lock by scripts/licenses.mjs).

import * as api from "../api.js";
import { h, screenRoot } from "../dom.js";
import { errorText, t } from "../i18n.js";

/**
 * @typedef {object} LicensedPackage
 * @property {string} name
 * @property {string} version
 * @property {string} license SPDX expression
 * @property {string} repository
 * @property {number[]} notices indexes into `texts`
 * @typedef {{packages: LicensedPackage[], texts: string[]}} Licences
 */

/** @type {import("../main.js").Render} */
export async function render(ctx) {
  const [info, offer] = await Promise.all([api.about(), api.updateOffer()]);
  const root = screenRoot("about",
    h("header", { class: "screen-head" }, h("h1", { text: t("about.title") })),
    offer ? updateSection(ctx, offer) : null,
    h("section", { class: "card" },
      h("h2", { text: t("app.title") }),
      h("dl", { class: "about-facts" },
        h("dt", { text: t("about.version") }),
        h("dd", { testid: "about-version", text: info.version }),
        h("dt", { text: t("about.dataFolder") }),
        h("dd", { testid: "about-data-folder", class: "about-path", text: info.dataFolder })),
      h("p", { class: "muted", text: t("about.dataFolderHint") }),
      h("p", { class: "muted", text: t("about.ownLicence") })),
    await licenceSection());
  return { el: root };
}

/**
 * The update on offer: the versions, headquarters' notes as plain text, and 今すぐ更新 / あとで.
 * @param {import("../main.js").Ctx} ctx
 * @param {import("../api.js").UpdateOffer} offer
 */
function updateSection(ctx, offer) {
  const status = h("p", { role: "status", testid: "update-status", class: "muted" });
  const install = h("button", { type: "button", class: "primary", testid: "update-install", text: t("update.install") });
  const later = h("button", { type: "button", testid: "update-later", text: t("update.later") });
  install.addEventListener("click", async () => {
    install.disabled = later.disabled = true;
    status.className = "muted";
    status.textContent = t("update.installing");
    try {
      await api.installUpdate(); // the app restarts: nothing after this runs when all goes well
    } catch (err) {
      const e = api.toApiError(err);
      // The store was locked just before the installer ran; this version goes on.
      if (e.code === "update_install_failed") return ctx.go("unlock", { reason: "updateFailed" });
      status.className = "form-error";
      status.setAttribute("role", "alert");
      status.textContent = errorText(e);
      install.disabled = later.disabled = false;
    }
  });
  later.addEventListener("click", () => {
    ctx.state.updateLater = true;
    void ctx.go("today");
  });
  return h("section", { class: "card update-offer", testid: "update-offer", "aria-labelledby": "update-title" },
    h("h2", { id: "update-title", text: t("update.title") }),
    h("p", { testid: "update-versions", text: t("update.versions", { current: offer.current, version: offer.version }) }),
    h("h3", { text: t("update.notes") }),
    // Plain text only: headquarters' words are never markup or links here.
    h("p", { class: "update-notes", testid: "update-notes", text: offer.notes || t("update.noNotes") }),
    offer.asksForPassword ? h("p", { class: "muted", text: t("update.password") }) : null,
    h("p", { class: "muted", text: t("update.waits") }),
    status,
    h("div", { class: "actions" }, install, later));
}

async function licenceSection() {
  const section = h("section", { class: "card" }, h("h2", { text: t("about.licencesTitle") }));
  /** @type {Licences} */
  let licences;
  try {
    const res = await fetch("licenses.json");
    licences = await res.json();
  } catch {
    section.append(h("p", { class: "error", text: t("about.licencesMissing") }));
    return section;
  }
  section.append(
    h("p", { class: "muted", testid: "about-licence-count",
      text: t("about.licencesLead", { count: licences.packages.length }) }),
    h("ul", { class: "about-licences" },
      ...licences.packages.map((p) => packageItem(p, licences.texts))));
  return section;
}

/** @param {LicensedPackage} p @param {string[]} texts */
function packageItem(p, texts) {
  const summary = h("summary", {},
    h("span", { class: "about-package", text: `${p.name} ${p.version}` }),
    h("span", { class: "muted", text: ` — ${p.license}` }));
  const body = p.notices.length === 0
    ? [h("p", { class: "muted", text: t("about.noNotice") })]
    : p.notices.map((i) => h("pre", { class: "about-notice", text: texts[i] ?? "" }));
  return h("li", {}, h("details", {}, summary, ...(p.repository ? [h("p", { class: "muted", text: p.repository })] : []), ...body));
}
