//! Search (検索): "the student who talked about the bakery job in October", in seconds.
//!
//! Full text over the private note, the next steps and the teacher summary of every visit, with
//! filters (campus, student, period, topic, 要連携, follow-up), newest first, paged.
//!
//! The text is split on spaces (half- or full-width) into terms, and a visit must contain every
//! term, each in any of the three fields. Text and terms are compared folded
//! (`salon_core::fold`: NFKC, lower case, katakana as hiragana), so ２年生, ＳＰＩ, ｱﾙﾊﾞｲﾄ and
//! ばいと find 2年生, spi, アルバイト and バイト. Folded terms of three characters or more go
//! through the FTS5 trigram index (`visit_fts` over the folding view), quoted as
//! FTS5 strings so that `"`, `*`, `OR`, `NEAR(` and the like are plain text. Japanese often
//! needs fewer (「親」, 「面接」), which trigrams cannot answer: those terms are a `LIKE` scan with
//! `%` and `_` escaped, under the same filters.
//!
//! Results come newest first (by the salon's day, then the order logged) straight from the
//! order of the index's keys (see `plan`): a page is read in order and stops,
//! and the count stops at [`SEARCH_COUNT_CAP`] (「1,000件以上」) unless the supporter asks for
//! all of it, so a common word costs what a rare one does.
//!
//! Results carry snippets as segments `{text, hit}` rather than markup, so the UI puts them on
//! screen with `textContent` only.
//!
//! `plan` builds the SQL (index or scan, filters); `snippets` cuts the text around the hits.

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod order_tests;
mod plan;
mod snippets;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Row};
use salon_core::{parse_date, CoreError, Route, Topic};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::rows::{code, date, opt_date, topics};
use crate::vault::Store;

use plan::{filters_only, visit_of, Filter, Plan, TRIGRAM};
use snippets::snippets;
pub use snippets::{Segment, Snippet};

/// Results per page when the query does not say.
pub const SEARCH_PAGE_DEFAULT: i64 = 50;
/// The most results one page may ask for.
pub const SEARCH_PAGE_MAX: i64 = 200;
/// The longest search text, in characters.
pub const SEARCH_TEXT_MAX: usize = 200;
/// When the filters alone leave at most this many visits, scanning them is faster than asking
/// the index for every visit holding a common word and then filtering.
const SCAN_BELOW: i64 = 20_000;
/// Counting stops past this many (「1,000件以上」) unless the whole count is asked for; on a
/// later page the count goes at least to the end of that page.
pub const SEARCH_COUNT_CAP: i64 = 1_000;

/// A search as the search screen sends it. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchQuery {
    /// Words to find; blank lists the visits under the filters.
    pub text: String,
    pub campus_id: Option<i64>,
    pub student_id: Option<i64>,
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// A topic code (`part_time`…).
    pub topic: Option<String>,
    /// Only visits flagged 要連携.
    pub concern_only: bool,
    /// Only visits with a follow-up date.
    pub follow_up_only: bool,
    /// Page size, 1 to [`SEARCH_PAGE_MAX`]; [`SEARCH_PAGE_DEFAULT`] when absent.
    pub limit: Option<i64>,
    /// Results to skip (paging), 0 or more.
    pub offset: Option<i64>,
    /// Count every match, past [`SEARCH_COUNT_CAP`] (the supporter asked how many).
    pub count_all: bool,
}

/// One page of results, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// Every visit that matches, across pages; with `total_capped`, at least this many.
    pub total: i64,
    /// Counting stopped at the cap: there are more than `total`.
    pub total_capped: bool,
    pub offset: i64,
    pub limit: i64,
    pub hits: Vec<SearchHit>,
}

/// A visit that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub visit_id: i64,
    pub date: NaiveDate,
    pub campus_id: i64,
    pub campus_name: String,
    /// None for an anonymous visit (匿名).
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub route: Route,
    pub topics: Vec<Topic>,
    pub concern: bool,
    pub follow_up_on: Option<NaiveDate>,
    /// The fields where the terms were found, each cut around its first hit; for a search
    /// without text, the beginning of the first field that has something written.
    pub snippets: Vec<Snippet>,
}

impl SearchQuery {
    fn validate(&self) -> Result<Filter, CoreError> {
        if self.text.chars().count() > SEARCH_TEXT_MAX {
            return Err(CoreError::TooLong {
                field: "text",
                max: SEARCH_TEXT_MAX,
            });
        }
        let mut terms: Vec<String> = Vec::new();
        for term in self.text.split_whitespace().map(salon_core::fold::fold) {
            if !term.is_empty() && !terms.contains(&term) {
                terms.push(term);
            }
        }
        let day = |field, text: &Option<String>| match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => parse_date(field, text).map(Some),
        };
        let topic = match self.topic.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(Topic::from_code(c).ok_or(CoreError::InvalidChoice("topic"))?),
        };
        let limit = self.limit.unwrap_or(SEARCH_PAGE_DEFAULT);
        if !(1..=SEARCH_PAGE_MAX).contains(&limit) {
            return Err(CoreError::OutOfRange {
                field: "limit",
                min: 1,
                max: SEARCH_PAGE_MAX,
            });
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(CoreError::OutOfRange {
                field: "offset",
                min: 0,
                max: i64::MAX,
            });
        }
        Ok(Filter {
            terms,
            campus_id: self.campus_id,
            student_id: self.student_id,
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            topic,
            concern_only: self.concern_only,
            follow_up_only: self.follow_up_only,
            limit,
            offset,
            count_all: self.count_all,
        })
    }
}

/// A row of the page query, before its snippets are cut.
struct Found {
    hit: SearchHit,
    fields: [(&'static str, String); 3],
}

fn found_from(row: &Row<'_>) -> rusqlite::Result<Found> {
    let topics = topics(row, 7)?;
    Ok(Found {
        hit: SearchHit {
            visit_id: row.get(0)?,
            date: date(row, 1)?,
            campus_id: row.get(2)?,
            campus_name: row.get(3)?,
            student_id: row.get(4)?,
            student_name: row.get(5)?,
            route: code(row, 6, Route::from_code)?,
            topics,
            concern: row.get(8)?,
            follow_up_on: opt_date(row, 9)?,
            snippets: Vec::new(),
        },
        fields: [
            ("note", row.get(10)?),
            ("nextSteps", row.get(11)?),
            ("teacherSummary", row.get(12)?),
        ],
    })
}

impl Store {
    /// Searches the visits: every term of `text` must appear (see the module's documentation),
    /// under every filter given. Newest first (by date, then the order logged), one page at a
    /// time.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        self.search_planned(query, None)
    }

    /// `search`, with the plan chosen by the caller (`Some(true)`: the index for long terms)
    /// or by the size of what the filters leave (`None`).
    fn search_planned(&self, query: &SearchQuery, use_index: Option<bool>) -> Result<SearchPage> {
        let f = query.validate()?;
        let has_long_term = f.terms.iter().any(|t| t.chars().count() >= TRIGRAM);
        let few = self.filters_leave_few(&f)?;
        let use_index = match use_index {
            Some(choice) => choice,
            // Only a long term can use the index: otherwise there is no plan to choose.
            None => has_long_term && !few,
        };
        // Filters that leave few visits and no index: all of them, found through the filters'
        // own indexes, then put in key order here; the count is exact.
        let whole = few && !use_index;
        let plan = Plan::new(&f, use_index, whole);
        let cap = SEARCH_COUNT_CAP.max(f.offset.saturating_add(f.limit));
        let keys = if whole {
            let mut keys = self.keys(plan.all_keys())?;
            keys.sort_unstable();
            keys
        } else {
            // One pass in key order, newest first, that stops past the page and the cap: the
            // page and the count (exact below the cap) at once.
            self.keys(plan.first(cap + 1))?
        };
        let page: Vec<i64> = keys
            .iter()
            .skip(f.offset as usize)
            .take(f.limit as usize)
            .copied()
            .collect();
        let capped = !whole && keys.len() as i64 > cap;
        let (total, total_capped) = match (capped, f.count_all) {
            (false, _) => (keys.len() as i64, false),
            (true, false) => (cap, true),
            (true, true) => {
                let (sql, args) = plan.count_all();
                let n = self
                    .conn
                    .query_row(&sql, params_from_iter(args.iter()), |r| r.get(0))?;
                (n, false)
            }
        };
        Ok(SearchPage {
            total,
            total_capped,
            offset: f.offset,
            limit: f.limit,
            hits: self.hits(&f, &page)?,
        })
    }

    fn keys(&self, (sql, args): (String, Vec<Value>)) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare(&sql)?
            .query_map(params_from_iter(args.iter()), |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether the filters (campus, period, topic, …) alone leave few enough visits to scan.
    fn filters_leave_few(&self, f: &Filter) -> Result<bool> {
        let Some((sql, args)) = filters_only(f) else {
            return Ok(false);
        };
        let n: i64 = self
            .conn
            .query_row(&sql, params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(n <= SCAN_BELOW)
    }

    /// The page's visits, in the order of their keys, with their snippets.
    fn hits(&self, f: &Filter, keys: &[i64]) -> Result<Vec<SearchHit>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Value> = keys.iter().map(|k| Value::Integer(visit_of(*k))).collect();
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT v.id, s.date, s.campus_id, c.name, v.student_id, st.display_name, v.route,
                (SELECT group_concat(topic, ',') FROM visit_topic t WHERE t.visit_id = v.id),
                v.concern, v.follow_up_on, v.note, v.next_steps, v.teacher_summary
             FROM visit v
             JOIN salon_session s ON s.id = v.session_id
             JOIN campus c ON c.id = s.campus_id
             LEFT JOIN student st ON st.id = v.student_id
             WHERE v.id IN ({})",
            marks.join(", ")
        ))?;
        let mut found = stmt
            .query_map(params_from_iter(ids.iter()), found_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let place = |id: i64| keys.iter().position(|k| visit_of(*k) == id);
        found.sort_by_key(|x| place(x.hit.visit_id));
        Ok(found
            .into_iter()
            .map(|Found { mut hit, fields }| {
                hit.snippets = snippets(&f.terms, &fields);
                hit
            })
            .collect())
    }
}
