//! The real store and client against the real headquarters on 127.0.0.1: enrol, sync a week,
//! replay, correct a past day, revoke. Headquarters' figures always equal a recomputation from
//! the fixtures, and no body that crossed the wire holds a name, a note or a student id.

mod support;

use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime, Utc};
use salon_core::counts::DayCounts;
use salon_core::{CampusInput, NewStudent, SessionOpen, VisitInput};
use salon_protocol::{CampusCode, EnrolmentCode, ErrorCode, Month};
use salon_store::{Store, Vault};
use salon_sync::{HqClient, SyncError};

const PASS: &str = "さくら咲く相談室2025";
type Bodies = Arc<Mutex<Vec<String>>>;

/// Keeps a copy of every request body, then hands the request on unchanged.
async fn capture(State(bodies): State<Bodies>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    bodies
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&bytes).into_owned());
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

async fn start_hq(dir: &std::path::Path) -> (String, Arc<salon_hq_store::HqStore>, Bodies) {
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
    let state = salon_hq_web::ServerState::new(store);
    let hq_store = state.store.clone();
    let bodies: Bodies = Arc::default();
    let app =
        salon_hq_web::router(state).layer(middleware::from_fn_with_state(bodies.clone(), capture));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq_store, bodies)
}

struct Fixture {
    names: Vec<String>,
    notes: Vec<String>,
    /// (day, visits, named students that day) as logged.
    days: Vec<(NaiveDate, u32, u32)>,
}

/// A week at 柏 (mapped to C-012) and a day at an unmapped campus that must never be sent.
fn salon_week(store: &mut Store) -> Fixture {
    let campus = |name: &str, code: Option<&str>| CampusInput {
        id: None,
        name: name.into(),
        weekday: 1,
        start_time: "10:00".into(),
        end_time: "13:00".into(),
        place: "相談室".into(),
        default_format: "in_person".into(),
        hq_code: code.map(Into::into),
    };
    let kashiwa = store
        .save_campus(&campus("柏キャンパス", Some("C-012")))
        .unwrap();
    let other = store.save_campus(&campus("非公開の分室", None)).unwrap();
    let mut fx = Fixture {
        names: vec![],
        notes: vec![],
        days: vec![],
    };
    for (i, day) in (17..=21).enumerate() {
        let date = NaiveDate::from_ymd_opt(2025, 2, day).unwrap();
        let visits = 2 + i as u32;
        log_day(store, kashiwa.id, date, visits, &mut fx);
        fx.days.push((date, visits, visits - 1));
    }
    let elsewhere = NaiveDate::from_ymd_opt(2025, 2, 19).unwrap();
    log_day(
        store,
        other.id,
        elsewhere,
        3,
        &mut Fixture {
            names: vec![],
            notes: vec![],
            days: vec![],
        },
    );
    fx
}

fn log_day(store: &mut Store, campus_id: i64, date: NaiveDate, visits: u32, fx: &mut Fixture) {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, date, at(10)).unwrap();
    for v in 0..visits {
        let name = format!("はるか{}{}", date.format("%d"), support::canary("name"));
        let note = format!("家庭のことで泣いていた {}", support::canary("note"));
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            // The last visit of each day is anonymous: counted as a visit, not a student.
            new_student: (v + 1 < visits).then(|| NewStudent {
                display_name: name.clone(),
                grade: Some(3),
            }),
            route: ["self", "teacher", "outreach", "appointment", "repeat"][v as usize % 5].into(),
            topics: vec!["family".into(), "job_search".into()],
            minutes: 30,
            note: note.clone(),
            next_steps: format!("次回 {}", support::canary("next")),
            follow_up_on: None,
            concern: v == 0,
            teacher_summary: format!("共有 {}", support::canary("summary")),
        };
        store.save_visit(&input, None).unwrap();
        fx.names.push(name);
        fx.notes.push(note);
    }
    store.close_session(session.id, at(13)).unwrap();
}

/// What the device sends now; returns the receipt.
/// Enrols the laptop for C-012 with a one-time code headquarters issued; returns the client
/// and the code (spent).
async fn enrol(store: &mut Store, hq: &salon_hq_store::HqStore, url: &str) -> (HqClient, String) {
    let issued = hq
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &[CampusCode::parse("C-012").unwrap()],
            Utc::now(),
        )
        .unwrap();
    let client = HqClient::new(url).unwrap();
    let enrolment = client
        .enrol(&EnrolmentCode::parse(&issued.code).unwrap())
        .await
        .unwrap();
    store.save_enrolment(client.address(), &enrolment).unwrap();
    (client, issued.code.clone())
}

async fn sync(store: &mut Store, client: &HqClient) -> Result<salon_protocol::Receipt, SyncError> {
    store
        .prepare_outbox(salon_core::in_tokyo(chrono::Utc::now()).date_naive())
        .unwrap();
    let pending = store.pending_upload().unwrap();
    let token = store.enrolment().unwrap().unwrap().token;
    let receipt = client
        .upload(&token, &pending.idempotency_key, &pending.payload)
        .await?;
    store.record_sent(&pending, &receipt).unwrap();
    Ok(receipt)
}

/// Headquarters' February figures for C-012.
fn hq_february(hq: &salon_hq_store::HqStore) -> DayCounts {
    let feb = |d| NaiveDate::from_ymd_opt(2025, 2, d).unwrap();
    let rows = hq.day_totals(feb(1), feb(28)).unwrap();
    assert!(
        rows.iter().all(|r| r.campus == "C-012"),
        "only the mapped campus is reported"
    );
    assert!(rows
        .iter()
        .all(|r| r.month == Month::parse("2025-02").unwrap()));
    rows.into_iter()
        .map(|r| r.counts)
        .next()
        .unwrap_or_default()
}

fn expected(fx: &Fixture) -> (u32, u32, u32, u32) {
    let sessions = fx.days.len() as u32;
    let visits = fx.days.iter().map(|d| d.1).sum();
    let students = fx.days.iter().map(|d| d.2).sum();
    (sessions, sessions * 180, visits, students)
}

fn figures(c: DayCounts) -> (u32, u32, u32, u32) {
    (c.sessions, c.session_minutes, c.visits, c.distinct_students)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_travels_as_counts_only_and_replays_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, bodies) = start_hq(dir.path()).await;
    let (mut store, _) = Vault::new(dir.path().join("device"))
        .create(PASS, PASS)
        .unwrap();
    let mut fx = salon_week(&mut store);

    // Enrol with the one-time code headquarters issued for this supporter and campus.
    let (client, code) = enrol(&mut store, &hq, &url).await;
    let again = client
        .enrol(&EnrolmentCode::parse(&code).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&again, SyncError::Refused { status: 401, code } if *code == ErrorCode::EnrolmentCodeInvalid)
    );

    // The week: five days and one month, the month's two releases under noise and its
    // 年度's two path releases (all have fallen due: February 2025 ended long ago).
    let receipt = sync(&mut store, &client).await.unwrap();
    assert_eq!(
        (receipt.stored, receipt.unchanged, receipt.stale),
        (10, 0, 0)
    );
    assert_eq!(figures(hq_february(&hq)), expected(&fx));
    let feb = Month::parse("2025-02").unwrap();
    let released = hq.latest_releases(feb, feb).unwrap();
    assert_eq!(released.len(), 1, "one device, one campus, one month");
    assert_eq!(released[0].visits, u64::from(expected(&fx).2));

    // The same upload, replayed 50 times: nothing changes.
    store
        .prepare_outbox(salon_core::in_tokyo(chrono::Utc::now()).date_naive())
        .unwrap();
    let token = store.enrolment().unwrap().unwrap().token;
    let last_sent = store.sync_log(1).unwrap().remove(0).payload;
    for i in 0..50 {
        let key = format!("replay-{}", i % 3);
        let r = client.upload(&token, &key, &last_sent).await.unwrap();
        assert_eq!(r.stored, 0, "a replay stores nothing");
        assert_eq!(figures(hq_february(&hq)), expected(&fx));
    }
    // Nothing new locally either.
    assert!(store.pending_upload().unwrap().is_empty());

    // A past day corrected: the anonymous visit of the 18th gets a name (one more student).
    let day = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let kashiwa = store
        .campuses()
        .unwrap()
        .into_iter()
        .find(|c| c.hq_code.is_some())
        .unwrap();
    let session = store.session_on(kashiwa.id, day).unwrap().unwrap();
    let anonymous = store
        .visits_in_session(session.id)
        .unwrap()
        .into_iter()
        .find(|v| v.student_id.is_none())
        .unwrap();
    let fix = VisitInput {
        id: Some(anonymous.id),
        session_id: session.id,
        student_id: None,
        new_student: Some(NewStudent {
            display_name: "あとで名乗った".into(),
            grade: None,
        }),
        route: "self".into(),
        topics: vec!["other".into()],
        minutes: 30,
        note: anonymous.note.clone(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    };
    store.save_visit(&fix, None).unwrap();
    fx.names.push("あとで名乗った".into());
    fx.days[1].2 += 1;
    let receipt = sync(&mut store, &client).await.unwrap();
    // The month's exact figures (visits, format, paths) did not change, and its route and topic
    // travel under noise only, already released: the day alone goes again.
    assert_eq!(
        receipt.stored, 1,
        "the day as a new revision; the month and its releases unchanged"
    );
    assert_eq!(hq.latest_releases(feb, feb).unwrap(), released);
    assert_eq!(figures(hq_february(&hq)), expected(&fx));

    // Nothing personal crossed the wire.
    let sent = bodies.lock().unwrap().clone();
    assert!(sent.len() >= 53);
    for body in &sent {
        for secret in fx.names.iter().chain(&fx.notes) {
            assert!(!body.contains(secret.as_str()), "a name or note was sent");
        }
        for marker in ["CANARY", "student", "note", "非公開の分室"] {
            assert!(
                !body.contains(marker),
                "{marker} in a body sent to headquarters"
            );
        }
    }
    // Every visit was about 家庭のこと: it left only per period, under noise, never in a
    // month's snapshot (which has no field for it) or release.
    let uploads: Vec<salon_protocol::Upload> = sent
        .iter()
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect();
    assert!(!uploads.is_empty());
    let mut periods_with_sensitive = 0;
    for u in &uploads {
        for r in &u.releases {
            assert!(r.breakdown.by_topic.iter().all(|c| !c.code.is_sensitive()));
        }
        periods_with_sensitive += u
            .path_releases
            .iter()
            .filter(|r| r.sensitive.as_ref().is_some_and(|s| s.by_topic.len() == 2))
            .count();
    }
    assert!(
        periods_with_sensitive >= 1,
        "the 年度's release carries them"
    );
    assert!(uploads
        .iter()
        .any(|u| !u.releases.is_empty() && !u.months.is_empty()));

    // Revoked: the next upload is refused and headquarters' figures stay as they were.
    let device = hq.devices().unwrap().remove(0);
    hq.revoke(&salon_hq_store::Actor::cli(), device.id, Utc::now())
        .unwrap();
    let last = store.enrolment().unwrap().unwrap().token;
    let refused = client
        .upload(&last, "after-revoke", &last_sent)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SyncError::Refused { status: 401, code } if *code == ErrorCode::DeviceRevoked),
        "{refused:?}"
    );
    assert_eq!(figures(hq_february(&hq)), expected(&fx));
}

/// Related activities: a campus's guidance and an online talk leave the laptop as counts by
/// kind, without their titles, and reach headquarters' figures; removing one takes it away.
#[tokio::test]
async fn events_travel_by_kind_and_their_titles_stay_on_the_laptop() {
    use salon_core::care::EventInput;
    use salon_protocol::EventKind;

    let dir = tempfile::tempdir().unwrap();
    let (url, hq, bodies) = start_hq(dir.path()).await;
    let (mut store, _) = Vault::new(dir.path().join("device"))
        .create(PASS, PASS)
        .unwrap();
    let kashiwa = store
        .save_campus(&CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 1,
            start_time: "10:00".into(),
            end_time: "13:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: Some("C-012".into()),
        })
        .unwrap();
    let title = format!("佐藤さんの家族と話す会 {}", support::canary("title"));
    let event = |kind: &str, date: &str, campus_id: Option<i64>, students: i64| EventInput {
        id: None,
        kind: kind.into(),
        date: date.into(),
        campus_id,
        title: title.clone(),
        students,
        parents: 3,
        teachers: 2,
        supporters: 1,
    };
    store
        .save_event(&event(
            "career_guidance",
            "2024-10-08",
            Some(kashiwa.id),
            25,
        ))
        .unwrap();
    let talk = store
        .save_event(&event("career_talk", "2024-11-14", None, 140))
        .unwrap();
    let (client, _) = enrol(&mut store, &hq, &url).await;

    let receipt = sync(&mut store, &client).await.unwrap();
    // The guidance's day figures, and each day's events.
    assert_eq!(receipt.stored, 3, "{receipt:?}");
    let year = salon_figures::Period::fiscal_year(2024);
    let f = salon_hq_store::figures::compute(&hq, year).unwrap();
    let of = |kind| f.events.iter().find(|m| m.kind == kind).copied().unwrap();
    let talks = of(EventKind::CareerTalk);
    assert_eq!(
        (
            talks.events,
            talks.online,
            talks.students,
            talks.participants()
        ),
        (1, true, 140, 146)
    );
    let guidance = of(EventKind::CareerGuidance);
    assert_eq!(
        (guidance.events, guidance.online, guidance.parents),
        (1, false, 3)
    );

    store.delete_event(talk.id).unwrap();
    let receipt = sync(&mut store, &client).await.unwrap();
    assert_eq!(receipt.stored, 1, "the online day, emptied");
    let f = salon_hq_store::figures::compute(&hq, year).unwrap();
    assert!(f.events.iter().all(|m| m.kind != EventKind::CareerTalk));

    let sent = bodies.lock().unwrap().clone();
    assert!(sent.iter().any(|b| b.contains("career_talk")));
    for body in &sent {
        for secret in [title.as_str(), "CANARY", "佐藤", "家族と話す会"] {
            assert!(
                !body.contains(secret),
                "{secret} in a body sent to headquarters"
            );
        }
    }
}
