// Search (検索): the backend call of the search screen. Goes through api.js, the only module
// that touches `window.__TAURI__`.

import { invokeCommand } from "./api.js";

/**
 * What the search screen asks for. Blank text lists the visits under the filters.
 * @typedef {object} SearchQuery
 * @property {string} text words to find, separated by spaces; every one must appear
 * @property {number|null} campusId
 * @property {number|null} studentId
 * @property {string|null} from first day "YYYY-MM-DD", inclusive
 * @property {string|null} to last day "YYYY-MM-DD", inclusive
 * @property {string|null} topic a topic code
 * @property {boolean} concernOnly only visits flagged 要連携
 * @property {boolean} followUpOnly only visits with a follow-up date
 * @property {number} limit page size, 1–200
 * @property {number} offset results to skip
 * @property {boolean} [countAll] count every match (otherwise counting stops at 1,000)
 */

/**
 * A run of text; `hit` when it is one of the words searched for. Plain text, never markup.
 * @typedef {object} Segment
 * @property {string} text
 * @property {boolean} hit
 */

/**
 * Part of one field of the visit.
 * @typedef {object} Snippet
 * @property {"note"|"nextSteps"|"teacherSummary"} field
 * @property {Segment[]} segments
 * @property {boolean} cutBefore the field goes on before (show an ellipsis)
 * @property {boolean} cutAfter the field goes on after
 */

/**
 * @typedef {object} SearchHit
 * @property {number} visitId
 * @property {string} date "YYYY-MM-DD"
 * @property {number} campusId
 * @property {string} campusName
 * @property {number|null} studentId
 * @property {string|null} studentName null = anonymous (匿名)
 * @property {import("./api.js").Route} route
 * @property {string[]} topics
 * @property {boolean} concern
 * @property {string|null} followUpOn
 * @property {Snippet[]} snippets
 */

/**
 * @typedef {object} SearchPage
 * @property {number} total every match, across pages; with `totalCapped`, at least this many
 * @property {boolean} totalCapped counting stopped at the cap (「1,000件以上」)
 * @property {number} offset
 * @property {number} limit
 * @property {SearchHit[]} hits newest first
 */

/**
 * Searches notes, next steps and teacher summaries. Rejects with `too_long` (field `text`),
 * `invalid_date` (`from`/`to`), `invalid_choice` (`topic`), `out_of_range` or `locked`.
 * @param {SearchQuery} query
 * @returns {Promise<SearchPage>}
 */
export const searchVisits = (query) => invokeCommand("search_visits", { query });
