use chrono::NaiveDate;
use serde_json::{json, Value};

use super::*;

/// A salon day of 23 visits, its month (all in person), a month's release and a 年度's.
fn sample() -> Upload {
    let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
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
            breakdown: MonthBreakdown {
                visits: 23,
                by_format: vec![
                    Cell {
                        code: Format::InPerson,
                        count: 23,
                    },
                    Cell {
                        code: Format::Online,
                        count: 0,
                    },
                ],
            },
        }],
        releases: vec![MonthRelease {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::parse("2025-01").unwrap(),
            breakdown: NoisyMonthBreakdown {
                release: Release::First,
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
            by_path: PathStatus::DECIDED
                .iter()
                .map(|&code| NoisyCell { code, count: -1 })
                .collect(),
            sensitive: Some(SensitiveTopics {
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
    assert!(upload.check().is_ok());
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
    v["releases"][0]["breakdown"]["byTopic"][0]["code"] = json!("面接の練習");
    assert!(serde_json::from_value::<Upload>(v).is_err());
    let mut v = serde_json::to_value(sample()).unwrap();
    v["months"][0]["month"] = json!("2025-13");
    assert!(serde_json::from_value::<Upload>(v).is_err());
}

#[test]
fn a_month_states_its_visits_by_format_whole_and_adding_up() {
    assert_eq!(sample().check(), Ok(()));
    let mut upload = sample();
    upload.months[0].breakdown.by_format.pop();
    assert_eq!(upload.check(), Err(ProtocolError::IncompleteBreakdown));
    let mut upload = sample();
    upload.months[0].breakdown.by_format[1].count = 1;
    assert_eq!(upload.check(), Err(ProtocolError::MonthTotalMismatch));
    // A month carries nothing but its visits by format: a route cell has no field to go in.
    let mut v = serde_json::to_value(sample()).unwrap();
    v["months"][0]["breakdown"]["byRoute"] = json!([{"code": "self", "count": 3}]);
    assert!(serde_json::from_value::<Upload>(v).is_err());
}

#[test]
fn codes_typed_by_people_are_tidied_or_refused() {
    assert_eq!(
        EnrolmentCode::parse("abcd-efgh 23").unwrap().as_str(),
        "ABCDEFGH23"
    );
    // 0 and 1 are never printed: typed, they are the O and I that were read.
    assert_eq!(
        EnrolmentCode::parse("ABCDEFGH10").unwrap().as_str(),
        "ABCDEFGHIO"
    );
    assert!(EnrolmentCode::parse("ABCDEFGH!2").is_err());
    assert!(EnrolmentCode::parse("ABCDEFGH2").is_err());
    assert!(CampusCode::parse("c-012").is_err());
    assert!(CampusCode::parse("").is_err());
    assert_eq!(Month::parse("2025-02").unwrap().to_string(), "2025-02");
}

#[test]
fn an_enrolment_never_shows_its_token_in_debug() {
    let e = Enrolment {
        token: DeviceToken::from("tok-SECRET-0123456789"),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        path_calendar: PathCalendar::default(),
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
fn a_configuration_names_no_noise() {
    let sent = r#"{"campuses":["C-012"],"releasesHeld":[{"campus":"C-012","month":"2025-01","release":"first"}],"pathCalendar":{"terms":[{"from":"2024-09","to":"2025-02"}]},"pathReleasesHeld":[{"from":"2024-04","to":"2025-03","release":"first"}]}"#;
    let config: DeviceConfig = serde_json::from_str(sent).unwrap();
    assert_eq!(config.path_calendar.terms.len(), 1);
    assert_eq!(config.path_releases_held[0].release, Release::First);
    assert_eq!(serde_json::to_string(&config).unwrap(), sent);
    // Nothing headquarters could send changes the noise a laptop draws: a configuration that
    // names any is not one this app speaks.
    for extra in [
        r#""noise":{"route":{"numerator":1,"denominator":9}},"#,
        r#""scale":0.1,"#,
    ] {
        let text = sent.replacen('{', &format!("{{{extra}"), 1);
        assert!(
            serde_json::from_str::<DeviceConfig>(&text).is_err(),
            "{text}"
        );
    }
}

#[test]
fn an_app_version_is_semver_and_ordered_as_semver() {
    let v = |t| AppVersion::parse(t).unwrap();
    assert!(v("1.0.0") < v("1.0.1") && v("1.0.1") < v("1.10.0"));
    assert!(v("1.1.0-rc.1") < v("1.1.0"));
    assert_eq!(v("1.2.3").to_string(), "1.2.3");
    for bad in [
        "",
        "1.0",
        "v1.0.0",
        "1.0.0+build",
        "泣いていた",
        &"1".repeat(40),
    ] {
        assert_eq!(AppVersion::parse(bad), None, "{bad}");
    }
}
