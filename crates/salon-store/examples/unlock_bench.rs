//! The store's part of "unlock to Today": unlocking a data folder (the Argon2id unwrap, opening
//! the database, checking its migrations) and the reads Today makes, each timed alone.
//!
//! ```sh
//! SEARCH_BENCH_FILL=/dev/shm/window-data cargo run --release -p salon-store --example search_bench
//! cargo run --release -p salon-store --example unlock_bench -- /dev/shm/window-data
//! ```
//!
//! Works on a copy of the folder; prints the median of 5 runs of each step.

use std::time::Instant;

use salon_store::{KeyFile, Vault};

const PASS: &str = "ベンチマーク用のパスフレーズ2025";

fn median(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

fn main() {
    let from = std::env::args().nth(1).expect("a filled data folder");
    let dir = tempfile::tempdir().unwrap();
    for file in ["keys.json", "salon.db"] {
        std::fs::copy(
            std::path::Path::new(&from).join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    let keys = std::fs::read(dir.path().join("keys.json")).unwrap();
    let vault = Vault::new(dir.path());
    let unwrap = median(|| {
        KeyFile::from_json(&keys).unwrap().unlock(PASS).unwrap();
    });
    let unlock = median(|| vault.unlock(PASS).unwrap().close().unwrap());
    let store = vault.unlock(PASS).unwrap();
    let today = salon_core::in_tokyo(chrono::Utc::now()).date_naive();
    let campus = store.campuses().unwrap()[0].id;
    let rows = [
        ("the Argon2id unwrap alone", unwrap),
        ("unlock (unwrap, open, migrations checked)", unlock),
        (
            "Today's view",
            median(|| drop(store.today(today, None).unwrap())),
        ),
        (
            "today's appointments",
            median(|| drop(store.appointments_on(today, Some(campus)).unwrap())),
        ),
        (
            "follow-ups due, every campus: Today's first 10 and the count",
            median(|| drop(store.follow_ups_due(today, 10).unwrap())),
        ),
        (
            "follow-ups due, every campus: the whole list (up to 1,000)",
            median(|| drop(store.follow_ups(None, Some(today)).unwrap())),
        ),
        (
            "salons left open before today",
            median(|| drop(store.open_sessions_before(today).unwrap())),
        ),
    ];
    for (what, ms) in rows {
        println!("| {what} | {ms:.1} ms |");
    }
}
