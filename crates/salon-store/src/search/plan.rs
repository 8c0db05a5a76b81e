//! The SQL of a search: which plan (the trigram index, or a scan of what the filters leave),
//! the filters, and user text made literal for FTS5 and LIKE.

use rusqlite::types::Value;

use super::{Filter, TRIGRAM};
use crate::rows::date_text;

/// The WHERE clause of a filter and its bound values (numbered `?N`, so one value can be used
/// several times), and the FTS5 query whose matches it expects in `temp.search_match`. With
/// `use_index` false every term is a scan (LIKE), which finds the same visits.
pub(super) fn where_clause(f: &Filter, use_index: bool) -> (String, Vec<Value>, Option<String>) {
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
            "EXISTS (SELECT 1 FROM visit_folded f WHERE f.visit_id = v.id \
             AND (f.note LIKE ?{n} ESCAPE '\\' OR f.next_steps LIKE ?{n} ESCAPE '\\' \
             OR f.teacher_summary LIKE ?{n} ESCAPE '\\'))"
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
