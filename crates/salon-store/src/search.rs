//! Search (検索): "the student who talked about the bakery job in October", in seconds.
//!
//! Full text over the private note, the next steps and the teacher summary of every visit, with
//! filters (campus, student, period, topic, 要連携, follow-up), newest first, paged.
//!
//! The text is split on spaces (half- or full-width) into terms, and a visit must contain every
//! term, each in any of the three fields, as typed (ASCII letters in either case). Terms of three
//! characters or more go through the FTS5 trigram index (`visit_fts`, migration 0004), quoted as
//! FTS5 strings so that `"`, `*`, `OR`, `NEAR(` and the like are plain text. Japanese often
//! needs fewer (「親」, 「面接」), which trigrams cannot answer: those terms are a `LIKE` scan with
//! `%` and `_` escaped, under the same filters.
//!
//! Results carry snippets as segments `{text, hit}` rather than markup, so the UI puts them on
//! screen with `textContent` only.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Row};
use salon_core::{parse_date, CoreError, Route, Topic};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::rows::{code, date, date_text, opt_date, topics};
use crate::vault::Store;

/// Results per page when the query does not say.
pub const SEARCH_PAGE_DEFAULT: i64 = 50;
/// The most results one page may ask for.
pub const SEARCH_PAGE_MAX: i64 = 200;
/// The longest search text, in characters.
pub const SEARCH_TEXT_MAX: usize = 200;
/// The shortest term the trigram index can answer; shorter ones are scanned.
const TRIGRAM: usize = 3;
/// When the filters alone leave at most this many visits, scanning them is faster than asking
/// the index for every visit holding a common word and then filtering.
const SCAN_BELOW: i64 = 20_000;
/// A snippet shows this many characters before the first hit…
const SNIPPET_BEFORE: usize = 20;
/// …and this many in all (more only when one hit is longer).
const SNIPPET_CHARS: usize = 100;

/// A search as the search screen sends it. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
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
}

/// One page of results, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// Every visit that matches, across pages.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    pub hits: Vec<SearchHit>,
}

/// A visit that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Part of one field, in segments that are or are not a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    /// `note`, `nextSteps` or `teacherSummary`.
    pub field: &'static str,
    pub segments: Vec<Segment>,
    /// The field goes on before the first segment (show an ellipsis).
    pub cut_before: bool,
    /// The field goes on after the last segment.
    pub cut_after: bool,
}

/// A run of text; `hit` when it is one of the terms searched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// A query that passed validation.
#[derive(Debug, Clone)]
struct Filter {
    terms: Vec<String>,
    campus_id: Option<i64>,
    student_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    topic: Option<Topic>,
    concern_only: bool,
    follow_up_only: bool,
    limit: i64,
    offset: i64,
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
        for term in self.text.split_whitespace() {
            if !terms.iter().any(|t| t == term) {
                terms.push(term.to_owned());
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
        })
    }
}

/// The WHERE clause of a filter and its bound values (numbered `?N`, so one value can be used
/// several times), and the FTS5 query whose matches it expects in `temp.search_match`. With
/// `use_index` false every term is a scan (LIKE), which finds the same visits.
fn where_clause(f: &Filter, use_index: bool) -> (String, Vec<Value>, Option<String>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    fn bind(args: &mut Vec<Value>, v: Value) -> usize {
        args.push(v);
        args.len()
    }
    let indexed = |t: &&String| use_index && t.chars().count() >= TRIGRAM;
    let long: Vec<&String> = f.terms.iter().filter(indexed).collect();
    let fts = (!long.is_empty()).then(|| {
        conds.push("v.id IN temp.search_match".to_owned());
        fts_match(&long)
    });
    for term in f.terms.iter().filter(|t| !indexed(t)) {
        let n = bind(&mut args, Value::Text(format!("%{}%", escape_like(term))));
        conds.push(format!(
            "(v.note LIKE ?{n} ESCAPE '\\' OR v.next_steps LIKE ?{n} ESCAPE '\\' \
             OR v.teacher_summary LIKE ?{n} ESCAPE '\\')"
        ));
    }
    if let Some(id) = f.campus_id {
        let n = bind(&mut args, Value::Integer(id));
        conds.push(format!("s.campus_id = ?{n}"));
    }
    if let Some(id) = f.student_id {
        let n = bind(&mut args, Value::Integer(id));
        conds.push(format!("v.student_id = ?{n}"));
    }
    if let Some(d) = f.from {
        let n = bind(&mut args, Value::Text(date_text(d)));
        conds.push(format!("s.date >= ?{n}"));
    }
    if let Some(d) = f.to {
        let n = bind(&mut args, Value::Text(date_text(d)));
        conds.push(format!("s.date <= ?{n}"));
    }
    if let Some(topic) = f.topic {
        let n = bind(&mut args, Value::Text(topic.code().to_owned()));
        conds.push(format!(
            "EXISTS (SELECT 1 FROM visit_topic t WHERE t.visit_id = v.id AND t.topic = ?{n})"
        ));
    }
    if f.concern_only {
        conds.push("v.concern = 1".to_owned());
    }
    if f.follow_up_only {
        conds.push("v.follow_up_on IS NOT NULL".to_owned());
    }
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    (clause, args, fts)
}

/// An FTS5 query that matches every term literally: each is an FTS5 string (`"…"`, with `"`
/// doubled), so nothing the supporter types is read as an operator.
fn fts_match(terms: &[&String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
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
    /// under every filter given. Newest first (by date, then salon, then the order logged), one
    /// page at a time.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        self.search_planned(query, None)
    }

    /// `search`, with the plan chosen by the caller (`Some(true)`: the index for long terms)
    /// or by the size of what the filters leave (`None`).
    fn search_planned(&self, query: &SearchQuery, use_index: Option<bool>) -> Result<SearchPage> {
        let f = query.validate()?;
        let has_long_term = f.terms.iter().any(|t| t.chars().count() >= TRIGRAM);
        let use_index = match use_index {
            Some(choice) => choice,
            // Only a long term can use the index: otherwise there is no plan to choose.
            None => has_long_term && !self.filters_leave_few(&f)?,
        };
        let (clause, args, fts) = where_clause(&f, use_index);
        if let Some(fts) = &fts {
            // The index is asked once, and its matches (visit ids only) kept in memory
            // (temp_store=MEMORY) for the count and the page to join with the filters.
            self.conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS search_match (id INTEGER PRIMARY KEY);
                 DELETE FROM temp.search_match;",
            )?;
            self.conn.execute(
                "INSERT INTO temp.search_match (id)
                 SELECT rowid FROM visit_fts WHERE visit_fts MATCH ?1",
                [fts],
            )?;
        }
        let page = self.search_page(&f, &clause, args);
        if fts.is_some() {
            self.conn.execute_batch("DELETE FROM temp.search_match;")?;
        }
        page
    }

    /// Whether the filters (campus, period, topic, …) alone leave few enough visits to scan.
    fn filters_leave_few(&self, f: &Filter) -> Result<bool> {
        let only_filters = Filter {
            terms: Vec::new(),
            ..f.clone()
        };
        let (clause, args, _) = where_clause(&only_filters, true);
        if clause.is_empty() {
            return Ok(false);
        }
        let n: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM visit v JOIN salon_session s ON s.id = v.session_id {clause}"
            ),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        Ok(n <= SCAN_BELOW)
    }

    fn search_page(&self, f: &Filter, clause: &str, mut args: Vec<Value>) -> Result<SearchPage> {
        let from = "FROM visit v JOIN salon_session s ON s.id = v.session_id";
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) {from} {clause}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let mut hits = Vec::new();
        if f.offset < total {
            args.push(Value::Integer(f.limit));
            args.push(Value::Integer(f.offset));
            let (l, o) = (args.len() - 1, args.len());
            let mut stmt = self.conn.prepare(&format!(
                // The page's ids first, in an order the indexes give (salons by date, visits
                // by salon), so a page needs neither a sort of every match nor their notes.
                "WITH page AS (
                    SELECT v.id, s.date, s.id AS session_id {from} {clause}
                    ORDER BY s.date DESC, s.id DESC, v.id DESC LIMIT ?{l} OFFSET ?{o}
                 )
                 SELECT v.id, p.date, s.campus_id, c.name, v.student_id, st.display_name, v.route,
                    (SELECT group_concat(topic, ',') FROM visit_topic t WHERE t.visit_id = v.id),
                    v.concern, v.follow_up_on, v.note, v.next_steps, v.teacher_summary
                 FROM page p
                 JOIN visit v ON v.id = p.id
                 JOIN salon_session s ON s.id = p.session_id
                 JOIN campus c ON c.id = s.campus_id
                 LEFT JOIN student st ON st.id = v.student_id
                 ORDER BY p.date DESC, p.session_id DESC, p.id DESC"
            ))?;
            let rows = stmt.query_map(params_from_iter(args.iter()), found_from)?;
            for row in rows {
                let Found { mut hit, fields } = row?;
                hit.snippets = snippets(&f.terms, &fields);
                hits.push(hit);
            }
        }
        Ok(SearchPage {
            total,
            offset: f.offset,
            limit: f.limit,
            hits,
        })
    }
}

/// How two characters compare in a search: ASCII letters in either case are the same, and so
/// are other letters whose lower case is one character (as the trigram index folds them).
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Where each term occurs in `text`, as character ranges.
fn occurrences(text: &[char], term: &[char]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if term.is_empty() {
        return found;
    }
    let mut i = 0;
    while i + term.len() <= text.len() {
        if text[i..i + term.len()] == *term {
            found.push((i, i + term.len()));
            i += term.len();
        } else {
            i += 1;
        }
    }
    found
}

/// Sorts ranges and merges those that overlap or touch.
fn merged(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// Cuts each field that contains a term around its first hit, and again around the first hit
/// of any term that cut does not show; with no terms, the beginning of the first field with
/// text.
fn snippets(terms: &[String], fields: &[(&'static str, String); 3]) -> Vec<Snippet> {
    let folded_terms: Vec<Vec<char>> = terms
        .iter()
        .map(|t| t.chars().map(fold).collect())
        .collect();
    let mut out = Vec::new();
    for (name, text) in fields {
        let chars: Vec<char> = text.chars().collect();
        if terms.is_empty() {
            if text.trim().is_empty() {
                continue;
            }
            out.push(cut(name, &chars, &[], (0, SNIPPET_CHARS.min(chars.len()))));
            break;
        }
        let folded: Vec<char> = chars.iter().copied().map(fold).collect();
        let per_term: Vec<Vec<(usize, usize)>> = folded_terms
            .iter()
            .map(|t| occurrences(&folded, t))
            .collect();
        let ranges = merged(per_term.iter().flatten().copied().collect());
        let Some(&(first, _)) = ranges.first() else {
            continue;
        };
        let mut shown = vec![window(&chars, &ranges, first)];
        for hits in &per_term {
            let visible = hits
                .iter()
                .any(|&(a, b)| shown.iter().any(|&(s, e)| s <= a && b <= e));
            if let (false, Some(&(a, _))) = (visible, hits.first()) {
                shown.push(window(&chars, &ranges, a));
            }
        }
        for span in merged(shown) {
            out.push(cut(name, &chars, &ranges, span));
        }
    }
    out
}

/// The characters a snippet around the hit at `at` shows: [`SNIPPET_BEFORE`] before it and
/// [`SNIPPET_CHARS`] in all, or more to show that whole hit.
fn window(chars: &[char], ranges: &[(usize, usize)], at: usize) -> (usize, usize) {
    let start = at.saturating_sub(SNIPPET_BEFORE);
    let hit_end = ranges
        .iter()
        .find(|&&(a, b)| a <= at && at < b)
        .map_or(at, |r| r.1);
    (start, (start + SNIPPET_CHARS).max(hit_end).min(chars.len()))
}

fn cut(
    field: &'static str,
    chars: &[char],
    ranges: &[(usize, usize)],
    (start, end): (usize, usize),
) -> Snippet {
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut segments = Vec::new();
    let mut at = start;
    for &(a, b) in ranges {
        let (a, b) = (a.max(start), b.min(end));
        if a >= b {
            continue;
        }
        if a > at {
            segments.push(Segment {
                text: text(at, a),
                hit: false,
            });
        }
        segments.push(Segment {
            text: text(a, b),
            hit: true,
        });
        at = b;
    }
    if at < end {
        segments.push(Segment {
            text: text(at, end),
            hit: false,
        });
    }
    Snippet {
        field,
        segments,
        cut_before: start > 0,
        cut_after: end < chars.len(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use rusqlite::params;
    use salon_core::{NewStudent, SessionOpen, VisitInput};

    use super::*;
    use crate::vault::tests::{campus_input, fresh_store, student_input, PASS};
    use crate::{StoreError, Vault};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn salon(store: &mut Store, campus_id: i64, date: &str) -> i64 {
        let open = SessionOpen {
            campus_id,
            format: "in_person".into(),
            place: String::new(),
        };
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        store.open_session(&open, day(date), ten).unwrap().id
    }

    fn visit(session_id: i64, note: &str) -> VisitInput {
        VisitInput {
            id: None,
            session_id,
            student_id: None,
            new_student: None,
            route: "self".into(),
            topics: vec!["other".into()],
            minutes: 30,
            note: note.into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        }
    }

    fn text(t: &str) -> SearchQuery {
        SearchQuery {
            text: t.into(),
            ..SearchQuery::default()
        }
    }

    fn ids(page: &SearchPage) -> Vec<i64> {
        page.hits.iter().map(|h| h.visit_id).collect()
    }

    /// The snippet of a hit as text with the hits in 【】, for readable assertions.
    fn marked(snippet: &Snippet) -> String {
        snippet
            .segments
            .iter()
            .map(|s| {
                if s.hit {
                    format!("【{}】", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn the_bundled_sqlcipher_has_fts5_with_trigrams() {
        let (_dir, store) = fresh_store();
        let version: String = store
            .conn
            .query_row("SELECT sqlite_version()", [], |r| r.get(0))
            .unwrap();
        assert!(
            version.as_str() >= "3.34",
            "trigram needs 3.34+, got {version}"
        );
        store
            .conn
            .execute_batch(
                "CREATE VIRTUAL TABLE temp.scratch USING fts5(x, tokenize='trigram');
                 INSERT INTO temp.scratch (x) VALUES ('パン屋のアルバイト');",
            )
            .unwrap();
        let n: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM temp.scratch WHERE scratch MATCH '\"ン屋のア\"'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_japanese_phrase_is_found_inside_a_longer_note_and_marked() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2024-10-08");
        let mut input = visit(
            s,
            "十月の相談。パン屋のアルバイトの面接を来週受けるので、志望動機を一緒に考えた。",
        );
        input.new_student = Some(NewStudent {
            display_name: "はるか".into(),
            grade: Some(3),
        });
        input.topics = vec!["part_time".into(), "application_prep".into()];
        input.next_steps = "面接の練習をもう一度".into();
        let bakery = store.save_visit(&input, None).unwrap();
        store
            .save_visit(
                &visit(s, "進学の相談。オープンキャンパスの日程を確認。"),
                None,
            )
            .unwrap();

        let page = store.search(&text("パン屋のアルバイト")).unwrap();
        assert_eq!((page.total, ids(&page)), (1, vec![bakery.id]));
        let hit = &page.hits[0];
        assert_eq!(hit.student_name.as_deref(), Some("はるか"));
        assert_eq!(hit.campus_name, "柏キャンパス");
        assert_eq!(hit.date, day("2024-10-08"));
        assert_eq!(hit.topics, vec![Topic::ApplicationPrep, Topic::PartTime]);
        assert_eq!(hit.snippets.len(), 1);
        assert_eq!(hit.snippets[0].field, "note");
        assert_eq!(
            marked(&hit.snippets[0]),
            "十月の相談。【パン屋のアルバイト】の面接を来週受けるので、志望動機を一緒に考えた。"
        );

        // Two terms: both must appear, in any field; each is marked where it is.
        let page = store.search(&text("アルバイト　面接の練習")).unwrap();
        assert_eq!(ids(&page), vec![bakery.id]);
        let snippets = &page.hits[0].snippets;
        assert_eq!(
            snippets.iter().map(|s| s.field).collect::<Vec<_>>(),
            ["note", "nextSteps"]
        );
        assert_eq!(marked(&snippets[1]), "【面接の練習】をもう一度");
        assert!(store
            .search(&text("アルバイト 大学"))
            .unwrap()
            .hits
            .is_empty());
        assert!(store.search(&text("パン屋の就職")).unwrap().hits.is_empty());
    }

    #[test]
    fn one_and_two_character_terms_are_found_too() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2025-01-14");
        let parent = store
            .save_visit(&visit(s, "親と進路の話をしたい。"), None)
            .unwrap();
        let interview = store
            .save_visit(&visit(s, "来週、面接がある。"), None)
            .unwrap();
        let mut in_summary = visit(s, "");
        in_summary.teacher_summary = "面接練習を担任と共有".into();
        let summary = store.save_visit(&in_summary, None).unwrap();
        let ascii = store
            .save_visit(&visit(s, "Webで求人を探す。SPI対策。"), None)
            .unwrap();

        assert_eq!(ids(&store.search(&text("親")).unwrap()), vec![parent.id]);
        assert_eq!(
            ids(&store.search(&text("面接")).unwrap()),
            vec![summary.id, interview.id]
        );
        let page = store.search(&text("面接")).unwrap();
        assert_eq!(page.hits[0].snippets[0].field, "teacherSummary");
        assert_eq!(
            marked(&page.hits[0].snippets[0]),
            "【面接】練習を担任と共有"
        );
        // ASCII letters match in either case, in the scan and in the index.
        assert_eq!(ids(&store.search(&text("we")).unwrap()), vec![ascii.id]);
        assert_eq!(
            ids(&store.search(&text("spi対策")).unwrap()),
            vec![ascii.id]
        );
        assert_eq!(
            marked(&store.search(&text("spi")).unwrap().hits[0].snippets[0]),
            "Webで求人を探す。【SPI】対策。"
        );
        // Mixed: a short and a long term.
        assert_eq!(
            ids(&store.search(&text("親 進路の話")).unwrap()),
            vec![parent.id]
        );
        assert!(store.search(&text("親 面接")).unwrap().hits.is_empty());
    }

    #[test]
    fn fts_operators_and_like_wildcards_in_the_text_are_literal() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2025-01-14");
        let quoted = store
            .save_visit(&visit(s, "本人いわく\"面接\"は苦手"), None)
            .unwrap();
        let near = store
            .save_visit(&visit(s, "メモ: NEAR(面接 履歴書) OR 進学*"), None)
            .unwrap();
        let percent = store
            .save_visit(&visit(s, "出席率は80%_以上"), None)
            .unwrap();
        store
            .save_visit(&visit(s, "面接 履歴書 進学 出席率80"), None)
            .unwrap();

        for (q, want) in [
            ("\"面接\"", vec![quoted.id]),
            ("\"", vec![quoted.id]),
            ("\"面接", vec![quoted.id]),
            ("NEAR(面接", vec![near.id]),
            ("NEAR(", vec![near.id]),
            ("OR", vec![near.id]),
            ("OR 進学*", vec![near.id]),
            ("進学*", vec![near.id]),
            ("*", vec![near.id]),
            ("履歴書)", vec![near.id]),
            ("%", vec![percent.id]),
            ("%_", vec![percent.id]),
            ("_", vec![percent.id]),
            ("80%", vec![percent.id]),
            ("AND", vec![]),
            ("NOT 面接", vec![]),
            ("面接 -履歴書", vec![]),
            ("\\", vec![]),
        ] {
            assert_eq!(ids(&store.search(&text(q)).unwrap()), want, "query {q:?}");
        }
    }

    #[test]
    fn each_filter_narrows_the_results() {
        let (_dir, mut store) = fresh_store();
        let kashiwa = store.save_campus(&campus_input("柏", 2)).unwrap();
        let chiba = store.save_campus(&campus_input("千葉", 3)).unwrap();
        let haruka = store
            .save_student(&student_input(kashiwa.id, "はるか"))
            .unwrap();
        let s_oct = salon(&mut store, kashiwa.id, "2024-10-08");
        let s_nov = salon(&mut store, kashiwa.id, "2024-11-12");
        let s_chiba = salon(&mut store, chiba.id, "2024-11-13");

        let mut a = visit(s_oct, "面接の相談 A");
        a.student_id = Some(haruka.id);
        a.topics = vec!["part_time".into()];
        let a = store.save_visit(&a, None).unwrap();
        let mut b = visit(s_nov, "面接の相談 B");
        b.concern = true;
        let b = store.save_visit(&b, None).unwrap();
        let mut c = visit(s_chiba, "面接の相談 C");
        c.follow_up_on = Some("2024-12-01".into());
        c.topics = vec!["part_time".into(), "family".into()];
        let c = store.save_visit(&c, None).unwrap();
        let d = store
            .save_visit(&visit(s_chiba, "進学の話 D"), None)
            .unwrap();

        let found = |f: &dyn Fn(&mut SearchQuery)| {
            let mut q = text("面接の相談");
            f(&mut q);
            ids(&store.search(&q).unwrap())
        };
        assert_eq!(found(&|_| {}), vec![c.id, b.id, a.id]);
        assert_eq!(found(&|q| q.campus_id = Some(kashiwa.id)), vec![b.id, a.id]);
        assert_eq!(found(&|q| q.campus_id = Some(chiba.id)), vec![c.id]);
        assert_eq!(found(&|q| q.student_id = Some(haruka.id)), vec![a.id]);
        assert_eq!(
            found(&|q| q.from = Some("2024-11-01".into())),
            vec![c.id, b.id]
        );
        assert_eq!(
            found(&|q| q.to = Some("2024-11-12".into())),
            vec![b.id, a.id]
        );
        assert_eq!(
            found(&|q| {
                q.from = Some("2024-11-12".into());
                q.to = Some("2024-11-12".into());
            }),
            vec![b.id]
        );
        assert_eq!(
            found(&|q| q.topic = Some("part_time".into())),
            vec![c.id, a.id]
        );
        assert_eq!(found(&|q| q.topic = Some("family".into())), vec![c.id]);
        assert_eq!(found(&|q| q.concern_only = true), vec![b.id]);
        assert_eq!(found(&|q| q.follow_up_only = true), vec![c.id]);
        let found = |query: SearchQuery| ids(&store.search(&query).unwrap());
        // The same filters hold on the scan of a short term, and with no text at all.
        let mut short = text("面接");
        short.campus_id = Some(chiba.id);
        assert_eq!(found(short), vec![c.id]);
        let mut all_chiba = text("");
        all_chiba.campus_id = Some(chiba.id);
        assert_eq!(found(all_chiba.clone()), vec![d.id, c.id]);
        all_chiba.topic = Some("family".into());
        assert_eq!(found(all_chiba), vec![c.id]);
    }

    #[test]
    fn an_empty_query_lists_visits_newest_first_with_the_start_of_the_note() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s1 = salon(&mut store, campus.id, "2024-09-03");
        let s2 = salon(&mut store, campus.id, "2025-02-25");
        let long = store
            .save_visit(&visit(s1, &"あ".repeat(300)), None)
            .unwrap();
        let mut summary_only = visit(s2, "");
        summary_only.teacher_summary = "共有メモだけ".into();
        let summary_only = store.save_visit(&summary_only, None).unwrap();
        let blank = store.save_visit(&visit(s2, " "), None).unwrap();

        let page = store.search(&text("  ")).unwrap();
        assert_eq!(ids(&page), vec![blank.id, summary_only.id, long.id]);
        assert!(page.hits[0].snippets.is_empty());
        assert_eq!(page.hits[0].student_name, None);
        assert_eq!(page.hits[1].snippets[0].field, "teacherSummary");
        let start = &page.hits[2].snippets[0];
        assert_eq!(marked(start), "あ".repeat(SNIPPET_CHARS));
        assert!(!start.cut_before && start.cut_after);
    }

    #[test]
    fn a_hit_deep_in_a_long_note_is_cut_around() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2025-02-25");
        let note = format!("{}パン屋{}", "あ".repeat(500), "い".repeat(500));
        store.save_visit(&visit(s, &note), None).unwrap();
        let snippet = &store.search(&text("パン屋")).unwrap().hits[0].snippets[0];
        assert_eq!(
            marked(snippet),
            format!(
                "{}【パン屋】{}",
                "あ".repeat(SNIPPET_BEFORE),
                "い".repeat(SNIPPET_CHARS - SNIPPET_BEFORE - 3)
            )
        );
        assert!(snippet.cut_before && snippet.cut_after);
    }

    #[test]
    fn edits_and_deletes_of_visits_update_the_index() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2025-02-25");
        let v = store
            .save_visit(&visit(s, "パン屋のアルバイト"), None)
            .unwrap();
        assert_eq!(store.search(&text("パン屋の")).unwrap().total, 1);

        let mut fix = visit(s, "コンビニのアルバイト");
        fix.id = Some(v.id);
        fix.teacher_summary = "シフトの相談を共有".into();
        store.save_visit(&fix, None).unwrap();
        assert_eq!(store.search(&text("パン屋の")).unwrap().total, 0);
        assert_eq!(store.search(&text("パン")).unwrap().total, 0);
        assert_eq!(ids(&store.search(&text("コンビニ")).unwrap()), vec![v.id]);
        assert_eq!(
            ids(&store.search(&text("シフトの相談")).unwrap()),
            vec![v.id]
        );

        store
            .conn
            .execute("DELETE FROM visit WHERE id = ?1", [v.id])
            .unwrap();
        assert_eq!(store.search(&text("コンビニ")).unwrap().total, 0);
        assert_eq!(store.search(&text("シフトの相談")).unwrap().total, 0);
        // The index agrees with its content table (FTS5's own consistency check).
        store
            .conn
            .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check');")
            .unwrap();
    }

    #[test]
    fn results_come_in_pages_with_the_total() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let s = salon(&mut store, campus.id, "2025-02-25");
        let mut logged = Vec::new();
        for i in 0..7 {
            logged.push(
                store
                    .save_visit(&visit(s, &format!("面接の練習 {i}回目")), None)
                    .unwrap()
                    .id,
            );
        }
        logged.reverse(); // newest first
        let page = |offset, limit| {
            let mut q = text("面接の練習");
            q.offset = Some(offset);
            q.limit = Some(limit);
            store.search(&q).unwrap()
        };
        let first = page(0, 3);
        assert_eq!((first.total, first.offset, first.limit), (7, 0, 3));
        assert_eq!(ids(&first), logged[0..3]);
        assert_eq!(ids(&page(3, 3)), logged[3..6]);
        assert_eq!(ids(&page(6, 3)), logged[6..7]);
        let beyond = page(9, 3);
        assert_eq!((beyond.total, beyond.hits.len()), (7, 0));
        assert_eq!(
            store.search(&text("面接")).unwrap().limit,
            SEARCH_PAGE_DEFAULT
        );
    }

    #[test]
    fn bad_queries_are_refused() {
        let (_dir, store) = fresh_store();
        type Spoiler = (fn(&mut SearchQuery), &'static str);
        let spoilers: Vec<Spoiler> = vec![
            (|q| q.text = "長".repeat(SEARCH_TEXT_MAX + 1), "text"),
            (|q| q.from = Some("2025-02-30".into()), "from"),
            (|q| q.to = Some("昨日".into()), "to"),
            (|q| q.topic = Some("bakery".into()), "topic"),
            (|q| q.limit = Some(0), "limit"),
            (|q| q.limit = Some(SEARCH_PAGE_MAX + 1), "limit"),
            (|q| q.offset = Some(-1), "offset"),
        ];
        for (spoil, field) in spoilers {
            let mut q = text("面接");
            spoil(&mut q);
            match store.search(&q) {
                Err(StoreError::Invalid(e)) => assert_eq!(e.field(), field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut fine = text(&"長".repeat(SEARCH_TEXT_MAX));
        fine.from = Some(" ".into());
        fine.topic = Some(String::new());
        assert_eq!(store.search(&fine).unwrap().total, 0);
    }

    #[test]
    fn visits_written_before_the_index_existed_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        drop(vault.create(PASS, PASS).unwrap());
        std::fs::remove_file(vault.db_path()).unwrap();
        let old = vault.open_at_version(PASS, 3).unwrap();
        old.conn
            .execute_batch(
                "INSERT INTO campus (id, name, weekday, start_time, end_time, default_format,
                    created_at, updated_at)
                 VALUES (1, '柏', 2, '13:00', '16:00', 'in_person', 'x', 'x');
                 INSERT INTO salon_session (id, campus_id, date, opened_at, format)
                 VALUES (1, 1, '2024-10-08', '13:00', 'in_person');
                 INSERT INTO visit (id, session_id, route, minutes, note, next_steps,
                    teacher_summary, created_at, updated_at)
                 VALUES (1, 1, 'self', 30, 'パン屋のアルバイトの面接', '', '', 'x', 'x');
                 INSERT INTO visit_topic (visit_id, topic) VALUES (1, 'part_time');",
            )
            .unwrap();
        old.close().unwrap();
        let store = vault.unlock(PASS).unwrap();
        assert_eq!(ids(&store.search(&text("アルバイト")).unwrap()), vec![1]);
        assert_eq!(ids(&store.search(&text("面接")).unwrap()), vec![1]);
    }

    /// A few thousand notes from a small vocabulary: every count equals a plain `contains` over
    /// the same notes, for short and long terms, alone, combined and under filters.
    #[test]
    fn thousands_of_generated_notes_agree_with_brute_force() {
        const WORDS: &[&str] = &[
            "面接",
            "履歴書",
            "パン屋",
            "アルバイト",
            "進学",
            "家族",
            "体調",
            "友達",
            "親",
            "大学",
            "専門学校",
            "オープンキャンパス",
            "求人票",
            "志望動機",
            "不安",
            "担任",
            "バイト",
            "コンビニ",
            "部活",
            "レポート",
            "スクーリング",
            "将来",
            "就職",
            "相談",
            "の",
            "が",
            "を",
            "に",
            "と",
            "。",
            "、",
            "SPI",
        ];
        let (_dir, mut store) = fresh_store();
        let campuses: Vec<i64> = (0..3)
            .map(|i| {
                store
                    .save_campus(&campus_input(&format!("校舎{i}"), 2))
                    .unwrap()
                    .id
            })
            .collect();
        // A small deterministic generator (xorshift), so the notes are the same every run.
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        struct Gen {
            note: String,
            next_steps: String,
            summary: String,
            campus: i64,
            date: String,
            concern: bool,
        }
        let mut generated = Vec::new();
        let tx = store.conn.transaction().unwrap();
        for (ci, campus) in campuses.iter().enumerate() {
            for d in 0..20 {
                let date = format!("2024-{:02}-{:02}", 9 + d / 5, 1 + (d % 5) * 5 + ci);
                tx.execute(
                    "INSERT INTO salon_session (campus_id, date, opened_at, format)
                     VALUES (?1, ?2, '13:00', 'in_person')",
                    params![campus, date],
                )
                .unwrap();
                let session = tx.last_insert_rowid();
                for _ in 0..50 {
                    let mut words = |max: usize| {
                        let n = next(max + 1);
                        (0..n).map(|_| WORDS[next(WORDS.len())]).collect::<String>()
                    };
                    let g = Gen {
                        note: words(30),
                        next_steps: words(6),
                        summary: words(4),
                        campus: *campus,
                        date: date.clone(),
                        concern: next(10) == 0,
                    };
                    tx.execute(
                        "INSERT INTO visit (session_id, route, minutes, note, next_steps,
                            concern, teacher_summary, created_at, updated_at)
                         VALUES (?1, 'self', 30, ?2, ?3, ?4, ?5, 'x', 'x')",
                        params![session, g.note, g.next_steps, g.concern, g.summary],
                    )
                    .unwrap();
                    tx.execute(
                        "INSERT INTO visit_topic (visit_id, topic) VALUES (?1, 'other')",
                        [tx.last_insert_rowid()],
                    )
                    .unwrap();
                    generated.push(g);
                }
            }
        }
        tx.commit().unwrap();
        assert_eq!(generated.len(), 3_000);

        let has = |g: &Gen, term: &str| {
            let term = term.to_lowercase();
            [&g.note, &g.next_steps, &g.summary]
                .iter()
                .any(|f| f.to_lowercase().contains(&term))
        };
        let queries = [
            "面接",
            "親",
            "の",
            "履歴書",
            "アルバイト",
            "パン屋のアルバイト",
            "面接の",
            "専門学校",
            "オープンキャンパス",
            "志望動機が不安",
            "家族 体調",
            "親 進学",
            "面接 履歴書 友達",
            "バイト",
            "spi",
            "SPIの",
            "校舎",
            "。、",
            "とと",
        ];
        for q in queries {
            let terms: Vec<&str> = q.split_whitespace().collect();
            let want = generated
                .iter()
                .filter(|g| terms.iter().all(|t| has(g, t)))
                .count() as i64;
            let page = store.search(&text(q)).unwrap();
            assert_eq!(page.total, want, "query {q:?}");
            // Every hit on the page shows each term marked somewhere.
            for hit in &page.hits {
                for term in &terms {
                    let shown = hit
                        .snippets
                        .iter()
                        .flat_map(|s| &s.segments)
                        .any(|s| s.hit && s.text.to_lowercase().contains(&term.to_lowercase()));
                    assert!(shown, "query {q:?}: {term} not marked in {}", hit.visit_id);
                }
            }
            let mut filtered = text(q);
            filtered.campus_id = Some(campuses[1]);
            filtered.concern_only = true;
            filtered.from = Some("2024-10-01".into());
            let want = generated
                .iter()
                .filter(|g| g.campus == campuses[1] && g.concern && g.date.as_str() >= "2024-10-01")
                .filter(|g| terms.iter().all(|t| has(g, t)))
                .count() as i64;
            // Both plans (the index then the filters; a scan of what the filters leave) agree.
            for plan in [Some(true), Some(false), None] {
                let found = store.search_planned(&filtered, plan).unwrap();
                assert_eq!(found.total, want, "filtered {q:?}, plan {plan:?}");
            }
            let both = |plan| ids(&store.search_planned(&filtered, plan).unwrap());
            assert_eq!(both(Some(true)), both(Some(false)), "same page, {q:?}");
        }
    }
}
