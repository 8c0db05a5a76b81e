//! Months released under noise, against a real encrypted store: drawn on their days and only
//! then, drawn once and sent as drawn however often the send is tried, never redrawn when the
//! month changes, never sent again once headquarters holds one, and never without noise.

use chrono::{NaiveDate, NaiveTime};
use salon_core::counts::SuppressionRule;
use salon_core::{SessionOpen, VisitInput};
use salon_protocol::{
    CampusCode, Enrolment, HeldRevision, Month, NoisePolicy, NoiseScale, Receipt, Release, Route,
    SnapshotKey, Topic,
};

use crate::vault::tests::{campus_input, fresh_store};
use crate::Store;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn enrol_with(store: &mut Store, noise: Option<NoisePolicy>) -> i64 {
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        rule: SuppressionRule::default(),
        noise,
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    campus.id
}

/// A salon on `date` with `visits` anonymous visits: routes self, teacher, self …; every visit
/// about 就職 and 家庭のこと.
fn salon_on(store: &mut Store, campus_id: i64, date: NaiveDate, visits: usize) {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, date, t(10)).unwrap();
    for i in 0..visits {
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            new_student: None,
            route: ["self", "teacher"][i % 2].into(),
            topics: vec!["job_search".into(), "family".into()],
            minutes: 20,
            note: "ノート".into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        store.save_visit(&input, None).unwrap();
    }
    store.close_session(session.id, t(13)).unwrap();
}

fn releases_pending(store: &Store) -> Vec<(Month, Release, String)> {
    store
        .pending_upload()
        .unwrap()
        .upload
        .releases
        .iter()
        .map(|r| {
            (
                r.month,
                r.breakdown.release,
                serde_json::to_string(&r.breakdown).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_release_is_drawn_on_its_day_once_and_every_send_repeats_it() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol_with(&mut store, Some(NoisePolicy::default()));
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    let feb = Month::parse("2025-02").unwrap();

    store.prepare_outbox(d(2025, 3, 6)).unwrap();
    assert!(releases_pending(&store).is_empty(), "before its day");
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let first = releases_pending(&store);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].0, first[0].1), (feb, Release::First));

    // The send fails; the month changes; the next sync prepares again: the same numbers go.
    let pending = store.pending_upload().unwrap();
    store.record_failed(&pending, "hq_unreachable").unwrap();
    salon_on(&mut store, campus, d(2025, 2, 25), 4);
    store.prepare_outbox(d(2025, 3, 8)).unwrap();
    assert_eq!(releases_pending(&store), first, "never redrawn");

    store
        .record_sent(&store.pending_upload().unwrap(), &Receipt::default())
        .unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 4, 17)).unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 4, 18)).unwrap();
    let second = releases_pending(&store);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].1, Release::Second);
    let sent: salon_protocol::NoisyMonthBreakdown = serde_json::from_str(&second[0].2).unwrap();
    assert_eq!(sent.noise, NoisePolicy::default());
    assert!(!store.pending_upload().unwrap().payload.contains("ノート"));
}

#[test]
fn nothing_is_drawn_before_headquarters_sends_a_policy() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol_with(&mut store, None);
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    store.prepare_outbox(d(2025, 6, 1)).unwrap();
    let pending = store.pending_upload().unwrap();
    assert!(pending.upload.releases.is_empty());
    assert_eq!(pending.upload.months.len(), 1, "the rest still goes");
}

#[test]
fn a_policy_below_the_floor_is_drawn_at_the_floor() {
    let (_dir, mut store) = fresh_store();
    let lax = NoisePolicy {
        sensitive_topic: NoiseScale::new(1, 10).unwrap(),
        ..NoisePolicy::default()
    };
    let campus = enrol_with(&mut store, Some(lax));
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let pending = store.pending_upload().unwrap();
    let declared = pending.upload.releases[0].breakdown.noise;
    assert_eq!(declared.sensitive_topic, NoisePolicy::FLOOR);
    assert_eq!(declared.route, NoiseScale::ONE);
}

#[test]
fn a_release_headquarters_holds_is_not_sent_again() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol_with(&mut store, Some(NoisePolicy::default()));
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let held = HeldRevision {
        snapshot: SnapshotKey::Release {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::parse("2025-02").unwrap(),
            release: Release::First,
        },
        revision: 0,
    };
    store.continue_above(&[held]).unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 3, 9)).unwrap();
    assert!(releases_pending(&store).is_empty(), "and not drawn again");
    assert!(!store.pending_upload().unwrap().upload.days.is_empty());
}

/// Twelve months of three anonymous visits each (2 self, 1 teacher; 就職 3, 家庭のこと 3, an
/// anonymous visit counting alone): every cell of every release carries its own draw, so the exact table comes back
/// from no release, and over 180 cells the noise has the spread of b = 1.
#[test]
fn no_release_leaves_without_noise_on_every_cell() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol_with(&mut store, Some(NoisePolicy::default()));
    for m in 1..=12 {
        salon_on(&mut store, campus, d(2024, m, 10), 3);
    }
    store.prepare_outbox(d(2025, 1, 8)).unwrap();
    let pending = store.pending_upload().unwrap();
    let firsts: Vec<_> = pending
        .upload
        .releases
        .iter()
        .filter(|r| r.breakdown.release == Release::First)
        .collect();
    assert_eq!(firsts.len(), 12);
    let exact_route = |r: Route| match r {
        Route::SelfReferred => 2,
        Route::Teacher => 1,
        _ => 0,
    };
    let exact_topic = |t: Topic| match t {
        Topic::JobSearch | Topic::Family => 3,
        _ => 0,
    };
    let mut noise: Vec<i64> = Vec::new();
    for r in &firsts {
        noise.extend(
            r.breakdown
                .by_route
                .iter()
                .map(|c| c.count - exact_route(c.code)),
        );
        noise.extend(
            r.breakdown
                .by_topic
                .iter()
                .map(|c| c.count - exact_topic(c.code)),
        );
    }
    assert_eq!(noise.len(), 12 * (Route::ALL.len() + Topic::ALL.len()));
    let exact_releases = firsts
        .iter()
        .filter(|r| {
            r.breakdown
                .by_route
                .iter()
                .all(|c| c.count == exact_route(c.code))
                && r.breakdown
                    .by_topic
                    .iter()
                    .all(|c| c.count == exact_topic(c.code))
        })
        .count();
    assert_eq!(exact_releases, 0, "a release came out exact");
    let n = noise.len() as f64;
    let mean = noise.iter().sum::<i64>() as f64 / n;
    let var = noise
        .iter()
        .map(|x| (*x as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    // b = 1: variance 1.84; over 180 draws its standard error is about 0.3.
    assert!((0.6..=3.6).contains(&var), "variance {var}");
    assert!(mean.abs() < 0.6, "mean {mean}");
}

#[test]
fn a_month_without_visits_releases_nothing() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol_with(&mut store, Some(NoisePolicy::default()));
    salon_on(&mut store, campus, d(2025, 2, 18), 0);
    salon_on(&mut store, campus, d(2025, 3, 18), 1);
    store.prepare_outbox(d(2025, 6, 1)).unwrap();
    let months: Vec<Month> = releases_pending(&store).into_iter().map(|r| r.0).collect();
    let march = Month::parse("2025-03").unwrap();
    assert_eq!(months, [march, march], "February held a salon and no visit");
}
