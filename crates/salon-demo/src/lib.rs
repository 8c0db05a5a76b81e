//! The seed's term, rebuilt, so a newcomer sees headquarters with data in a minute: four
//! simulated supporter laptops (the real encrypted store) log 22 campuses from September 2024
//! to February 2025 — 247 salons, 757 visits, related activities — enrol with one-time codes
//! and sync through the real client to a real headquarters on 127.0.0.1; teachers and
//! supporters answer the surveys over HTTP. The funder report then reads 22校（110%）,
//! 247回（107%）, 757名（189%） against targets of 20, 230 and 400.
//!
//! Everything here is invented for the demo (names, notes, comments come from the seed's own
//! published voices); nothing is a real person.

mod headquarters;
pub mod plan;
mod surveys;

use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveTime, Utc};
use salon_core::care::EventInput;
use salon_core::{CampusInput, NewStudent, SessionOpen, VisitInput};
use salon_hq_store::Actor;
use salon_protocol::{CampusCode, EnrolmentCode};
use salon_store::{Store, StoreError, Vault};
use salon_sync::{HqClient, Sent, StoreAccess, StoreOutbox};

pub use headquarters::{campus_code, ADMIN, ADMIN_PASSWORD};

const PASSPHRASE: &str = "デモ用のパスフレーズ2024";

/// Four supporters and the campuses each visits (by index into the plan).
const SUPPORTERS: [(&str, std::ops::Range<usize>); 4] = [
    ("山田 花子", 0..6),
    ("佐藤 健", 6..12),
    ("鈴木 由美", 12..17),
    ("高橋 誠", 17..22),
];

/// What the demo left running.
#[derive(Debug, Clone)]
pub struct Demo {
    pub url: String,
    pub hq: Arc<salon_hq_store::HqStore>,
    /// The funded term (休眠預金, September to February).
    pub term_id: i64,
    /// Every visit logged on the laptops, by route code: the truth the breakdowns under noise
    /// are read against.
    pub routes: std::collections::BTreeMap<String, u64>,
    /// Every path decided in the funded term on the laptops, by kind: the truth the path
    /// estimates are read against.
    pub paths: std::collections::BTreeMap<String, u64>,
    /// The named students the laptops met in the funded term (`met`) and, of them, those who
    /// came about `family` or `wellbeing`, added over the laptops: the truth the sensitive
    /// topics' estimates are read against.
    pub sensitive: std::collections::BTreeMap<String, u64>,
}

/// Which named students a laptop met in the term, and which came about each sensitive topic.
#[derive(Default)]
struct Met {
    named: std::collections::BTreeMap<&'static str, std::collections::BTreeSet<i64>>,
}

impl Met {
    fn add(&mut self, student: Option<i64>, topics: &[String]) {
        let about = ["family", "wellbeing"]
            .into_iter()
            .filter(|t| topics.iter().any(|x| x == t));
        let Some(id) = student else { return };
        for key in std::iter::once("met").chain(about) {
            self.named.entry(key).or_default().insert(id);
        }
    }

    fn tally(self) -> Tally {
        self.named
            .into_iter()
            .map(|(key, ids)| (key.to_owned(), ids.len() as u64))
            .collect()
    }
}

/// A small deterministic sequence, so every run logs the same term.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const TOPICS: [&str; 10] = [
    "further_study",
    "job_search",
    "application_prep",
    "part_time",
    "family",
    "school_life",
    "friends",
    "wellbeing",
    "unsure_future",
    "other",
];

type Tally = std::collections::BTreeMap<String, u64>;

/// Logs the term's salons at `campuses`; returns its visits by route code, the paths its
/// students decided by kind, and whom it met (`Met`).
fn log_salons(
    store: &mut Store,
    campuses: &[(usize, i64)],
    dice: &mut Dice,
) -> anyhow::Result<(Tally, Tally, Tally)> {
    let mut routes = std::collections::BTreeMap::new();
    let mut met = Met::default();
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    let mut pools: std::collections::BTreeMap<usize, Vec<i64>> = Default::default();
    for salon in plan::salons() {
        let Some(&(_, campus_id)) = campuses.iter().find(|(c, _)| *c == salon.campus) else {
            continue;
        };
        let open = SessionOpen {
            campus_id,
            format: if salon.campus % 7 == 6 {
                "online"
            } else {
                "in_person"
            }
            .into(),
            place: "相談室".into(),
        };
        let session = store.open_session(&open, salon.date, at(13))?;
        for _ in 0..salon.visits {
            let pool = pools.entry(salon.campus).or_default();
            let roll = dice.roll(100);
            let (student_id, new_student, route) = if !pool.is_empty() && roll < 45 {
                let s = pool[dice.roll(pool.len() as u64) as usize];
                (
                    Some(s),
                    None,
                    if roll < 15 { "appointment" } else { "repeat" },
                )
            } else if roll < 88 {
                let name = format!("生徒{}-{}", salon.campus + 1, pool.len() + 1);
                let route = ["self", "teacher", "outreach", "outreach"][dice.roll(4) as usize];
                (
                    None,
                    Some(NewStudent {
                        display_name: name,
                        grade: Some(1 + dice.roll(3) as i64),
                    }),
                    route,
                )
            } else {
                (None, None, "self")
            };
            let mut topics = vec![TOPICS[dice.roll(4) as usize].to_owned()];
            if dice.roll(3) == 0 {
                topics.push(TOPICS[4 + dice.roll(6) as usize].to_owned());
            }
            let input = VisitInput {
                id: None,
                session_id: session.id,
                student_id,
                new_student,
                route: route.into(),
                topics,
                minutes: 20 + 10 * dice.roll(4) as i64,
                note: "（デモ）進路について話した。".into(),
                next_steps: String::new(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            };
            // A student who comes by appointment (予約) had one booked for this salon.
            let booked = match (route, student_id) {
                ("appointment", Some(s)) => Some(book(store, s, salon.date)?),
                _ => None,
            };
            let visit = store.save_visit(&input, None)?;
            if let Some(a) = booked {
                store.mark_appointment_kept(a, visit.id)?;
            }
            *routes.entry(route.to_owned()).or_insert(0) += 1;
            met.add(visit.student_id, &input.topics);
            if input.student_id.is_none() {
                if let Some(id) = visit.student_id {
                    pool.push(id);
                }
            }
        }
        // Every fourth salon, someone booked did not come (欠席); no roll of the dice, so the
        // term's other figures stay the seed's.
        let pool = pools.entry(salon.campus).or_default();
        if salon.date.day() % 4 == 0 && !pool.is_empty() {
            let s = pool[salon.visits as usize % pool.len()];
            let a = book(store, s, salon.date)?;
            store.mark_appointment_missed(a)?;
        }
        store.close_session(session.id, at(16))?;
    }
    let students: Vec<i64> = pools.into_values().flatten().collect();
    Ok((routes, decide_paths(store, &students, dice)?, met.tally()))
}

/// Books `student` for the salon on `day` at 13:30; returns the appointment's id.
fn book(store: &mut Store, student: i64, day: chrono::NaiveDate) -> anyhow::Result<i64> {
    let a = store.book_appointment(&salon_core::care::AppointmentInput {
        student_id: student,
        date: day.format("%Y-%m-%d").to_string(),
        time: Some("13:30".into()),
        booked_from_visit_id: None,
    })?;
    Ok(a.id)
}

/// About one student in three the salon met decides a path in December to February: 進学
/// half the time, 就職 a third, その他 the rest.
fn decide_paths(store: &mut Store, students: &[i64], dice: &mut Dice) -> anyhow::Result<Tally> {
    let mut paths = Tally::new();
    for &id in students {
        if dice.roll(3) != 0 {
            continue;
        }
        let s = store.student(id)?;
        let path = match dice.roll(6) {
            0..=2 => "further_study",
            3 | 4 => "employment",
            _ => "other",
        };
        let on = ["2024-12-", "2025-01-", "2025-02-"][dice.roll(3) as usize];
        store.save_student(&salon_core::StudentInput {
            id: Some(id),
            display_name: s.display_name,
            grade: s.grade.map(i64::from),
            campus_id: s.campus_id,
            enrolment: s.enrolment.code().into(),
            path_status: path.into(),
            path_decided_on: Some(format!("{on}{:02}", 1 + dice.roll(28))),
        })?;
        *paths.entry(path.to_owned()).or_insert(0) += 1;
    }
    Ok(paths)
}

/// Related activities of one supporter: guidance and a parents' seminar at their campuses;
/// the first also gives the online talks and trainings, the second the exchange meeting.
fn log_events(
    store: &mut Store,
    supporter: usize,
    campuses: &[(usize, i64)],
) -> anyhow::Result<()> {
    let event = |kind: &str, date: &str, campus_id: Option<i64>, people: [i64; 4]| EventInput {
        id: None,
        kind: kind.into(),
        date: date.into(),
        campus_id,
        title: String::new(),
        students: people[0],
        parents: people[1],
        teachers: people[2],
        supporters: people[3],
    };
    let mut all = Vec::new();
    for (j, date) in ["2024-10-17", "2024-12-12", "2025-02-06"]
        .iter()
        .enumerate()
    {
        let campus = campuses[j % campuses.len()].1;
        all.push(event(
            "career_guidance",
            date,
            Some(campus),
            [25 + 5 * j as i64, 0, 2, 1],
        ));
    }
    all.push(event(
        "parent_seminar",
        "2024-11-23",
        Some(campuses[0].1),
        [2, 14, 1, 1],
    ));
    match supporter {
        0 => {
            for date in [
                "2024-09-26",
                "2024-10-24",
                "2024-11-28",
                "2024-12-19",
                "2025-01-23",
                "2025-02-20",
            ] {
                all.push(event("career_talk", date, None, [110, 0, 4, 2]));
            }
            all.push(event(
                "supporter_training",
                "2024-09-14",
                None,
                [0, 0, 0, 14],
            ));
            all.push(event(
                "supporter_training",
                "2025-01-18",
                None,
                [0, 0, 0, 15],
            ));
        }
        1 => all.push(event("exchange", "2024-12-21", None, [0, 0, 3, 18])),
        _ => {}
    }
    for e in &all {
        store.save_event(e)?;
    }
    Ok(())
}

/// A demo laptop's store as the sync reaches it, on the day the demo runs.
struct Laptop(std::sync::Mutex<Store>);

impl StoreAccess for Laptop {
    type Error = StoreError;

    fn with<T>(
        &self,
        step: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        step(
            &mut self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn today(&self) -> chrono::NaiveDate {
        salon_core::in_tokyo(Utc::now()).date_naive()
    }
}

/// Syncs through the app's own driver until nothing waits, then runs the handover relay once
/// (which registers the laptop's keys with headquarters); the laptop, for more.
async fn sync(store: Store) -> anyhow::Result<Laptop> {
    let laptop = StoreOutbox(Laptop(std::sync::Mutex::new(store)));
    for _ in 0..10 {
        match salon_sync::send_pending(&laptop).await {
            Ok(Sent::Done(None)) => {
                salon_sync::relay(&laptop.0)
                    .await
                    .map_err(|e| anyhow::anyhow!("relay: {e:?}"))?;
                return Ok(laptop.0);
            }
            Ok(Sent::Done(Some(_))) => continue,
            Ok(Sent::NotEnrolled) => anyhow::bail!("not enrolled"),
            Err(e) => anyhow::bail!("sync: {e:?}"),
        }
    }
    anyhow::bail!("the outbox did not empty")
}

/// A cover handover waiting at headquarters, so 端末一覧 shows one with 取り消す: the second
/// supporter lends one student of their first campus to the first supporter's laptop, whose
/// screen's digits the demo reads from that laptop itself (it plays both supporters).
async fn a_handover_waiting(
    dir: &Path,
    laptop: &Laptop,
    url: &str,
    campus_id: i64,
) -> anyhow::Result<()> {
    let enrolment = laptop
        .with(|s| s.enrolment())?
        .ok_or_else(|| anyhow::anyhow!("not enrolled"))?;
    let client = HqClient::new(url).map_err(|e| anyhow::anyhow!("client: {e}"))?;
    let listed = client
        .relay_laptops(&enrolment.token)
        .await
        .map_err(|e| anyhow::anyhow!("relay list: {e}"))?
        .laptops;
    let first = listed
        .into_iter()
        .find(|l| l.supporter == SUPPORTERS[0].0)
        .ok_or_else(|| anyhow::anyhow!("the first laptop is not listed"))?;
    let on_their_screen = Vault::new(dir.join("laptop-1"))
        .unlock(PASSPHRASE)?
        .laptop_card("")?
        .fingerprint()
        .to_string();
    laptop.with(|s| {
        let student = s.students(Some(campus_id), "")?[0].id;
        let request = salon_store::HandoverRequest {
            colleague: 0,
            typed_fingerprint: on_their_screen,
            campus_id,
            students: Some(vec![student]),
            reason: salon_store::HandoverReason::Cover,
        };
        let today = salon_core::in_tokyo(Utc::now()).date_naive();
        s.seal_for_relay(&first, &request, SUPPORTERS[1].0, Utc::now(), today)
    })?;
    salon_sync::relay(laptop)
        .await
        .map_err(|e| anyhow::anyhow!("relay: {e:?}"))?;
    Ok(())
}

/// One supporter's laptop: its campuses, the term logged, enrolled and synced.
async fn supporter_laptop(
    dir: &Path,
    url: &str,
    hq: &salon_hq_store::HqStore,
    i: usize,
) -> anyhow::Result<(Tally, Tally, Tally)> {
    let (name, range) = &SUPPORTERS[i];
    let (mut store, _recovery) =
        Vault::new(dir.join(format!("laptop-{}", i + 1))).create(PASSPHRASE, PASSPHRASE)?;
    let mut campuses = Vec::new();
    for c in range.clone() {
        let saved = store.save_campus(&CampusInput {
            id: None,
            name: format!("{}キャンパス", headquarters::CAMPUS_NAMES[c]),
            weekday: i64::from(plan::weekday_of(c).number_from_monday()),
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: Some(campus_code(c).as_str().to_owned()),
        })?;
        campuses.push((c, saved.id));
    }
    let mut dice = Dice(7 + i as u64);
    let tallies = log_salons(&mut store, &campuses, &mut dice)?;
    log_events(&mut store, i, &campuses)?;
    let codes: Vec<CampusCode> = range.clone().map(campus_code).collect();
    let issued = hq.issue_code(&Actor::cli(), name, &codes, Utc::now())?;
    let client = HqClient::new(url).map_err(|e| anyhow::anyhow!("client: {e}"))?;
    let code = EnrolmentCode::parse(&issued.code).map_err(|_| anyhow::anyhow!("code"))?;
    let enrolment = client
        .enrol(&code)
        .await
        .map_err(|e| anyhow::anyhow!("enrol: {e}"))?;
    store.save_enrolment(client.address(), &enrolment)?;
    let laptop = sync(store).await?;
    if i == 1 {
        a_handover_waiting(dir, &laptop, url, campuses[0].1).await?;
    }
    Ok(tallies)
}

/// Builds the demo in `dir` (which must hold no earlier demo) and serves headquarters on
/// `listener` until the runtime stops.
pub async fn run(dir: &Path, listener: tokio::net::TcpListener) -> anyhow::Result<Demo> {
    let db = dir.join("hq.db");
    anyhow::ensure!(
        !db.exists(),
        "{} already holds a demo: remove the folder first",
        dir.display()
    );
    std::fs::create_dir_all(dir)?;
    let store = salon_hq_store::HqStore::open(&db)?;
    let term_id = headquarters::set_up_hq(&store)?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = salon_hq_web::ServerState {
        public_url: url.clone(),
        ..salon_hq_web::ServerState::new(store)
    };
    let hq = state.store.clone();
    // Served without the client's address: every demo answer comes from this machine, and
    // only the per-link survey limit applies.
    let app = salon_hq_web::router(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (mut routes, mut paths, mut sensitive) = (Tally::new(), Tally::new(), Tally::new());
    for i in 0..SUPPORTERS.len() {
        let laptop = supporter_laptop(dir, &url, &hq, i).await?;
        for (into, from) in [
            (&mut routes, laptop.0),
            (&mut paths, laptop.1),
            (&mut sensitive, laptop.2),
        ] {
            for (key, n) in from {
                *into.entry(key).or_insert(0) += n;
            }
        }
    }
    surveys::answer(&url, &hq, term_id).await?;
    Ok(Demo {
        url,
        hq,
        term_id,
        routes,
        paths,
        sensitive,
    })
}
