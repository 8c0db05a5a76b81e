//! The keys made anew, killed at random moments: a child process unlocks the data folder and
//! rotates its keys again and again, each time to the other of two passphrases, and is killed
//! with SIGKILL at a random moment, 50 times (`SALON_ROTATION_KILLS` for more). After every kill
//! the folder must unlock with one of the two passphrases, hold every visit with its note, pass
//! the integrity checks, and be settled by that unlock (one key in keys.json, no copy left).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use common::{salon_on, set_up, visit, PASS};
use salon_store::{Proof, Store, Vault, KEY_FILE, ROTATING_FILE};

const OTHER: &str = "もうひとつの合言葉2026";
const CHILD_DIR: &str = "SALON_ROTATION_CHILD_DIR";

/// Unlocks with whichever of the two passphrases the folder has now.
fn unlock_either(vault: &Vault) -> Result<(Store, &'static str), String> {
    match vault.unlock(PASS) {
        Ok(store) => Ok((store, PASS)),
        Err(first) => vault
            .unlock(OTHER)
            .map(|s| (s, OTHER))
            .map_err(|e| format!("neither passphrase opens it: {first:?}, {e:?}")),
    }
}

/// The child: rotates until it is killed, each time to the other passphrase.
#[test]
#[ignore = "the child process of the rotation kill loop; the loop runs it"]
fn rotation_kill_child() {
    let dir = std::env::var(CHILD_DIR).expect("run by the rotation kill loop");
    let vault = Vault::new(&dir);
    let (mut store, mut passphrase) = unlock_either(&vault).unwrap();
    println!("ready");
    loop {
        let next = if passphrase == PASS { OTHER } else { PASS };
        let rotation = vault
            .prepare_rotation(&store, Proof::Passphrase(passphrase), next, next)
            .unwrap();
        store = vault.complete_rotation(store, rotation).unwrap().0;
        passphrase = next;
        println!("rotated");
    }
}

/// What the folder was left as, before the next unlock settles it.
fn left_as(dir: &Path) -> &'static str {
    let keys = std::fs::read_to_string(dir.join(KEY_FILE)).unwrap_or_default();
    match (keys.contains("\"next\""), dir.join(ROTATING_FILE).exists()) {
        (false, _) => "settled",
        (true, true) => "copy not yet in place",
        (true, false) => "copy in place or not yet begun",
    }
}

#[test]
fn a_rotation_killed_at_any_moment_leaves_a_folder_that_unlocks_with_every_visit() {
    let kills: u64 = std::env::var("SALON_ROTATION_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let campus = set_up(dir.path());
    let vault = Vault::new(dir.path());
    let mut notes = Vec::new();
    {
        let mut store = vault.unlock(PASS).unwrap();
        let session = salon_on(
            &mut store,
            campus,
            NaiveDate::from_ymd_opt(2025, 6, 3).unwrap(),
        );
        for n in 0..20 {
            let note = format!("鍵の作り直しの前の記録 {n}");
            store.save_visit(&visit(session, &note), None).unwrap();
            notes.push(note);
        }
        store.close().unwrap();
    }
    let mut seen = std::collections::BTreeMap::<&str, u32>::new();
    let mut rotations = 0;
    for cycle in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "rotation_kill_child", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.ends_with("rotated"))
                .count()
        });
        // Spread over unlocking (~0.3 s) and a few rotations (~0.5 s each).
        let wait = (cycle * 7919 + 104_729) % 2_000;
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap();
        child.wait().unwrap();
        rotations += reader.join().unwrap();
        *seen.entry(left_as(dir.path())).or_default() += 1;

        let (store, _) = unlock_either(&vault).unwrap_or_else(|e| panic!("kill {cycle}: {e}"));
        let session = store
            .session_on(campus, NaiveDate::from_ymd_opt(2025, 6, 3).unwrap())
            .unwrap()
            .unwrap();
        let mut held: Vec<String> = store
            .visits_in_session(session.id)
            .unwrap()
            .into_iter()
            .map(|v| v.note)
            .collect();
        held.sort();
        let mut expected = notes.clone();
        expected.sort();
        assert_eq!(held, expected, "kill {cycle}: every visit, as written");
        assert_eq!(
            store.check_integrity().unwrap(),
            Vec::<String>::new(),
            "kill {cycle}"
        );
        store.close().unwrap();
        assert_eq!(
            left_as(dir.path()),
            "settled",
            "kill {cycle}: the unlock settled it"
        );
        assert!(!dir.path().join(ROTATING_FILE).exists(), "kill {cycle}");
    }
    eprintln!("{kills} kills after {rotations} completed rotations; folders left: {seen:?}");
    assert!(rotations > 0, "the child rotated at all");
    assert!(
        seen.keys().any(|k| *k != "settled"),
        "some kills landed in the middle of a rotation: {seen:?}"
    );
}
