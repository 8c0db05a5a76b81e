//! Structure-aware mutation of a JSON document for the fuzz suites: one value of a real
//! message (found by its place among all the values) replaced with another of any kind.
#![allow(dead_code)]

use proptest::prelude::*;
use serde_json::Value;

/// Every value in `doc`, depth first, the document itself first.
fn count(doc: &Value) -> usize {
    1 + match doc {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// The `n`-th value of `doc` (modulo how many there are), to replace.
pub fn nth_mut(doc: &mut Value, n: usize) -> &mut Value {
    let n = n % count(doc);
    nth(doc, n)
}

fn nth(doc: &mut Value, mut n: usize) -> &mut Value {
    if n == 0 {
        return doc;
    }
    n -= 1;
    let children: Vec<&mut Value> = match doc {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => unreachable!("n is within the document"),
    };
    for child in children {
        let size = count(child);
        if n < size {
            return nth(child, n);
        }
        n -= size;
    }
    unreachable!("n is within the document")
}

/// Values a parser finds hard: edges of every integer width, floats, strings of every sort,
/// nulls, and small nested arrays and objects.
pub fn hostile_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(i64::from(u32::MAX)),
            Just(i64::from(u32::MAX) + 1),
            Just(i64::MAX),
            Just(i64::MIN),
            any::<i64>(),
        ]
        .prop_map(Value::from),
        Just(serde_json::json!(u64::MAX)),
        prop_oneof![Just(1.5f64), Just(-0.0), Just(1e308), any::<f64>()]
            .prop_map(|f| { serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number) }),
        prop_oneof![
            Just(String::new()),
            Just("C-012".to_owned()),
            Just("2025-02-30".to_owned()),
            Just("2025-13".to_owned()),
            Just("山田 花子".to_owned()),
            Just("\u{0}\u{202e}".to_owned()),
            "\\PC{0,40}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
