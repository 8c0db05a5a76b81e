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
    upload.months[0].breakdown.visits = 50;
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

/// A month snapshot whose route cells are `routes` (None = hidden) out of `visits`.
fn month_with_routes(visits: u32, routes: [Option<u32>; 5]) -> Upload {
    let mut upload = sample();
    let b = &mut upload.months[0].breakdown;
    b.visits = visits;
    for (cell, count) in b.by_route.iter_mut().zip(routes) {
        cell.count = count;
    }
    upload
}

#[test]
fn hidden_route_cells_must_hold_k_together_once_the_month_has_k_visits() {
    let rule = SuppressionRule::default();
    let check = |visits, routes| month_with_routes(visits, routes).check(&rule);
    // Two hidden cells holding 4 of 44: subtraction tells that 4 visits came by those routes.
    assert_eq!(
        check(44, [Some(10), None, None, Some(10), Some(20)]),
        Err(ProtocolError::SuppressionBroken)
    );
    assert_eq!(
        check(45, [Some(10), None, None, Some(10), Some(20)]),
        Ok(())
    );
    // One hidden cell is its own difference.
    assert_eq!(
        check(50, [Some(10), None, Some(10), Some(10), Some(10)]),
        Err(ProtocolError::SuppressionBroken)
    );
    // A month under k hides every cell; showing even a zero beside hidden cells is refused.
    assert_eq!(check(3, [None; 5]), Ok(()));
    assert_eq!(
        check(3, [None, None, Some(0), Some(0), Some(0)]),
        Err(ProtocolError::SuppressionBroken)
    );
    assert_eq!(check(0, [Some(0); 5]), Ok(()));
    // Cells that do not add up to the stated visits cannot be true.
    assert_eq!(
        check(40, [Some(10), Some(10), Some(10), Some(10), Some(5)]),
        Err(ProtocolError::MonthTotalMismatch)
    );
    assert_eq!(
        check(20, [Some(10), Some(10), Some(10), None, None]),
        Err(ProtocolError::MonthTotalMismatch)
    );
}

#[test]
fn a_month_total_must_be_its_days_visits() {
    let upload = sample();
    let b = &upload.months[0].breakdown;
    assert_eq!(rule::check_month_total(b, 23), Ok(()));
    assert_eq!(
        rule::check_month_total(b, 24),
        Err(ProtocolError::MonthTotalMismatch)
    );
}

#[test]
fn an_enrolment_never_shows_its_token_in_debug() {
    let e = Enrolment {
        token: DeviceToken::from("tok-SECRET-0123456789"),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        rule: SuppressionRule::default(),
    };
    let shown = format!("{e:?} {e:#?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert_eq!(&*e.token, "tok-SECRET-0123456789");
}

proptest::proptest! {
    /// Whatever a campus's month holds, what the device's rule makes of it passes headquarters'
    /// check under the same rule.
    #[test]
    fn the_devices_rule_always_passes_headquarters_check(
        routes in proptest::collection::vec(0usize..5, 0..60),
        topics in proptest::collection::vec(0usize..10, 0..60),
        k in 2u32..8,
        extra in 0u32..6,
    ) {
        let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        let visits: Vec<VisitFact> = routes
            .iter()
            .enumerate()
            .map(|(i, r)| VisitFact {
                date: day,
                student: None,
                first_visit: false,
                route: Route::ALL[*r],
                topics: vec![Topic::ALL[topics.get(i).copied().unwrap_or(0)]],
                format: Format::Online,
            })
            .collect();
        let rule = SuppressionRule { k, sensitive_k: k + extra };
        let b = month_breakdown(&visits, &[], rule);
        proptest::prop_assert_eq!(rule::check_breakdown(&b, &rule), Ok(()));
        proptest::prop_assert_eq!(rule::check_month_total(&b, visits.len() as u64), Ok(()));
    }
}
