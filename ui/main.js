// The shell: decides the first screen from app_status, draws the navigation, routes between
// screens, and owns locking (manual, Ctrl+L, and the backend's idle auto-lock).

import * as api from "./api.js";
import { h, isTyping, clear } from "./dom.js";
import { errorText, loadLanguage, t } from "./i18n.js";
import * as setup from "./screens/setup.js";
import * as recovery from "./screens/recovery.js";
import * as unlock from "./screens/unlock.js";
import * as reset from "./screens/reset.js";
import * as today from "./screens/today.js";
import * as visit from "./screens/visit.js";
import * as campuses from "./screens/campuses.js";
import * as students from "./screens/students.js";
import * as student from "./screens/student.js";
import * as settings from "./screens/settings.js";
import * as handover from "./screens/handover.js";
import * as handoverApi from "./api-handover.js";
import * as sync from "./screens/sync.js";
import * as care from "./screens/care.js";
import * as events from "./screens/events.js";
import * as reports from "./screens/reports.js";
import * as restore from "./screens/restore.js";
import * as search from "./screens/search.js";
import * as salons from "./screens/salons.js";
import * as salon from "./screens/salon.js";
import * as about from "./screens/about.js";

/** @typedef {import("./api.js").ShownPrefs} ShownPrefs */

/**
 * What a screen hands back to the shell.
 * @typedef {object} View
 * @property {HTMLElement} el the screen root (data-testid="screen")
 * @property {() => Promise<void>} [leave] called before the screen goes away (flush drafts here)
 * @property {() => Promise<void>} [flush] saves unsaved work while the screen stays (window hidden
 *   or closing); unlike `leave`, it must not drop anything the screen still needs
 * @property {(event: KeyboardEvent) => boolean} [onKey] screen shortcuts; true = handled
 * @property {() => Promise<void>} [refresh] reloads what the backend changed in the background
 *   (`salon://synced`); never throws
 */

/**
 * What the shell lends to every screen.
 * @typedef {object} Ctx
 * @property {(name: ScreenName, params?: Record<string, unknown>) => Promise<void>} go
 * @property {() => Promise<void>} lock
 * @property {ShownPrefs} prefs
 * @property {(prefs: ShownPrefs) => Promise<void>} applyPrefs reloads the catalogue and redraws
 * @property {{campusId: number|null, updateLater: boolean}} state non-sensitive UI memory (the
 *   campus picked on Today; あとで pressed on the update on offer)
 */

/** @typedef {"setup"|"recovery"|"unlock"|"reset"|"today"|"visit"|"campuses"|"students"|"student"|"settings"|"sync"|"search"|"reports"|"restore"|"care"|"events"|"salons"|"salon"|"about"|"handover"} ScreenName */
/** @typedef {(ctx: Ctx, params: Record<string, unknown>) => Promise<View>} Render */

/** @type {Record<ScreenName, {render: Render}>} */
const SCREENS = { setup, recovery, unlock, reset, today, visit, campuses, students, student, settings, sync, search, reports, restore, care, events, salons, salon, about, handover };

/** Screens before the app proper (locked, not set up, or a step right after that): no navigation there. */
const OUTSIDE = new Set(["setup", "recovery", "unlock", "reset", "restore"]);

/**
 * Outside screens whose store is already open: the idle auto-lock still applies there
 * (typing keeps it alive, and when it fires the unlock screen takes over), and so do
 * Ctrl+L and a `locked` error.
 */
const OPEN_OUTSIDE = new Set(["recovery", "reset"]);

/** @param {ScreenName|null} name @returns {boolean} true when the store is open on that screen */
const storeOpenOn = (name) => name !== null && (!OUTSIDE.has(name) || OPEN_OUTSIDE.has(name));

/** Screens whose params carry the recovery key: the shell never keeps them. */
const SECRET_PARAMS = new Set(["recovery", "reset"]);

/** Screens reached from another, highlighted as it in the navigation. @type {Partial<Record<ScreenName, ScreenName>>} */
const NAV_PARENT = { visit: "today", student: "students", salon: "salons", handover: "settings" };

const NAV = /** @type {const} */ ([
  ["today", "nav.today"],
  ["salons", "nav.salons"],
  ["care", "nav.care"],
  ["students", "nav.students"],
  ["search", "nav.search"],
  ["campuses", "nav.campuses"],
  ["events", "nav.events"],
  ["sync", "nav.sync"],
  ["reports", "nav.reports"],
  ["settings", "nav.settings"],
]);

/**
 * `target` is the screen the latest navigation is heading for (it equals `name` once drawn).
 * `changed` counts the backend's background changes (a send, a relay pass): a screen whose
 * data was read before one came reloads it once it is drawn.
 * @type {{name: ScreenName|null, target: ScreenName|null, params: Record<string, unknown>, view: View|null, seq: number, changed: number}}
 */
const current = { name: null, target: null, params: {}, view: null, seq: 0, changed: 0 };

/** @type {Ctx} */
const ctx = {
  go,
  lock: lockNow,
  prefs: { language: "ja", idleMinutes: 10 },
  applyPrefs,
  state: { campusId: null, updateLater: false },
};

const shell = h("div", { class: "shell" });
const nav = h("nav", { class: "nav", "aria-label": "main" });
const main = h("main", { class: "content", id: "content" });

/**
 * The app update headquarters offers (found after a sync), shown under the navigation until
 * あとで; asked for again after each unlock.
 * @type {{offer: import("./api.js").UpdateOffer|null, asked: boolean}}
 */
const update = { offer: null, asked: false };

/** The latest screen's `leave` (its draft flush), awaited by the close path too. */
let leaving = Promise.resolve();

/** Lets the current screen flush its state (a visit draft) before it is replaced. */
async function leaveCurrent() {
  const view = current.view;
  current.view = null;
  if (view && view.leave) {
    const left = view.leave();
    leaving = left.catch(() => {});
    try {
      await left;
    } catch (err) {
      // A failed flush (e.g. `locked`) must not block leaving; drafts are saved continuously.
      console.warn("leave failed", err);
    }
  }
}

/**
 * @param {ScreenName} name
 * @param {Record<string, unknown>} [params]
 */
async function go(name, params = {}) {
  const seq = ++current.seq;
  const changed = current.changed;
  current.target = name;
  // Until the new screen is drawn, the one shown is on its way out (assistive technology and
  // the end-to-end tests wait for this to clear).
  main.setAttribute("aria-busy", "true");
  await leaveCurrent();
  let view;
  try {
    view = await SCREENS[name].render(ctx, params);
  } catch (err) {
    if (seq !== current.seq) return;
    // Whatever else is going on, a locked store means the unlock screen, never an error page.
    if (name !== "unlock" && api.toApiError(err).code === "locked") return go("unlock", { reason: "idle" });
    view = failedView(name, err);
  }
  if (seq !== current.seq) return; // a later navigation won the race
  // The recovery key must not outlive its screen, so its params are never kept.
  current.name = name;
  current.params = SECRET_PARAMS.has(name) ? {} : params;
  current.view = view;
  drawNav();
  if (!storeOpenOn(name)) update.asked = false;
  else if (!update.asked) {
    update.asked = true;
    api.updateOffer().then((offer) => showUpdate(offer)).catch(() => {});
  }
  main.replaceChildren(view.el);
  main.removeAttribute("aria-busy");
  main.scrollTop = 0;
  focusFirst(view.el);
  if (current.changed !== changed && view.refresh) void view.refresh();
}

/**
 * A screen whose data could not be loaded still shows where the user is and why.
 * @param {ScreenName|"error"} name
 * @param {unknown} err
 * @returns {View}
 */
function failedView(name, err) {
  console.error(err);
  const area = h("p", { class: "form-error", role: "alert", testid: "form-error", text: errorText(api.toApiError(err)) });
  const el = h("section", { class: "screen", testid: "screen", "data-screen": name },
    h("h1", { text: t(`screen.${name}`) }), area);
  return { el };
}

/** @param {HTMLElement} root */
function focusFirst(root) {
  const target = root.querySelector("[autofocus]");
  if (target instanceof HTMLElement) target.focus();
}

function drawNav() {
  const outside = current.name === null || OUTSIDE.has(current.name);
  shell.classList.toggle("outside", outside);
  nav.hidden = outside;
  if (outside) return clear(nav);
  const active = (current.name && NAV_PARENT[current.name]) || current.name;
  nav.replaceChildren(
    h("div", { class: "brand", text: t("app.title") }),
    h("ul", { class: "nav-list" }, NAV.map(([name, key]) => h("li", {},
      h("button", {
        type: "button",
        class: "nav-item",
        testid: `nav-${name}`,
        "aria-current": active === name ? "page" : null,
        text: t(key),
        onclick: () => go(name),
      })))),
    h("div", { class: "nav-foot" },
      update.offer && !ctx.state.updateLater ? updateNotice(update.offer) : null,
      h("button", { type: "button", class: "lock-button", testid: "lock-button", text: t("nav.lock"), onclick: lockNow }),
      h("p", { class: "hint", text: t("nav.lockHint") })),
  );
}

/** @param {import("./api.js").UpdateOffer} offer */
function updateNotice(offer) {
  return h("div", { class: "update-notice", role: "status", testid: "update-notice" },
    h("button", { type: "button", testid: "update-open", onclick: () => go("about") },
      h("strong", { text: t("update.available", { version: offer.version }) }),
      h("span", { text: t("update.open") })));
}

/** @param {import("./api.js").UpdateOffer|null} offer */
function showUpdate(offer) {
  const newer = offer && offer.version !== update.offer?.version;
  update.offer = offer;
  if (newer) ctx.state.updateLater = false;
  if (storeOpenOn(current.name)) drawNav();
}

/** Manual lock: flush the open form's draft first, then lock the store. */
async function lockNow() {
  if (!storeOpenOn(current.name) || current.target === "unlock") return;
  // The recovery key is shown once: a shortcut pressed by mistake must not take it away.
  if (current.name === "recovery") return;
  await leaveCurrent();
  try {
    await api.lock();
  } catch (err) {
    console.warn("lock failed", err); // already locked is fine: the unlock screen is what we want
  }
  await go("unlock");
}

let lockingByBackend = false;
/** The backend locked by itself (idle) or a call found it locked. */
async function lockedByBackend() {
  // The open form's flush fails with `locked` and reports here again: one unlock screen is enough.
  if (lockingByBackend || current.target === "unlock") return;
  // Before the first screen, on setup and on unlock there is nothing to lock away.
  if (!storeOpenOn(current.name)) return;
  // Writing the recovery key down by hand can take longer than the idle time: the key stays
  // on screen (the store is already locked), and 次へ then leads to the unlock screen.
  if (current.name === "recovery") return;
  lockingByBackend = true;
  try {
    await go("unlock", { reason: "idle" });
  } finally {
    lockingByBackend = false;
  }
}

/** Writes the open screen's unsaved work (a visit draft) without leaving it; never throws. */
async function flushCurrent() {
  const view = current.view;
  if (!view || !view.flush) return;
  try {
    await view.flush();
  } catch (err) {
    console.warn("flush failed", err);
  }
}

/** `salon://closing`: write the open draft, then let the backend quit. */
async function onClosing() {
  await leaving; // a navigation may be flushing the form it just left
  await flushCurrent();
  try {
    await api.readyToClose();
  } catch (err) {
    console.warn("ready_to_close failed", err);
  }
}

/** @param {ShownPrefs} prefs */
async function applyPrefs(prefs) {
  ctx.prefs = prefs;
  await loadLanguage(prefs.language);
  if (current.name) await go(current.name, current.params);
}

let lastTouch = 0;
/** Reports activity to the idle auto-lock, at most every 30 s. */
function touchActivity() {
  if (!storeOpenOn(current.name)) return;
  const now = Date.now();
  if (now - lastTouch < 30_000) return;
  lastTouch = now;
  api.touch().catch(() => {}); // `locked` is handled by api.onLockedError
}

/** @param {KeyboardEvent} event */
function onKeyDown(event) {
  touchActivity();
  if (!current.name || event.isComposing || event.keyCode === 229) return;
  if (event.ctrlKey && !event.altKey && event.key.toLowerCase() === "l") {
    if (!storeOpenOn(current.name)) return;
    event.preventDefault();
    lockNow();
    return;
  }
  if (OUTSIDE.has(current.name)) return; // no screen shortcuts before the app proper
  if (current.view && current.view.onKey && current.view.onKey(event)) {
    event.preventDefault();
    return;
  }
  if (event.key === "/" && !event.ctrlKey && !event.altKey && !isTyping(event.target)) {
    event.preventDefault();
    go("search");
    return;
  }
  if (event.ctrlKey && !event.altKey && event.key.toLowerCase() === "f") {
    event.preventDefault();
    go("search");
  }
}

/** @returns {Promise<ScreenName>} */
async function firstScreen() {
  const status = await api.appStatus();
  ctx.prefs = { language: status.language, idleMinutes: status.idleMinutes };
  await loadLanguage(status.language);
  if (!status.initialized) return "setup";
  return status.unlocked ? "today" : "unlock";
}

async function start() {
  shell.append(nav, main);
  document.body.replaceChildren(shell);
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("pointerdown", touchActivity, { capture: true });
  api.onLockedError(() => void lockedByBackend());
  // The window may be hidden without a navigation: save the open form's draft now.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") void flushCurrent();
  });
  // The close button: the backend waits (briefly) until the open draft is written.
  api.listenClosing(() => void onClosing()).catch((err) => console.error(err));
  let name;
  try {
    name = await firstScreen();
  } catch (err) {
    await loadLanguage("ja").catch(() => {});
    main.replaceChildren(failedView("error", err).el);
    return;
  }
  api.listenLocked(() => void lockedByBackend()).catch((err) => console.error(err));
  api.listenUpdateOffered((offer) => showUpdate(offer)).catch((err) => console.error(err));
  // A background send went through (the sync screen shows the new log and preview), or a
  // relay pass fetched a colleague's handover (今日 says so): the open screen reloads it.
  const refreshView = () => {
    current.changed += 1;
    const view = current.view;
    if (view && view.refresh) void view.refresh();
  };
  api.listenSynced(refreshView).catch((err) => console.error(err));
  handoverApi.listenRelayed(refreshView).catch((err) => console.error(err));
  await go(name);
}

start();
