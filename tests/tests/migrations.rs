//! Every later version opens what 1.0 wrote. `tests/fixtures/1.0/` holds a laptop's data
//! folder and headquarters' database written by the 1.0.0 code (`examples/write_fixture.rs`,
//! run once at the tag and never again). Each test copies them, opens them with today's code
//! (which runs every migration since), and checks that nothing was lost, that the migrated
//! schema is exactly a new database's (a change made by editing the baseline instead of adding
//! a migration fails here), and that the two carry on syncing together.

#[path = "support/device.rs"]
mod device;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use device::{at, feb, open, sync, Device, PASS};
use salon_protocol::{CampusCode, Enrolment, Month};
use salon_store::Vault;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/1.0")
}

/// A copy of the 1.0 fixture in a fresh folder: `device/` and `hq.db`.
fn copied() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("device")).unwrap();
    for entry in std::fs::read_dir(fixture().join("device")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("device").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    std::fs::copy(fixture().join("hq.db"), dir.path().join("hq.db")).unwrap();
    dir
}

/// What one schema holds and the other does not, each line marked with the side it is on: a
/// baseline edited instead of a migration added shows here.
fn schema_differences(migrated: &[String], new: &[String]) -> Vec<String> {
    let only = |a: &[String], b: &[String], side: &str| -> Vec<String> {
        a.iter()
            .filter(|l| !b.contains(l))
            .map(|l| format!("{side}: {l}"))
            .collect()
    };
    let mut out = only(migrated, new, "only migrated");
    out.extend(only(new, migrated, "only new"));
    out
}

fn kashiwa(store: &salon_store::Store) -> i64 {
    store
        .campuses()
        .unwrap()
        .into_iter()
        .find(|c| c.hq_code.as_deref() == Some("C-012"))
        .expect("柏 reports as C-012")
        .id
}

#[test]
fn the_1_0_laptop_opens_with_everything_it_held() {
    let dir = copied();
    let vault = Vault::new(dir.path().join("device"));
    let store = vault.unlock(PASS).expect("the 1.0 passphrase opens it");
    #[cfg(unix)]
    {
        // 1.0 made salon.db 0644; opened now, it is the supporter's alone.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(vault.db_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());
    assert_eq!(store.schema_version().unwrap(), salon_store::LATEST_VERSION);
    let fresh = tempfile::tempdir().unwrap();
    let (new, _) = Vault::new(fresh.path()).create(PASS, PASS).unwrap();
    assert_eq!(
        schema_differences(&store.schema().unwrap(), &new.schema().unwrap()),
        Vec::<String>::new(),
        "a migrated schema is a new one"
    );

    let mut names: Vec<String> = store
        .campuses()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    assert_eq!(names, ["松戸キャンパス", "柏キャンパス"]);
    let campus = kashiwa(&store);
    let february = store
        .session_on(campus, feb(18))
        .unwrap()
        .expect("18 February");
    let visits = store.visits_in_session(february.id).unwrap();
    assert_eq!(visits.len(), 3);
    let notes: Vec<&str> = visits.iter().map(|v| v.note.as_str()).collect();
    assert!(
        notes.contains(&"フィクスチャ1.0：志望理由書を一緒に直した"),
        "{notes:?}"
    );
    assert!(visits.iter().any(|v| v.concern && v.follow_up_on.is_some()));
    assert!(
        store.draft("visit:new:999").unwrap().is_some(),
        "the unsaved draft"
    );
    let enrolment = store.enrolment().unwrap().expect("still enrolled");
    assert_eq!(enrolment.campuses, [CampusCode::parse("C-012").unwrap()]);
    // Every release 1.0 drew (on 5 December 2026) is kept, held by headquarters, and none is
    // due to be drawn again: months and the path calendar's periods alike.
    let preview = store
        .outbox_preview(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())
        .unwrap();
    let months: Vec<String> = preview
        .sent
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?}",
                r.campus.as_str(),
                r.month,
                r.breakdown.release
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            "C-012 2025-01 First",
            "C-012 2025-01 Second",
            "C-012 2025-02 First",
            "C-012 2025-02 Second"
        ]
    );
    assert!(!preview.sent_paths.is_empty(), "the 年度's releases");
    assert!(preview.pending.upload.releases.is_empty());
    assert!(preview.pending.upload.path_releases.is_empty());
    assert_eq!(preview.to_draw.iter().filter(|r| r.due).count(), 0);
}

#[test]
fn the_1_0_headquarters_opens_with_everything_it_held() {
    let dir = copied();
    let hq =
        salon_hq_store::HqStore::open(&dir.path().join("hq.db")).expect("1.0's database opens");
    assert_eq!(hq.check_integrity().unwrap(), Vec::<String>::new());
    let fresh = tempfile::tempdir().unwrap();
    let new = salon_hq_store::HqStore::open(&fresh.path().join("hq.db")).unwrap();
    assert_eq!(
        schema_differences(&hq.schema().unwrap(), &new.schema().unwrap()),
        Vec::<String>::new(),
        "a migrated schema is a new one"
    );
    assert_eq!(
        hq.schema_version().unwrap(),
        salon_hq_store::MIGRATIONS.len()
    );

    let devices = hq.devices().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].app_version.as_deref(), Some("1.0.0"));
    let day = hq.day_totals(feb(18), feb(18)).unwrap();
    assert_eq!(day.len(), 1);
    assert_eq!(
        (day[0].counts.visits, day[0].counts.distinct_students),
        (3, 2)
    );
    let february = Month::parse("2025-02").unwrap();
    // The month totals the dashboard reads are built from the days the 1.0 file held.
    let held = hq.month_totals(february, february).unwrap();
    assert!(!held.is_empty());
    assert_eq!(held, hq.day_totals(feb(1), feb(28)).unwrap());
    let releases = hq.all_releases(february, february).unwrap();
    assert_eq!(releases.len(), 2, "February's two releases");
    // The release totals the breakdowns read are built from the releases the 1.0 file held.
    let totals = hq.release_totals(february, february).unwrap();
    let latest = hq.latest_releases(february, february).unwrap();
    assert_eq!(totals.releases, latest.len() as u64);
    assert_eq!(totals.visits, latest.iter().map(|r| r.visits).sum::<u64>());
    for (route, sum) in &totals.by_route {
        let held: i64 = latest
            .iter()
            .flat_map(|r| &r.breakdown.by_route)
            .filter(|c| c.code == *route)
            .map(|c| c.count)
            .sum();
        assert_eq!(*sum, held, "{route:?}");
    }
    for (topic, sum) in &totals.by_topic {
        let held: i64 = latest
            .iter()
            .flat_map(|r| &r.breakdown.by_topic)
            .filter(|c| c.code == *topic)
            .map(|c| c.count)
            .sum();
        assert_eq!(*sum, held, "{topic:?}");
    }
    assert!(totals.by_topic.iter().any(|(_, n)| *n != 0), "{totals:?}");
    assert_eq!(releases[0].visits, 3);
    // The path calendar's releases are kept beside the months' in one table.
    let year = salon_protocol::PathPeriod::fiscal_year_of(feb(18));
    let held = hq.latest_path_releases(year).unwrap();
    assert_eq!(held.len(), 1, "the device's latest release of 2024年度");
    assert_eq!(held[0].release.release, salon_protocol::Release::Second);
}

/// The migrated laptop and headquarters sync as they did: nothing already sent goes again,
/// nothing is drawn again, and a new salon goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_0_laptop_and_headquarters_carry_on_together() {
    let dir = copied();
    let hq = salon_hq_store::HqStore::open(&dir.path().join("hq.db")).unwrap();
    let state = salon_hq_web::ServerState::new(hq);
    let held = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, salon_hq_web::router(state))
            .await
            .unwrap()
    });
    let mut store = Vault::new(dir.path().join("device")).unlock(PASS).unwrap();
    // Headquarters moved to another address (here, another port); the token stays.
    let was = store.enrolment().unwrap().unwrap();
    let enrolment = Enrolment {
        token: was.token.clone(),
        campuses: was.campuses.clone(),
        path_calendar: was.path_calendar.clone(),
    };
    store.save_enrolment(&url, &enrolment).unwrap();
    let campus = kashiwa(&store);
    let device = Device::new(store);

    let (january, february) = (
        Month::parse("2025-01").unwrap(),
        Month::parse("2025-02").unwrap(),
    );
    let drawn = || -> Vec<String> {
        let held = held.all_releases(january, february).unwrap();
        held.iter()
            .map(|r| format!("{} {:?}", r.month, r.breakdown))
            .collect()
    };
    let before = drawn();
    assert_eq!(before.len(), 4, "January's and February's two each");
    let again = sync(&device).await;
    assert!(
        again.as_ref().is_none_or(|r| r.stored == 0),
        "nothing 1.0 sent goes again: {again:?}"
    );
    device
        .with(|s| {
            let day = open(s, campus, NaiveDate::from_ymd_opt(2025, 3, 4).unwrap());
            device::log(s, day, None, "self");
            s.close_session(day, at(13)).map(|_| ())
        })
        .unwrap();
    let r = sync(&device).await.expect("the new salon goes");
    assert!(r.stored >= 1, "{r:?}");
    let march = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
    assert_eq!(held.day_totals(march, march).unwrap()[0].counts.visits, 1);
    // Uploads after the migration keep the month totals in step with the days.
    let (jan, mar) = (Month::parse("2025-01").unwrap(), Month::of(march));
    assert_eq!(
        held.month_totals(jan, mar).unwrap(),
        held.day_totals(jan.first_day(), mar.last_day()).unwrap()
    );
    assert_eq!(
        drawn(),
        before,
        "January's and February's releases are never drawn again"
    );
    let march = Month::of(march);
    assert_eq!(
        held.all_releases(march, march).unwrap().len(),
        2,
        "March's go"
    );
}
