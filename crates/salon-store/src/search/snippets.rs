//! Snippets: the text around each hit, cut at a sensible length, as segments marked hit or
//! not (the UI renders them with textContent, never as HTML).

use serde::Serialize;

/// Part of one field, in segments that are or are not a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// A snippet shows this many characters before the first hit…
pub(super) const SNIPPET_BEFORE: usize = 20;
/// …and this many in all (more only when one hit is longer).
pub(super) const SNIPPET_CHARS: usize = 100;

/// Where each term occurs in `text`, as character ranges.
pub(super) fn occurrences(text: &[char], term: &[char]) -> Vec<(usize, usize)> {
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

/// A range of folded characters as the range of the original characters they came from.
fn original_range(map: &[usize], len: usize, (a, b): (usize, usize)) -> (usize, usize) {
    let start = map.get(a).copied().unwrap_or(len);
    // The end is where the next folded character's original starts (a cluster such as ｶﾞ or ㈱
    // is hit whole), or the end of the text.
    let end = map.get(b).copied().unwrap_or(len).max(start + 1).min(len);
    (start, end)
}

/// Sorts ranges and merges those that overlap or touch.
pub(super) fn merged(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
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
pub(super) fn snippets(terms: &[String], fields: &[(&'static str, String); 3]) -> Vec<Snippet> {
    // The terms are folded already (see `SearchQuery::validate`).
    let folded_terms: Vec<Vec<char>> = terms.iter().map(|t| t.chars().collect()).collect();
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
        let (folded, map) = salon_core::fold::fold_with_map(text);
        let folded: Vec<char> = folded.chars().collect();
        let per_term: Vec<Vec<(usize, usize)>> = folded_terms
            .iter()
            .map(|t| {
                occurrences(&folded, t)
                    .into_iter()
                    .map(|r| original_range(&map, chars.len(), r))
                    .collect()
            })
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
pub(super) fn window(chars: &[char], ranges: &[(usize, usize)], at: usize) -> (usize, usize) {
    let start = at.saturating_sub(SNIPPET_BEFORE);
    let hit_end = ranges
        .iter()
        .find(|&&(a, b)| a <= at && at < b)
        .map_or(at, |r| r.1);
    (start, (start + SNIPPET_CHARS).max(hit_end).min(chars.len()))
}

pub(super) fn cut(
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
