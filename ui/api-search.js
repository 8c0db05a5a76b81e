// Search (検索): the backend call of the search screen. Goes through api.js, the only module
// that touches `window.__TAURI__`.

/** @typedef {import("./api-types").SearchPage} SearchPage */
/** @typedef {import("./api-types").SearchQuery} SearchQuery */

import { invokeCommand } from "./api.js";

/**
 * Searches notes, next steps and teacher summaries. Rejects with `too_long` (field `text`),
 * `invalid_date` (`from`/`to`), `invalid_choice` (`topic`), `out_of_range` or `locked`.
 * @param {SearchQuery} query
 * @returns {Promise<SearchPage>}
 */
export const searchVisits = (query) => invokeCommand("search_visits", { query });
