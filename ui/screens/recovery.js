// The recovery key, shown exactly once after setup, and after the keys are made anew. It lives only in this screen's DOM:
// nothing else keeps it, and leaving the screen drops the element.

import * as api from "../api.js";
import { h, screenRoot } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  const keyText = h("p", { class: "recovery-key", testid: "recovery-key" }, keyHalves(String(params.recoveryKey || "")));
  delete params.recoveryKey; // the shell's copy of the params must not hold it either
  const renewed = params.renewed === true;
  const next = h("button", {
    type: "button", class: "primary", testid: "recovery-next", disabled: true, text: t("recovery.next"),
    onclick: () => {
      keyText.textContent = "";
      ctx.go("today");
    },
  });
  const check = h("input", {
    type: "checkbox", testid: "recovery-confirm",
    onchange: () => { next.disabled = !check.checked; },
  });
  const card = h("div", { class: "card narrow" },
    h("div", { class: "print-area" },
      h("h1", { text: t("recovery.title") }),
      h("p", { class: "lead", testid: "recovery-lead", text: t(renewed ? "recovery.renewedLead" : "recovery.lead") }),
      keyText,
      h("p", { class: "print-only", text: t("recovery.printNote") })),
    h("p", { class: "warning", text: t("recovery.warning") }),
    h("div", { class: "actions" },
      h("button", { type: "button", text: t("recovery.print"), onclick: () => void api.printPage() })),
    h("label", { class: "check" }, check, h("span", { text: t("recovery.confirm") })),
    h("div", { class: "actions" }, next));
  return { el: screenRoot("recovery", card) };
}

/**
 * The key as two halves of whole groups ("XXXX-XXXX-XXXX-XXXX-" and "XXXX-XXXX-XXXX-XXXX").
 * Each group (with its trailing "-") is a no-wrap inline block and each half an inline block,
 * so the key stays on one line when it fits, else breaks between the halves (two even lines),
 * and only in a very narrow window between groups inside a half. <wbr> marks where a break
 * may fall and adds no text: the element's textContent stays exactly the key as given.
 * @param {string} key
 * @returns {Array<HTMLElement>}
 */
function keyHalves(key) {
  const groups = key.match(/[^-]+-?/g) || [];
  if (groups.length === 0) return [];
  const cut = Math.ceil(groups.length / 2);
  /** @param {string[]} part */
  const half = (part) => h("span", { class: "key-half" },
    part.flatMap((g, i) => [i > 0 ? h("wbr") : null, h("span", { class: "key-group", text: g })]));
  return [half(groups.slice(0, cut)), h("wbr"), half(groups.slice(cut))];
}
