//! The UI's catalogue against the Rust side: every code the app can answer the window with has
//! a message in Japanese and in English, and every route, topic, path status and event kind
//! has the same Japanese name in the app and on headquarters' pages (a supporter who logs
//! 保護者向けセミナー reads the same name on the funder's report). The catalogue is read here
//! as the window reads it: `ui/i18n/<lang>.json` and its parts, merged.

#[path = "support/architecture.rs"]
mod modules;
#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use salon_app_lib::Code;
use salon_figures::labels::{event_kind_ja, path_ja, route_ja, topic_ja};
use salon_protocol::{ErrorCode, EventKind, PathStatus, Route, Topic};
use serde_json::{Map, Value};

/// The whole catalogue of one language: `<lang>.json` and every `<lang>.<area>.json`.
fn catalogue(lang: &str) -> Value {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/i18n");
    let mut names: Vec<String> = std::fs::read_dir(&ui)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{lang}.")) && n.ends_with(".json"))
        .collect();
    names.sort();
    let mut whole = Map::new();
    for name in &names {
        let part: Value = serde_json::from_str(&std::fs::read_to_string(ui.join(name)).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        merge(&mut whole, part.as_object().unwrap());
    }
    assert!(names.len() > 1, "{lang}: only {names:?}");
    Value::Object(whole)
}

fn merge(into: &mut Map<String, Value>, part: &Map<String, Value>) {
    for (key, value) in part {
        match (into.get_mut(key), value) {
            (Some(Value::Object(held)), Value::Object(more)) => merge(held, more),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

fn text<'a>(catalogue: &'a Value, path: &str) -> Option<&'a str> {
    path.split('.')
        .try_fold(catalogue, |node, key| node.get(key))
        .and_then(Value::as_str)
}

#[test]
fn every_code_the_window_can_receive_has_a_message_in_japanese_and_english() {
    let codes: Vec<Code> = Code::OWN
        .iter()
        .copied()
        .chain(ErrorCode::ALL.iter().map(|c| Code::Hq(*c)))
        .chain([Code::Hq(ErrorCode::Unknown)])
        // Codes of the admin web only never reach the app.
        .filter(|c| !matches!(c, Code::Hq(h) if ErrorCode::WEB_ONLY.contains(h)))
        .collect();
    for lang in ["ja", "en"] {
        let catalogue = catalogue(lang);
        let missing: Vec<&str> = codes
            .iter()
            .map(|c| c.as_str())
            .filter(|c| text(&catalogue, &format!("errors.{c}")).is_none())
            .collect();
        assert!(missing.is_empty(), "{lang}: no message for {missing:?}");
    }
}

#[test]
fn the_app_and_headquarters_name_every_code_alike() {
    let catalogue = catalogue("ja");
    let mut differ = Vec::new();
    let mut check = |key: String, hq: &str| match text(&catalogue, &key) {
        Some(ours) if ours == hq => {}
        ours => differ.push(format!("{key}: app {ours:?}, headquarters 「{hq}」")),
    };
    for r in Route::ALL {
        check(format!("route.{}", r.code()), route_ja(*r));
    }
    for t in Topic::ALL {
        check(format!("topic.{}", t.code()), topic_ja(*t));
    }
    for p in PathStatus::ALL {
        check(format!("pathStatus.{}", p.code()), path_ja(*p));
    }
    for k in EventKind::ALL {
        check(format!("events.kind.{}", k.code()), event_kind_ja(*k));
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// The Japanese the Rust side writes itself (headquarters' pages and refusals, the operator's
/// commands, the app's reports) follows the catalogue's rules, as `scripts/check-i18n.mjs`
/// checks them there: full-width parentheses, a full-width colon after Japanese, and 事務局,
/// never 本部.
#[test]
fn japanese_written_in_rust_follows_the_catalogues_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut wrong = Vec::new();
    let mut read = 0;
    for (_, file, code) in modules::product_code(&root) {
        for literal in japanese_literals(&code) {
            read += 1;
            let chars: Vec<char> = literal.chars().collect();
            let colon_after_japanese = chars.windows(2).any(|w| !w[0].is_ascii() && w[1] == ':');
            if literal.contains(['(', ')']) || colon_after_japanese || literal.contains("本部") {
                let at = file.strip_prefix(&root).unwrap().display().to_string();
                wrong.push(format!("{at}: {literal}"));
            }
        }
    }
    assert!(read > 300, "only {read} Japanese strings read");
    assert!(
        wrong.is_empty(),
        "write （）, ：, 事務局:\n{}",
        wrong.join("\n")
    );
}

/// The string literals of `code` that hold kana or kanji.
fn japanese_literals(code: &str) -> Vec<String> {
    let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}');
    let mut out = Vec::new();
    let mut chars = code.chars();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        // A char literal '"' is no string.
        if c == '"' && previous != '\'' {
            let mut literal = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => literal.push(d),
                }
            }
            if literal.chars().any(japanese) {
                out.push(literal);
            }
            previous = '"';
            continue;
        }
        previous = c;
    }
    out
}
