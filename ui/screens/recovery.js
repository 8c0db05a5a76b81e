// The recovery key, shown exactly once after setup. It lives only in this screen's DOM:
// nothing else keeps it, and leaving the screen drops the element.

import { h, screenRoot } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../main.js").Render} */
export async function render(ctx, params) {
  // Each group (with its trailing "-") is a no-wrap span, so lines break only between groups
  // while the element's text stays exactly the key as given.
  const groups = String(params.recoveryKey || "").match(/[^-]+-?/g) || [];
  const keyText = h("p", { class: "recovery-key", testid: "recovery-key" },
    groups.map((g) => h("span", { class: "key-group", text: g })));
  delete params.recoveryKey; // the shell's copy of the params must not hold it either
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
      h("p", { class: "lead", text: t("recovery.lead") }),
      keyText,
      h("p", { class: "print-only", text: t("recovery.printNote") })),
    h("p", { class: "warning", text: t("recovery.warning") }),
    h("div", { class: "actions" },
      h("button", { type: "button", text: t("recovery.print"), onclick: () => window.print() })),
    h("label", { class: "check" }, check, h("span", { text: t("recovery.confirm") })),
    h("div", { class: "actions" }, next));
  return { el: screenRoot("recovery", card) };
}
