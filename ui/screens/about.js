// このアプリについて: the version, where the data lives, and the licences of everything built
// into the app (ui/licenses.json, written from Cargo.lock by scripts/licenses.mjs).

import * as api from "../api.js";
import { h, screenRoot } from "../dom.js";
import { t } from "../i18n.js";

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
export async function render() {
  const info = await api.about();
  const root = screenRoot("about",
    h("header", { class: "screen-head" }, h("h1", { text: t("about.title") })),
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
