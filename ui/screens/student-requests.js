// この生徒の記録について: a request from the student or their guardian. 開示用に書き出す writes
// everything held about the student to one file in the backup folder; この生徒のデータを削除
// deletes it as the retention purge does, after a confirmation naming what goes and what stays.

import { discloseStudent, eraseStudent } from "../api-requests.js";
import { confirmButton } from "../confirm.js";
import { errorArea, h, showError } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../api-types").Student} Student */
/** @typedef {import("../api-types").IpcError} ApiError */
/** @typedef {import("../main.js").Ctx} Ctx */

/** @param {Ctx} ctx @param {Student} student @param {number} visits */
export function requestSection(ctx, student, visits) {
  const error = errorArea();
  const written = h("p", { class: "success", role: "status", testid: "disclosure-written", hidden: true });
  const disclose = h("button", { type: "button", testid: "student-disclose", text: t("requests.disclose") });
  disclose.addEventListener("click", async () => {
    disclose.disabled = true;
    try {
      const { path } = await discloseStudent(student.id);
      written.textContent = t("requests.written", { path });
      written.hidden = false;
    } catch (err) {
      showError(error, /** @type {ApiError} */ (err));
    } finally {
      disclose.disabled = false;
    }
  });
  return h("section", { class: "card correction", testid: "student-requests" },
    h("h2", { text: t("requests.title") }),
    h("p", { class: "muted", text: t("requests.lead") }),
    error,
    h("div", { class: "actions" }, disclose),
    written,
    confirmButton({
      label: t("requests.erase"), testid: "student-erase", title: t("requests.erase"), danger: true, final: t("requests.eraseFinal"),
      confirmLabel: t("requests.eraseConfirm"), error,
      describe: () => [t("requests.eraseText", { name: student.displayName, n: visits }), t("requests.eraseKeeps")],
      run: async () => {
        await eraseStudent(student.id);
        await ctx.go("student", { studentId: student.id });
      },
    }));
}
