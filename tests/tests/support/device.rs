//! A device as the sync tests drive it: the real store behind a lock, the app's own driver
//! (`salon_sync::StoreOutbox`) and send loop (`salon_sync::send_pending`), the real
//! headquarters on 127.0.0.1, and the figures both sides hold, recomputed from the device's
//! records through the store's own reads.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveTime, Utc};
use salon_core::{CampusInput, SessionOpen, VisitInput};
use salon_protocol::{CampusCode, DeviceConfig, EnrolmentCode, HeldRevision, Receipt};
use salon_store::{PendingUpload, Store, StoreError, Vault};
use salon_sync::{Destination, HqClient, Outbox, Sent, StoreAccess, StoreOutbox, SyncError};

pub const PASS: &str = "さくら咲く相談室2025";

/// The device's store behind a lock, as the app holds it, driven through the real send loop;
/// with two faults a test can arm: headquarters unreachable (the next request goes to a
/// closed port), and recording the next receipt failing as a full disk would.
pub struct Device {
    store: Mutex<Store>,
    pub unreachable: AtomicBool,
    pub fail_recording: AtomicBool,
    /// Days the device's calendar runs ahead of today's (a sync the next morning).
    pub days_ahead: AtomicU64,
}

impl Device {
    pub fn new(store: Store) -> Device {
        Device {
            store: Mutex::new(store),
            unreachable: AtomicBool::new(false),
            fail_recording: AtomicBool::new(false),
            days_ahead: AtomicU64::new(0),
        }
    }

    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&mut self.store.lock().unwrap())
    }
}

impl StoreAccess for Device {
    type Error = StoreError;

    fn with<T>(
        &self,
        step: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        Device::with(self, step)
    }

    fn today(&self) -> NaiveDate {
        today() + chrono::Days::new(self.days_ahead.load(Ordering::SeqCst))
    }
}

/// The app's own driver (`StoreOutbox`), with the two faults armed around it; every step is
/// the driver's.
impl Outbox for Device {
    type Pending = PendingUpload;
    type Error = StoreError;

    fn destination(&self) -> Result<Option<Destination>, StoreError> {
        let to = StoreOutbox(self).destination()?;
        if !self.unreachable.swap(false, Ordering::SeqCst) {
            return Ok(to);
        }
        // Port 9 (discard) is closed here: the connection is refused.
        Ok(to.map(|to| Destination {
            hq_url: "http://127.0.0.1:9/".into(),
            ..to
        }))
    }

    fn prepare(&self, config: &DeviceConfig) -> Result<(), StoreError> {
        StoreOutbox(self).prepare(config)
    }

    fn next_upload(&self) -> Result<Option<PendingUpload>, StoreError> {
        StoreOutbox(self).next_upload()
    }

    fn body<'a>(&self, p: &'a PendingUpload) -> (&'a str, &'a str) {
        StoreOutbox(self).body(p)
    }

    fn sent(&self, p: &PendingUpload, receipt: &Receipt) -> Result<(), StoreError> {
        if self.fail_recording.swap(false, Ordering::SeqCst) {
            return Err(StoreError::DiskFull);
        }
        StoreOutbox(self).sent(p, receipt)
    }

    fn failed(&self, p: &PendingUpload, error: &SyncError) {
        StoreOutbox(self).failed(p, error)
    }

    fn continue_above(&self, held: &[HeldRevision]) -> Result<(), StoreError> {
        StoreOutbox(self).continue_above(held)
    }
}

pub fn today() -> NaiveDate {
    salon_core::in_tokyo(Utc::now()).date_naive()
}

pub fn feb(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 2, d).unwrap()
}

pub fn at(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

pub async fn start_hq(dir: &std::path::Path) -> (String, Arc<salon_hq_store::HqStore>) {
    start_hq_with(dir, |router| router).await
}

/// Headquarters with its router wrapped (a layer that misbehaves on cue, say).
pub async fn start_hq_with(
    dir: &std::path::Path,
    wrap: impl FnOnce(axum::Router) -> axum::Router,
) -> (String, Arc<salon_hq_store::HqStore>) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    store
        .add_campus(
            &salon_hq_store::Actor::cli(),
            &CampusCode::parse("C-012").unwrap(),
            "柏キャンパス",
            Utc::now(),
        )
        .unwrap();
    let state = salon_hq_web::ServerState::new(store);
    let hq = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = wrap(salon_hq_web::router(state));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq)
}

/// A fresh device enrolled for C-012 at `url`, with the campus 柏 mapped to it; its campus id.
pub async fn enrolled_device(
    dir: &std::path::Path,
    url: &str,
    hq: &salon_hq_store::HqStore,
) -> (Device, i64) {
    let (mut store, _) = Vault::new(dir.join("device")).create(PASS, PASS).unwrap();
    let campus = store
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
        .unwrap()
        .id;
    let code = hq
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &[CampusCode::parse("C-012").unwrap()],
            Utc::now(),
        )
        .unwrap()
        .code;
    let client = HqClient::new(url).unwrap();
    let enrolment = client
        .enrol(&EnrolmentCode::parse(&code).unwrap())
        .await
        .unwrap();
    store.save_enrolment(client.address(), &enrolment).unwrap();
    (Device::new(store), campus)
}

/// A named student of the campus, enrolled, 2年, path undecided; their id.
pub fn named(store: &mut Store, campus_id: i64, name: &str) -> i64 {
    store
        .save_student(&salon_core::StudentInput {
            id: None,
            display_name: name.into(),
            grade: Some(2),
            campus_id,
            enrolment: "enrolled".into(),
            path_status: "undecided".into(),
            path_decided_on: None,
        })
        .unwrap()
        .id
}

pub fn open(store: &mut Store, campus_id: i64, on: NaiveDate) -> i64 {
    if let Some(s) = store.session_on(campus_id, on).unwrap() {
        return s.id;
    }
    let input = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    store.open_session(&input, on, at(10)).unwrap().id
}

pub fn log(store: &mut Store, session_id: i64, student_id: Option<i64>, route: &str) -> i64 {
    let input = VisitInput {
        id: None,
        session_id,
        student_id,
        new_student: None,
        route: route.into(),
        topics: vec!["job_search".into()],
        minutes: 30,
        note: "面接の練習".into(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    };
    store.save_visit(&input, None).unwrap().id
}

/// (sessions, minutes, visits, distinct students) per day of February, recomputed from the
/// device's records through the store's own reads (not the outbox).
pub fn recomputed(store: &Store, campus_id: i64) -> BTreeMap<NaiveDate, (u32, u32, u32, u32)> {
    let mut out = BTreeMap::new();
    for d in 1..=28 {
        let Some(s) = store.session_on(campus_id, feb(d)).unwrap() else {
            continue;
        };
        let visits = store.visits_in_session(s.id).unwrap();
        let mut students: Vec<i64> = visits.iter().filter_map(|v| v.student_id).collect();
        students.sort_unstable();
        students.dedup();
        let minutes = s
            .closed_at
            .map(|c| (c - s.opened_at).num_minutes() as u32)
            .unwrap_or(0);
        out.insert(
            feb(d),
            (1, minutes, visits.len() as u32, students.len() as u32),
        );
    }
    out
}

/// The same figures as headquarters holds them, per day (days it holds as zero left out).
pub fn at_hq(hq: &salon_hq_store::HqStore) -> BTreeMap<NaiveDate, (u32, u32, u32, u32)> {
    let mut out = BTreeMap::new();
    for d in 1..=28 {
        let rows = hq.day_totals(feb(d), feb(d)).unwrap();
        if let Some(r) = rows.first() {
            let c = r.counts;
            let f = (c.sessions, c.session_minutes, c.visits, c.distinct_students);
            if f != (0, 0, 0, 0) {
                out.insert(feb(d), f);
            }
        }
    }
    out
}

pub async fn sync(device: &Device) -> Option<Receipt> {
    match salon_sync::send_pending(device).await.unwrap() {
        Sent::Done(r) => r,
        Sent::NotEnrolled => panic!("not enrolled"),
    }
}
