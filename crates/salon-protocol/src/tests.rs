use chrono::NaiveDate;
use salon_core::counts::{month_breakdown, DayCounts, SuppressionRule, VisitFact};
use salon_core::{Format, PathStatus, Route, Topic};
use serde_json::{json, Value};

use super::*;

fn sample() -> Upload {
    let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
    let visits: Vec<VisitFact> = (0..23)
        .map(|i| VisitFact {
            date: day,
            student: Some(i % 7),
            first_visit: i < 7,
            route: Route::ALL[(i % 5) as usize],
            topics: vec![Topic::ALL[(i % 10) as usize]],
            format: Format::InPerson,
        })
        .collect();
    let rule = SuppressionRule::default();
    Upload {
        days: vec![DaySnapshot {
            campus: CampusCode::parse("C-012").unwrap(),
            day,
            revision: 1,
            counts: DayCounts {
                sessions: 1,
                session_minutes: 180,
                visits: 23,
                ..Default::default()
            },
        }],
        months: vec![MonthSnapshot {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::of(day),
            revision: 1,
            rule,
            breakdown: month_breakdown(&visits, &[PathStatus::FurtherStudy], rule),
        }],
    }
}

/// Every string in a serialised upload is a code, a date or a month: nothing else fits.
fn strings_are_codes(v: &Value) -> bool {
    match v {
        Value::String(s) => {
            let is_code = !s.is_empty()
                && s.len() <= 20
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            is_code
        }
        Value::Array(items) => items.iter().all(strings_are_codes),
        Value::Object(map) => map.values().all(strings_are_codes),
        _ => true,
    }
}

#[test]
fn an_upload_round_trips_and_holds_only_numbers_and_codes() {
    let upload = sample();
    let text = serde_json::to_string(&upload).unwrap();
    assert_eq!(serde_json::from_str::<Upload>(&text).unwrap(), upload);
    assert!(
        strings_are_codes(&serde_json::to_value(&upload).unwrap()),
        "{text}"
    );
    assert!(upload.check(&SuppressionRule::default()).is_ok());
}

#[test]
fn unknown_fields_and_text_in_code_fields_are_refused() {
    let mut v = serde_json::to_value(sample()).unwrap();
    v["days"][0]["note"] = json!("泣きながら話してくれた");
    assert!(serde_json::from_value::<Upload>(v).is_err());
    let mut v = serde_json::to_value(sample()).unwrap();
    v["days"][0]["campus"] = json!("柏キャンパス");
    assert!(serde_json::from_value::<Upload>(v).is_err());
    let mut v = serde_json::to_value(sample()).unwrap();
    v["months"][0]["breakdown"]["byTopic"][0]["code"] = json!("面接の練習");
    assert!(serde_json::from_value::<Upload>(v).is_err());
    let mut v = serde_json::to_value(sample()).unwrap();
    v["months"][0]["month"] = json!("2025-13");
    assert!(serde_json::from_value::<Upload>(v).is_err());
}

#[test]
fn a_broken_small_count_rule_is_refused() {
    let rule = SuppressionRule::default();
    let mut upload = sample();
    upload.months[0].breakdown.by_topic[0].count = Some(2);
    assert_eq!(upload.check(&rule), Err(ProtocolError::SuppressionBroken));

    let mut upload = sample();
    for c in &mut upload.months[0].breakdown.by_route {
        c.count = Some(10);
    }
    upload.months[0].breakdown.by_route[1].count = None;
    assert_eq!(upload.check(&rule), Err(ProtocolError::SuppressionBroken));

    let mut upload = sample();
    upload.months[0].rule = SuppressionRule {
        k: 3,
        sensitive_k: 10,
    };
    assert_eq!(upload.check(&rule), Err(ProtocolError::RuleTooLax));

    let mut upload = sample();
    upload.months[0].breakdown.by_topic.pop();
    assert_eq!(upload.check(&rule), Err(ProtocolError::IncompleteBreakdown));
}

#[test]
fn codes_typed_by_people_are_tidied_or_refused() {
    assert_eq!(
        EnrolmentCode::parse("abcd-efgh 23").unwrap().as_str(),
        "ABCDEFGH23"
    );
    assert!(
        EnrolmentCode::parse("ABCDEFGH10").is_err(),
        "0 and 1 are never printed"
    );
    assert!(CampusCode::parse("c-012").is_err());
    assert!(CampusCode::parse("").is_err());
    assert_eq!(Month::parse("2025-02").unwrap().to_string(), "2025-02");
}
