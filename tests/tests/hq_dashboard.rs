//! End-to-end: the headquarters dashboard in headless Chromium (Debian's `chromium` through
//! `chromedriver`). The real HQ serves on 127.0.0.1, fed by the real device store and client;
//! an admin logs in through the form and opens 2024年度; the figures shown equal the
//! database's, 目標比 is the right percentage, the breakdowns under noise are the releases'
//! sums with their intervals, the CSV starts with a BOM.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_dashboard` (no display
//! needed). Screenshots go to `tests/screenshots/hq-*.png`.
//!
//! Over 500 lines because one dashboard is filled once, by the real laptops and client, and every
//! figure on it is then checked against the database.
#![cfg(feature = "e2e")]

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/mod.rs"]
mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::Path;
use std::sync::Arc;

use chromium::Chromium;
use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use salon_core::{CampusInput, NewStudent, SessionOpen, VisitInput};
use salon_figures::{percent_of, Period};
use salon_hq_store::figures::{self, Figures};
use salon_hq_store::Target;
use salon_protocol::{CampusCode, EnrolmentCode, Month, Route, Topic};
use salon_store::{Store, Vault};
use salon_sync::HqClient;
use serde_json::json;

const PASS: &str = "さくら咲く相談室2025";
const ADMIN: &str = "事務局 佐藤";
const ADMIN_PASSWORD: &str = "本部の合言葉-2024";
const ROUTES: [&str; 5] = ["self", "teacher", "outreach", "appointment", "repeat"];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---- headquarters and a device that feeds it ----

/// The real HQ on 127.0.0.1:0 over a fresh database: two campuses, an admin, the 2024年度
/// target. Returns its address and its store.
async fn start_hq(dir: &Path) -> (String, Arc<salon_hq_store::HqStore>) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    let now = Utc::now();
    for (code, name) in [("C-012", "柏キャンパス"), ("C-013", "松戸キャンパス")] {
        store
            .add_campus(
                &salon_hq_store::Actor::cli(),
                &CampusCode::parse(code).unwrap(),
                name,
                now,
            )
            .unwrap();
    }
    store
        .create_admin(
            &salon_hq_store::Actor::cli(),
            ADMIN,
            ADMIN_PASSWORD,
            salon_hq_store::Role::Manager,
            now,
        )
        .unwrap();
    let fy = Period::fiscal_year(2024);
    store
        .set_target(
            &salon_hq_store::Actor::cli(),
            Target {
                from: fy.from,
                to: fy.to,
                schools: 2,
                sessions: 10,
                visits: 40,
            },
            chrono::Utc::now(),
        )
        .unwrap();
    let state = salon_hq_web::ServerState {
        log: salon_hq_web::LogSink::Memory(Arc::default()),
        ..salon_hq_web::ServerState::new(store)
    };
    let hq = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = salon_hq_web::router(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq)
}

/// One salon day: `visits` visits, all named but the last; routes cycle through the five;
/// every visit is about 就職, the first two about 家庭 as well, the first also 進学 and the
/// second 心身の不調.
fn log_day(store: &mut Store, campus_id: i64, day: NaiveDate, visits: usize) {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let session = store.open_session(&open, day, at(10)).unwrap();
    for v in 0..visits {
        let topics: Vec<String> = match v {
            0 => vec!["job_search".into(), "family".into(), "further_study".into()],
            1 => vec!["job_search".into(), "family".into(), "wellbeing".into()],
            _ => vec!["job_search".into()],
        };
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            new_student: (v + 1 < visits).then(|| NewStudent {
                display_name: format!("はるか{}-{v}", day.format("%m%d")),
                grade: Some(2),
            }),
            route: ROUTES[v % ROUTES.len()].into(),
            topics,
            minutes: 30,
            note: "進路のことで相談".into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        store.save_visit(&input, None).unwrap();
    }
    store.close_session(session.id, at(13)).unwrap();
}

/// The days logged on the device: (HQ campus, day, visits).
const DAYS: &[(&str, (i32, u32, u32), usize)] = &[
    ("C-012", (2025, 2, 17), 2),
    ("C-012", (2025, 2, 18), 3),
    ("C-012", (2025, 2, 19), 4),
    ("C-012", (2025, 2, 20), 5),
    ("C-012", (2025, 2, 21), 6),
    ("C-013", (2024, 11, 12), 3),
    ("C-013", (2025, 2, 18), 4),
];

/// A supporter's laptop with 柏 (C-012) and 松戸 (C-013), enrolled with a one-time code and
/// synced once through the real client.
async fn feed(hq_url: &str, hq: &salon_hq_store::HqStore, dir: &Path) {
    let (mut store, _) = Vault::new(dir.join("device")).create(PASS, PASS).unwrap();
    let campus = |name: &str, code: &str| CampusInput {
        id: None,
        name: name.into(),
        weekday: 2,
        start_time: "10:00".into(),
        end_time: "13:00".into(),
        place: "相談室".into(),
        default_format: "in_person".into(),
        hq_code: Some(code.into()),
    };
    let kashiwa = store.save_campus(&campus("柏", "C-012")).unwrap().id;
    let matsudo = store.save_campus(&campus("松戸", "C-013")).unwrap().id;
    for &(code, (y, m, d), visits) in DAYS {
        let id = if code == "C-012" { kashiwa } else { matsudo };
        log_day(&mut store, id, date(y, m, d), visits);
    }
    // Related activities: a guidance at 柏 on a salon day, a parents' seminar at 松戸 on a day
    // without a salon, and an online talk that belongs to no campus.
    for (kind, day, campus, students, parents) in [
        ("career_guidance", "2025-02-18", Some(kashiwa), 24, 0),
        ("parent_seminar", "2024-11-20", Some(matsudo), 0, 15),
        ("career_talk", "2024-12-10", None, 130, 0),
    ] {
        store
            .save_event(&salon_core::care::EventInput {
                id: None,
                kind: kind.into(),
                date: day.into(),
                campus_id: campus,
                title: "進路の会".into(),
                students,
                parents,
                teachers: 2,
                supporters: 1,
            })
            .unwrap();
    }

    let campuses = [
        CampusCode::parse("C-012").unwrap(),
        CampusCode::parse("C-013").unwrap(),
    ];
    let issued = hq
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &campuses,
            Utc::now(),
        )
        .unwrap();
    let client = HqClient::new(hq_url).unwrap();
    let enrolment = client
        .enrol(&EnrolmentCode::parse(&issued.code).unwrap())
        .await
        .unwrap();
    store.save_enrolment(client.address(), &enrolment).unwrap();
    store
        .prepare_outbox(salon_core::in_tokyo(chrono::Utc::now()).date_naive())
        .unwrap();
    let pending = store.pending_upload().unwrap();
    let token = store.enrolment().unwrap().unwrap().token;
    let receipt = client
        .upload(&token, &pending.idempotency_key, &pending.payload)
        .await
        .unwrap();
    store.record_sent(&pending, &receipt).unwrap();
    // Seven days and three campus-months; one more day (松戸's seminar) and three days of
    // events; each campus-month's two releases under noise (all long due); the 年度's two
    // path releases, both campuses together.
    assert_eq!((receipt.stored, receipt.stale), (22, 0), "{receipt:?}");
    assert_eq!(pending.upload.path_releases.len(), 2);
}

// ---- what the dashboard should show ----

/// The seed's name of a kind of related activity.
fn salon_hq_kind_ja(code: &str) -> &'static str {
    match code {
        "career_talk" => "オンライン職業講話",
        "career_guidance" => "キャリア教育ガイダンス・イベント",
        "parent_seminar" => "保護者向けセミナー",
        _ => "",
    }
}

/// 目標比, computed here independently: a whole percentage, half rounded up.
fn percent(value: u64, target: u32) -> String {
    format!("{}%", (value as f64 * 100.0 / target as f64).round())
}

/// The campus table as the dashboard should show it: per campus, the year's totals of each
/// figure and the months with figures.
fn campus_rows(f: &Figures) -> Vec<Vec<String>> {
    salon_figures::per_campus(&f.rows)
        .into_iter()
        .map(|(code, name, c, months)| {
            let mut row = vec![format!("{code} {name}")];
            row.extend(
                [
                    c.sessions,
                    c.session_minutes,
                    c.visits,
                    c.distinct_students,
                    c.first_time_students,
                    c.appointments_booked,
                    c.appointments_kept,
                    c.appointments_missed,
                ]
                .map(|n| n.to_string()),
            );
            row.push(
                months
                    .iter()
                    .map(|m| format!("{}月", m.first_day().month()))
                    .collect::<String>(),
            );
            row
        })
        .collect()
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_dashboard_in_chromium_shows_the_databases_figures() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let rt = support::runtime();
    let (url, hq) = rt.block_on(async {
        let (url, hq) = start_hq(dir.path()).await;
        feed(&url, &hq, dir.path()).await;
        (url, hq)
    });
    eprintln!("hq fed in {:?}", started.elapsed());

    // What the database holds, and that it is what the device logged.
    let f = figures::compute(&hq, Period::fiscal_year(2024)).unwrap();
    let visits: usize = DAYS.iter().map(|d| d.2).sum();
    assert_eq!(
        (f.schools, f.sessions, f.visits),
        (2, DAYS.len() as u64, visits as u64)
    );
    let term = f.term.clone().expect("the 2024年度 term");
    let target = term.targets;
    assert_eq!(term.name, "2024年度");
    let totals = hq.day_totals(date(2024, 4, 1), date(2025, 3, 31)).unwrap();
    assert_eq!(totals.len(), f.rows.len());
    assert_eq!(
        totals.iter().map(|t| t.counts.visits as u64).sum::<u64>(),
        f.visits
    );

    let browser = Chromium::start(&support::shots_dir());
    let t0 = std::time::Instant::now();

    // Not logged in: the dashboard sends the browser to the login form.
    browser.navigate(&url);
    browser.wait_until("the login form", || {
        browser.current_url().ends_with("/login").then_some(())
    });
    browser.find_css("form[action=\"/login\"]");
    assert!(browser.text_css("h1").contains("ログイン"));
    browser.screenshot("hq-login");

    browser.type_into_css("input[name=\"name\"]", ADMIN);
    browser.type_into_css("input[name=\"password\"]", ADMIN_PASSWORD);
    browser.click_css("form[action=\"/login\"] button[type=\"submit\"]");
    browser.find("figure-schools");
    assert_eq!(browser.text_css("h1"), "ダッシュボード");
    assert!(browser.text_css("header").contains(ADMIN));
    // Over plain http://127.0.0.1 the browser keeps the Secure, __Host- session cookie.
    let cookies = browser.get("/cookie");
    let session = cookies
        .as_array()
        .expect("cookies")
        .iter()
        .find(|c| c["name"] == "__Host-hq_session")
        .unwrap_or_else(|| panic!("no session cookie: {cookies}"));
    assert_eq!(
        (
            &session["secure"],
            &session["httpOnly"],
            &session["sameSite"]
        ),
        (&json!(true), &json!(true), &json!("Strict")),
        "{session}"
    );

    // The 年度 chosen in the filter, as an admin would (unfolding it while a term is shown).
    let folded = browser.script(
        "return !document.querySelector('[data-testid=\"period-choice\"]').open;",
        json!([]),
    );
    if folded == json!(true) {
        browser.click_css("[data-testid=\"period-choice\"] summary");
    }
    browser.click_css("form.filter select[name=\"fy\"] option[value=\"2024\"]");
    browser.click_css("form[data-testid=\"filter-period\"] button[type=\"submit\"]");
    browser.wait_until("the 2024年度 dashboard", || {
        browser.current_url().contains("fy=2024").then_some(())
    });
    browser.find("campus-totals");
    assert!(
        browser
            .text_css("main")
            .contains("集計期間：2024年4月 〜 2025年3月"),
        "the period shown"
    );

    // The funder figures and their 目標比.
    let expected = [
        (
            "figure-schools",
            "導入校数",
            f.schools as u64,
            "校",
            target.schools.unwrap(),
        ),
        (
            "figure-sessions",
            "実施回数",
            f.sessions,
            "回",
            target.sessions.unwrap(),
        ),
        (
            "figure-visits",
            "利用人数（延べ）",
            f.visits,
            "名",
            target.visits.unwrap(),
        ),
    ];
    for (testid, label, value, unit, goal) in expected {
        let shown = browser.table(testid);
        assert_eq!(
            shown,
            vec![vec![
                label.to_owned(),
                format!("{value}{unit}"),
                format!("{goal}{unit}"),
                percent(value, goal),
            ]],
            "{label}"
        );
        assert_eq!(
            percent_of(value, goal).map(|p| format!("{p}%")),
            Some(percent(value, goal))
        );
    }
    let pcts: Vec<String> = ["figure-schools", "figure-sessions", "figure-visits"]
        .iter()
        .map(|t| browser.table(t)[0][3].clone())
        .collect();
    // 2 of 2, 7 of 10, 27 of 40 (67.5, rounded up).
    assert_eq!(pcts, ["100%", "70%", "68%"]);
    assert_eq!(
        browser.table("figure-student-days"),
        vec![strings(&[
            "延べ生徒数（日ごと）",
            &format!("{}名", f.student_days),
            "—",
            "—"
        ])]
    );

    // One row per campus: its totals for the year, and its months to open.
    let shown = browser.table("campus-totals");
    assert_eq!(shown, campus_rows(&f));
    let by_row: Vec<(String, String, String, String)> = shown
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[3].clone(), r[9].clone()))
        .collect();
    let row = |c: &str, s: &str, v: &str, m: &str| (c.into(), s.into(), v.into(), m.into());
    assert_eq!(
        by_row,
        vec![
            row("C-012 柏キャンパス", "5", "20", "2月"),
            row("C-013 松戸キャンパス", "2", "7", "11月2月"),
        ]
    );

    // Routes and topics leave the laptops under noise only: no monthly table of them.
    assert!(!browser.is_present("by-route") && !browser.is_present("by-topic"));
    // The year's breakdowns under noise: each route's sum over the three released campus-months,
    // its share of their 27 visits, and 1.96·√(3 × the variance of b = 1) as its interval (none
    // for a share clipped at 0 %, which the laptops' fresh noise keys give now and then).
    let released = hq
        .latest_releases(
            Month::parse("2024-04").unwrap(),
            Month::parse("2025-03").unwrap(),
        )
        .unwrap();
    assert_eq!(released.len(), 3);
    let visits: u64 = released.iter().map(|r| r.visits).sum();
    assert_eq!(visits, 27);
    let margin = 1.96 * (3.0 * salon_protocol::NoiseScale::ONE.variance()).sqrt() / 27.0 * 100.0;
    let expected: Vec<Vec<String>> = salon_protocol::Route::ALL
        .iter()
        .enumerate()
        .map(|(i, route)| {
            let sum: i64 = released.iter().map(|r| r.breakdown.by_route[i].count).sum();
            let share = (sum as f64 / 27.0 * 100.0).clamp(0.0, 100.0);
            assert_eq!(released[0].breakdown.by_route[i].code, *route);
            vec![
                ["自発", "教員紹介", "声かけ", "予約", "継続"][i].to_owned(),
                format!("約{}件", sum.max(0)),
                format!("{share:.1}%"),
                // A share clipped at 0 % or 100 % is shown with no interval.
                if share > 0.0 && share < 100.0 {
                    format!("±{margin:.1}ポイント")
                } else {
                    "—".to_owned()
                },
            ]
        })
        .collect();
    assert_eq!(browser.table("noisy-routes"), expected);
    // 家庭のこと and 心身の不調 are not among them: they go per period.
    assert_eq!(browser.table("noisy-topics").len(), Topic::MONTHLY.len());
    assert!(
        !browser.is_present("noisy-awaiting"),
        "nothing still to come"
    );
    // Related activities, by kind: what the database holds.
    let activities = browser.table("activities");
    let row = |code: &str| {
        activities
            .iter()
            .find(|r| r[0] == salon_hq_kind_ja(code))
            .cloned()
            .unwrap()
    };
    assert_eq!(
        row("career_talk")[1..8],
        strings(&["1回", "1回", "130", "0", "2", "1", "133名"])
    );
    assert_eq!(row("career_guidance")[1..3], strings(&["1回", "0回"]));
    assert_eq!(row("parent_seminar")[4], "15");
    let talks = f
        .events
        .iter()
        .find(|m| m.kind == salon_protocol::EventKind::CareerTalk)
        .unwrap();
    assert_eq!(talks.participants(), 133);
    browser.full_page_screenshot("hq-dashboard");

    // The CSV, fetched by the logged-in browser: a BOM, then the header.
    let href = browser.script(
        "return document.querySelector('[data-testid=\"csv-link\"]').getAttribute('href');",
        json!([]),
    );
    assert_eq!(href.as_str(), Some("/export.csv?fy=2024"));
    let csv = browser.script_async(
        "const done = arguments[arguments.length - 1];
         fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done({
             status: r.status,
             type: r.headers.get('content-type'),
             bytes: Array.from(new Uint8Array(b)),
         }))).catch(e => done({error: String(e)}));",
        json!(["/export.csv?fy=2024"]),
    );
    assert_eq!(csv["status"], 200, "{csv}");
    assert_eq!(csv["type"], "text/csv; charset=utf-8");
    let bytes: Vec<u8> = serde_json::from_value(csv["bytes"].clone()).unwrap();
    assert_eq!(bytes[..3], [0xEF, 0xBB, 0xBF], "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "キャンパスコード,キャンパス名,年月,実施回数,実施時間（分）,利用人数（延べ）,\
         延べ生徒数（日ごと）,初回生徒数,予約数,予約来談数,予約欠席数"
    );
    let blank = lines
        .iter()
        .position(|l| l.is_empty())
        .expect("the estimates follow");
    assert_eq!(blank, 1 + 2 * 12, "two campuses × twelve months");
    // Then the year's breakdowns under noise: a header, one row per route and topic, and the
    // 年度's path decisions by kind and sensitive topics with the students met (one laptop's
    // release).
    let estimates = &lines[blank + 1..];
    assert_eq!(
        estimates[0],
        "区分,項目,件数（推計）,割合（%）,誤差の目安（近似、ポイント）"
    );
    let decided = salon_protocol::PathStatus::DECIDED.len();
    assert_eq!(
        estimates.len(),
        1 + Route::ALL.len() + Topic::MONTHLY.len() + decided + 1 + Topic::SENSITIVE.len()
    );
    assert!(estimates[1..]
        .iter()
        .all(|l| l.starts_with("来談経路（推計）,")
            || l.starts_with("相談内容（推計）,")
            || l.starts_with("進路決定（推計）,")
            || l.starts_with("家庭のこと・心身の不調（推計、人）,")));
    let first_path = 1 + Route::ALL.len() + Topic::MONTHLY.len();
    assert!(estimates[first_path].starts_with("進路決定（推計）,進学決定,"));
    assert!(estimates[first_path + decided]
        .starts_with("家庭のこと・心身の不調（推計、人）,期間中に会った生徒,"));
    let feb = lines
        .iter()
        .find(|l| l.starts_with("C-012,柏キャンパス,2025年2月,"))
        .unwrap();
    assert_eq!(feb.split(',').nth(5), Some("20"));
    eprintln!("browser part took {:?}", t0.elapsed());
    drop(browser);
    eprintln!("whole test took {:?}", started.elapsed());
}
