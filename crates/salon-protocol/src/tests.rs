use chrono::NaiveDate;
use serde_json::{json, Value};

use super::*;

fn cells<C: Copy>(all: &[C], counts: &[Option<u32>]) -> Vec<Cell<C>> {
    all.iter()
        .zip(counts)
        .map(|(&code, &count)| Cell { code, count })
        .collect()
}

/// 23 visits as the device's rule (salon-core's `month_breakdown`) sends them: routes 5, 5, 5,
/// 4, 4 with the two 4s hidden together; every topic cell (3s and 2s) hidden; one hidden path.
fn sample() -> Upload {
    let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
    let rule = SuppressionRule::default();
    Upload {
        events: Vec::new(),
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
            breakdown: MonthBreakdown {
                visits: 23,
                by_route: cells(Route::ALL, &[Some(5), Some(5), Some(5), None, None]),
                by_topic: cells(Topic::ALL, &[None; 10]),
                by_format: cells(Format::ALL, &[Some(23), Some(0)]),
                path_decisions: cells(PathStatus::DECIDED, &[None, Some(0), Some(0)]),
            },
        }],
        releases: vec![MonthRelease {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::parse("2025-01").unwrap(),
            breakdown: NoisyMonthBreakdown {
                release: Release::First,
                noise: NoisePolicy::default(),
                by_route: Route::ALL
                    .iter()
                    .map(|&code| NoisyCell { code, count: -2 })
                    .collect(),
                by_topic: Topic::MONTHLY
                    .iter()
                    .map(|&code| NoisyCell { code, count: 4 })
                    .collect(),
            },
        }],
        path_releases: vec![PathRelease {
            from: Month::parse("2023-04").unwrap(),
            to: Month::parse("2024-03").unwrap(),
            release: Release::Second,
            noise: NoiseScale::ONE,
            by_path: PathStatus::DECIDED
                .iter()
                .map(|&code| NoisyCell { code, count: -1 })
                .collect(),
            sensitive: Some(SensitiveTopics {
                noise: NoiseScale::ONE,
                met: 30,
                by_topic: Topic::SENSITIVE
                    .iter()
                    .map(|&code| NoisyCell { code, count: 3 })
                    .collect(),
            }),
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
        noise: Some(NoisePolicy::default()),
        path_calendar: Some(PathCalendar::default()),
    };
    let shown = format!("{e:?} {e:#?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert_eq!(&*e.token, "tok-SECRET-0123456789");
}

#[test]
fn the_day_field_list_names_every_field_of_the_wire_once() {
    let mut counts = DayCounts::default();
    for (i, f) in DayField::ALL.iter().enumerate() {
        counts.set(*f, i as u32 + 1);
    }
    let wire = serde_json::to_value(counts).unwrap();
    let wire = wire.as_object().unwrap();
    assert_eq!(wire.len(), DayField::ALL.len(), "{wire:?}");
    for (i, f) in DayField::ALL.iter().enumerate() {
        let camel: String = f
            .name()
            .split('_')
            .enumerate()
            .map(|(n, part)| {
                if n == 0 {
                    part.to_owned()
                } else {
                    part[..1].to_uppercase() + &part[1..]
                }
            })
            .collect();
        assert_eq!(wire[&camel], json!(i + 1), "{}", f.name());
        assert_eq!(counts.get(*f), i as u32 + 1);
    }
}

#[test]
fn error_codes_travel_as_their_snake_case_names_and_unknown_ones_are_kept_apart() {
    for code in ErrorCode::ALL {
        let wire = serde_json::to_value(code).unwrap();
        assert_eq!(wire, json!(code.as_str()));
        assert_eq!(serde_json::from_value::<ErrorCode>(wire).unwrap(), *code);
    }
    let body: ErrorBody =
        serde_json::from_value(json!({"code": "from_a_newer_server", "message": "x"})).unwrap();
    assert_eq!(body.code, ErrorCode::Unknown);
    assert_eq!(ProtocolError::RuleTooLax.code().as_str(), "rule_too_lax");
}

#[test]
fn the_decided_paths_are_every_path_but_undecided() {
    let decided: Vec<PathStatus> = PathStatus::ALL
        .iter()
        .copied()
        .filter(|p| p.is_decided())
        .collect();
    assert_eq!(decided, PathStatus::DECIDED);
}

#[test]
fn a_release_on_its_day_passes_and_one_before_it_is_named() {
    let upload = sample();
    let day = |d| NaiveDate::from_ymd_opt(2025, 2, d).unwrap();
    assert_eq!(upload.check_plausible(day(26)), Ok(()));
    let only_release = Upload {
        releases: upload.releases.clone(),
        ..Upload::default()
    };
    let (key, error) = only_release.check_plausible(day(5)).unwrap_err();
    assert_eq!(error, ProtocolError::ReleaseEarly);
    assert_eq!(key, upload.releases[0].key());
}

#[test]
fn a_version_4_configuration_reads_without_noise() {
    let v4 = r#"{"campuses":["C-012"],"rule":{"k":5,"sensitiveK":10}}"#;
    let config: DeviceConfig = serde_json::from_str(v4).unwrap();
    assert_eq!(config.noise, None);
    assert!(config.releases_held.is_empty());
    // What a version 5 server sends a version 4 device is the same text.
    assert_eq!(serde_json::to_string(&config).unwrap(), v4);
}

#[test]
fn a_version_5_configuration_reads_without_a_path_calendar() {
    let v5 = r#"{"campuses":["C-012"],"rule":{"k":5,"sensitiveK":10},"releasesHeld":[{"campus":"C-012","month":"2025-01","release":"first"}]}"#;
    let config: DeviceConfig = serde_json::from_str(v5).unwrap();
    assert_eq!(config.path_calendar, None);
    assert!(config.path_releases_held.is_empty());
    assert_eq!(serde_json::to_string(&config).unwrap(), v5);
    let v6 = r#"{"campuses":[],"rule":{"k":5,"sensitiveK":10},"pathCalendar":{"terms":[{"from":"2024-09","to":"2025-02"}]},"pathReleasesHeld":[{"from":"2024-04","to":"2025-03","release":"first"}]}"#;
    let config: DeviceConfig = serde_json::from_str(v6).unwrap();
    assert_eq!(config.path_calendar.unwrap().terms.len(), 1);
    assert_eq!(config.path_releases_held[0].release, Release::First);
}

#[test]
fn a_month_under_a_path_calendar_carries_no_path_cell() {
    let mut upload = sample();
    upload.months[0].breakdown.path_decisions.clear();
    assert_eq!(upload.check(&SuppressionRule::default()), Ok(()));
    upload.months[0].breakdown.path_decisions =
        cells(&PathStatus::DECIDED[..2], &[Some(0), Some(0)]);
    assert_eq!(
        upload.check(&SuppressionRule::default()),
        Err(ProtocolError::IncompleteBreakdown)
    );
}

#[test]
fn a_month_under_noise_carries_no_route_or_topic_cell_and_one_without_the_other_is_refused() {
    let rule = SuppressionRule::default();
    let mut upload = sample();
    let b = &mut upload.months[0].breakdown;
    b.by_route.clear();
    assert_eq!(
        upload.check(&rule),
        Err(ProtocolError::IncompleteBreakdown),
        "routes without topics"
    );
    upload.months[0].breakdown.by_topic.clear();
    assert_eq!(upload.check(&rule), Ok(()));
}

#[test]
fn from_version_7_a_months_release_leaves_the_sensitive_topics_to_the_period() {
    assert_eq!(topics_by_month(6), Topic::ALL);
    assert_eq!(
        topics_by_month(SENSITIVE_BY_PERIOD_FROM_VERSION),
        Topic::MONTHLY
    );
    assert_eq!(topics_by_month(API_VERSION), Topic::MONTHLY);
    assert!(Topic::MONTHLY.iter().all(|t| !t.is_sensitive()));
}
