//! The UI's catalogue against the Rust side: every code the app can answer the window with has
//! a message in Japanese and in English, and every route, topic, path status and event kind
//! has the same Japanese name in the app and on headquarters' pages (a supporter who logs
//! 保護者向けセミナー reads the same name on the funder's report). The catalogue is read here
//! as the window reads it: `ui/i18n/<lang>.json` and its parts, merged.

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
