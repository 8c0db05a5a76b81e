// 統合: two profiles typed for one student (two nicknames). The other profile's visits,
// appointments, path history and drafts move to this one, and the other profile is deleted.

import * as corrections from "../api-corrections.js";
import { confirmButton } from "../confirm.js";
import { errorArea, field, h, select } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../api-types").Student} Student */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @param {Ctx} ctx @param {Student} keep @param {Student[]} others students of the same campus */
export function mergeSection(ctx, keep, others) {
  const error = errorArea();
  if (others.length === 0) return null;
  /** @type {Array<[string, string]>} */
  const options = [["", t("merge.pick")], ...others.map((s) => /** @type {[string, string]} */ ([String(s.id),
    t("merge.option", { name: s.displayName, n: s.visitCount })]))];
  const picker = select({ testid: "merge-student", "data-field": "mergeAway", id: "merge-student" }, options, "");
  const picked = () => others.find((s) => String(s.id) === picker.value);
  return h("section", { class: "card correction", testid: "merge", "aria-label": t("merge.title") },
    h("h2", { text: t("merge.title") }),
    h("p", { class: "hint", text: t("merge.hint", { keep: keep.displayName }) }),
    error,
    field(t("merge.other"), picker),
    confirmButton({
      label: t("merge.start"), testid: "merge-students", title: t("merge.title"), danger: true, confirmLabel: t("merge.confirm"), error,
      final: t("merge.final"),
      check: () => (picked() ? null : "merge.pickRequired"),
      describe: () => {
        const away = /** @type {Student} */ (picked());
        return [
          t("merge.text", { away: away.displayName, keep: keep.displayName }),
          t("merge.moves", { away: away.displayName, n: away.visitCount, keep: keep.displayName }),
          t("merge.deletes", { away: away.displayName }),
        ];
      },
      run: async () => {
        const away = /** @type {Student} */ (picked());
        await corrections.mergeStudents(keep.id, away.id);
        await ctx.go("student", { studentId: keep.id });
      },
    }));
}
