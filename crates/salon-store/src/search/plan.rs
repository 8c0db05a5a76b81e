//! The SQL of a search. Every plan reads the matches in the order of the visits' `sort_key`
//! (the salon's day, then the visit, negated), which is newest first, and
//! stops after the page and the count's cap:
//!
//! - `Index` (a term of three characters or more, filters that leave many visits): the
//!   trigram index answers in its own rowid order, which is key order. With no filter but the
//!   period (a range of keys) nothing else is read until the page's own rows.
//! - `Scan` (only short terms, no text, or filters that leave few visits): the folded texts in
//!   key order, each term a `LIKE`.
//!
//! User text is made literal for FTS5 (quoted strings) and LIKE (`%`, `_` escaped).

use chrono::NaiveDate;
use rusqlite::types::Value;
use salon_core::Topic;

use crate::rows::date_text;

/// The shortest term the trigram index can answer; shorter ones are scanned.
pub(super) const TRIGRAM: usize = 3;

/// A query that passed validation.
#[derive(Debug, Clone)]
pub(super) struct Filter {
    pub(super) terms: Vec<String>,
    pub(super) campus_id: Option<i64>,
    pub(super) student_id: Option<i64>,
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
    pub(super) topic: Option<Topic>,
    pub(super) concern_only: bool,
    pub(super) follow_up_only: bool,
    pub(super) limit: i64,
    pub(super) offset: i64,
    pub(super) count_all: bool,
}

/// A search turned into SQL: the keys of the matching visits, newest first, with `?N`
/// parameters bound in `args`.
pub(super) struct Plan {
    /// `SELECT <key> AS k FROM … WHERE …`, in no particular order.
    keys: String,
    /// The key column, to order by.
    key: &'static str,
    args: Vec<Value>,
}

/// The visit id is held in the low 32 bits of a (negated) sort key.
const VISIT_ID_BITS: i64 = 0xFFFF_FFFF;

/// A visit's sort key worked out from its salon's day, as the search-order triggers write it.
const KEY_OF_VISIT: &str = "-((CAST(julianday(s.date) AS INTEGER) << 32) | v.id)";
const VISITS: &str = "visit v JOIN salon_session s ON s.id = v.session_id";

/// The visit a sort key belongs to.
pub(super) fn visit_of(key: i64) -> i64 {
    key.wrapping_neg() & VISIT_ID_BITS
}

impl Plan {
    /// `whole`: every match will be read (filters that leave few visits), so no order is
    /// needed from the tables; otherwise the plan reads in key order and stops.
    pub(super) fn new(f: &Filter, use_index: bool, whole: bool) -> Plan {
        let mut b = Builder::default();
        let indexed = |t: &&String| use_index && t.chars().count() >= TRIGRAM;
        let long: Vec<&String> = f.terms.iter().filter(indexed).collect();
        let short: Vec<&String> = f.terms.iter().filter(|t| !indexed(t)).collect();
        let others = !short.is_empty()
            || f.campus_id.is_some()
            || f.student_id.is_some()
            || f.topic.is_some()
            || f.concern_only
            || f.follow_up_only;
        let (key, from) = match (long.is_empty(), others) {
            (false, false) => {
                let n = b.bind(Value::Text(fts_match(&long)));
                b.conds.push(format!("visit_fts MATCH ?{n}"));
                ("rowid", "visit_fts".to_owned())
            }
            (false, true) => {
                let n = b.bind(Value::Text(fts_match(&long)));
                b.conds.push(format!("visit_fts MATCH ?{n}"));
                (
                    "visit_fts.rowid",
                    "visit_fts JOIN visit_folded f ON f.sort_key = visit_fts.rowid \
                     JOIN visit v ON v.id = f.visit_id JOIN salon_session s ON s.id = v.session_id"
                        .to_owned(),
                )
            }
            (true, _) if !short.is_empty() || !whole => (
                "f.sort_key",
                "visit_folded f JOIN visit v ON v.id = f.visit_id \
                 JOIN salon_session s ON s.id = v.session_id"
                    .to_owned(),
            ),
            // Every match read and no text to look at: the key from the salon's day and the
            // visit, so the filters are answered from indexes alone (`visit_filters`, 0011).
            (true, _) => (KEY_OF_VISIT, VISITS.to_owned()),
        };
        if key == KEY_OF_VISIT {
            b.days(f);
        } else {
            b.period(f, key);
            if key != "rowid" {
                // The same period by day, for a plan that finds the visits through their salons.
                b.days(f);
            }
        }
        for term in short {
            let n = b.bind(Value::Text(format!("%{}%", escape_like(term))));
            b.conds.push(format!(
                "(f.note LIKE ?{n} ESCAPE '\\' OR f.next_steps LIKE ?{n} ESCAPE '\\' \
                 OR f.teacher_summary LIKE ?{n} ESCAPE '\\')"
            ));
        }
        b.filters(f);
        let clause = if b.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", b.conds.join(" AND "))
        };
        Plan {
            keys: format!("SELECT {key} AS k FROM {from} {clause}"),
            key,
            args: b.args,
        }
    }

    /// The keys of the first `n` matches, newest first, read in key order.
    pub(super) fn first(&self, n: i64) -> (String, Vec<Value>) {
        let mut args = self.args.clone();
        args.push(Value::Integer(n));
        let l = args.len();
        (
            format!("{} ORDER BY {} LIMIT ?{l}", self.keys, self.key),
            args,
        )
    }

    /// The keys of every match, in no particular order.
    pub(super) fn all_keys(&self) -> (String, Vec<Value>) {
        (self.keys.clone(), self.args.clone())
    }

    /// How many match, all of them.
    pub(super) fn count_all(&self) -> (String, Vec<Value>) {
        (
            format!("SELECT count(*) FROM ({})", self.keys),
            self.args.clone(),
        )
    }
}

#[derive(Default)]
struct Builder {
    conds: Vec<String>,
    args: Vec<Value>,
}

impl Builder {
    fn bind(&mut self, v: Value) -> usize {
        self.args.push(v);
        self.args.len()
    }

    /// The period as a range of keys: from the last day's newest key to the first day's oldest.
    fn period(&mut self, f: &Filter, key: &str) {
        if let Some(d) = f.from {
            let n = self.bind(Value::Text(date_text(d)));
            self.conds.push(format!(
                "{key} <= -(CAST(julianday(?{n}) AS INTEGER) << 32)"
            ));
        }
        if let Some(d) = f.to {
            let n = self.bind(Value::Text(date_text(d)));
            self.conds.push(format!(
                "{key} >= -((CAST(julianday(?{n}) AS INTEGER) << 32) | {VISIT_ID_BITS})"
            ));
        }
    }

    /// The period as days of the salons (`s`).
    fn days(&mut self, f: &Filter) {
        if let Some(d) = f.from {
            let n = self.bind(Value::Text(date_text(d)));
            self.conds.push(format!("s.date >= ?{n}"));
        }
        if let Some(d) = f.to {
            let n = self.bind(Value::Text(date_text(d)));
            self.conds.push(format!("s.date <= ?{n}"));
        }
    }

    fn filters(&mut self, f: &Filter) {
        if let Some(id) = f.campus_id {
            let n = self.bind(Value::Integer(id));
            self.conds.push(format!("s.campus_id = ?{n}"));
        }
        if let Some(id) = f.student_id {
            let n = self.bind(Value::Integer(id));
            self.conds.push(format!("v.student_id = ?{n}"));
        }
        if let Some(topic) = f.topic {
            let n = self.bind(Value::Text(topic.code().to_owned()));
            self.conds.push(format!(
                "EXISTS (SELECT 1 FROM visit_topic t WHERE t.visit_id = v.id AND t.topic = ?{n})"
            ));
        }
        if f.concern_only {
            self.conds.push("v.concern = 1".to_owned());
        }
        if f.follow_up_only {
            self.conds.push("v.follow_up_on IS NOT NULL".to_owned());
        }
    }
}

/// The filters alone (no text), as a count of the visits they leave: whether scanning those is
/// cheaper than asking the index. `None` when there is no filter.
pub(super) fn filters_only(f: &Filter) -> Option<(String, Vec<Value>)> {
    let mut b = Builder::default();
    b.days(f);
    b.filters(f);
    if b.conds.is_empty() {
        return None;
    }
    Some((
        format!(
            "SELECT count(*) FROM {VISITS} WHERE {}",
            b.conds.join(" AND ")
        ),
        b.args,
    ))
}

/// An FTS5 query that matches every term literally: each is an FTS5 string (`"…"`, with `"`
/// doubled), so nothing the supporter types is read as an operator.
pub(super) fn fts_match(terms: &[&String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
