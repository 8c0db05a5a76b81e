//! The kill loop: a child process drives the store's write path (new visits from their drafts,
//! drafts, corrections, deletions, the outbox and the receipt of a send) and is killed with
//! SIGKILL at a random moment, again and again. After every kill the data folder must unlock,
//! pass every integrity check, hold every write the child reported done (a line on a pipe,
//! written after the call returned), and hold no half of anything: no visit whose draft is
//! still there, no visit nobody tried to write, no send recorded twice or lost.
//!
//! 100 kills by default; `SALON_KILL_CYCLES=500` for the long run. The seed is printed, and
//! `SALON_KILL_SEED` repeats a run. SIGKILL ends the process, not the machine: what the kernel
//! had accepted stays in its page cache, so this proves the store's transactions, not the disk's
//! flushes (synchronous=FULL is what covers a power cut).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::{salon_on, set_up, visit, PASS};
use salon_protocol::Receipt;
use salon_store::{Store, Vault};

const CHILD_DIR: &str = "SALON_KILL_CHILD_DIR";
const CHILD_SEED: &str = "SALON_KILL_CHILD_SEED";

/// A small deterministic generator (xorshift64*), so a failing run can be repeated by its seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn today() -> NaiveDate {
    salon_core::in_tokyo(chrono::Utc::now()).date_naive()
}

fn day(cycle: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap() + chrono::Days::new(cycle % 300)
}

/// The child: unlocks, says `ready`, then writes until it is killed. Each write is announced
/// with `try …` before the call and confirmed with `done …` after it returned.
#[test]
#[ignore = "the child process of the kill loop; the loop runs it"]
fn kill_loop_child() {
    let dir = std::env::var(CHILD_DIR).expect("run by the kill loop");
    let seed: u64 = std::env::var(CHILD_SEED).unwrap().parse().unwrap();
    let cycle = seed >> 32;
    let mut dice = Dice(seed | 1);
    let mut store = Vault::new(&dir).unlock(PASS).unwrap();
    let campus = store.campuses().unwrap()[0].id;
    let session = salon_on(&mut store, campus, day(cycle));
    println!("ready");
    let mut mine: Vec<i64> = Vec::new();
    for n in 0.. {
        let tag = format!("{cycle}-{n}");
        match dice.below(10) {
            0..=3 => {
                let key = format!("visit:new:{tag}");
                println!("try draft {key} {tag}");
                store.save_draft(&key, &format!("下書き {tag}")).unwrap();
                println!("done draft {key} {tag}");
                println!("try visit {key} {tag}");
                let v = store.save_visit(&visit(session, &format!("記録 {tag}")), Some(&key));
                let v = v.unwrap();
                mine.push(v.id);
                println!("done visit {key} {tag} {}", v.id);
            }
            4..=5 => {
                println!("try draft visit:open {tag}");
                store
                    .save_draft("visit:open", &format!("下書き {tag}"))
                    .unwrap();
                println!("done draft visit:open {tag}");
            }
            6..=7 if !mine.is_empty() => {
                let id = mine[dice.below(mine.len() as u64) as usize];
                let mut input = visit(session, &format!("訂正 {tag}"));
                input.id = Some(id);
                println!("try correct {id} {tag}");
                store.save_visit(&input, None).unwrap();
                println!("done correct {id} {tag}");
            }
            8 if mine.len() > 3 => {
                let id = mine.swap_remove(dice.below(mine.len() as u64) as usize);
                println!("try delete {id}");
                store.delete_visit(id).unwrap();
                println!("done delete {id}");
            }
            _ => {
                println!("try send");
                store.prepare_outbox(today()).unwrap();
                let pending = store.pending_upload().unwrap();
                let keys: Vec<String> = sent_keys(&pending);
                store.record_sent(&pending, &Receipt::default()).unwrap();
                println!("done send {}", keys.join(" "));
            }
        }
    }
}

/// Each snapshot of an upload as `key@revision`.
fn sent_keys(pending: &salon_store::PendingUpload) -> Vec<String> {
    let u = &pending.upload;
    u.days
        .iter()
        .map(|d| (d.key(), d.revision))
        .chain(u.months.iter().map(|m| (m.key(), m.revision)))
        .chain(u.events.iter().map(|e| (e.key(), e.revision)))
        .map(|(k, r)| {
            format!(
                "{}@{r}",
                serde_json::to_string(&k).unwrap().replace(' ', "")
            )
        })
        .collect()
}

/// What the children said, over every run so far.
#[derive(Default)]
struct Ledger {
    /// Per draft key: the last value reported saved, and the values tried since.
    drafts: BTreeMap<String, (Option<String>, Vec<String>)>,
    /// Visits reported saved: id → (the note as last reported, notes tried since).
    visits: BTreeMap<i64, (String, Vec<String>)>,
    /// Visits tried (by draft key) but not reported: they may or may not be there.
    visits_tried: BTreeMap<String, String>,
    /// Visits reported deleted, with their note (SQLite gives a deleted last id to the next
    /// visit, so an id alone does not say which visit it is).
    deleted: BTreeMap<i64, String>,
    deletes_tried: BTreeSet<i64>,
    sends_done: usize,
    sends_tried: usize,
    /// The highest revision reported sent for each snapshot key.
    sent: BTreeMap<String, i64>,
}

impl Ledger {
    fn read(&mut self, line: &str) {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["try", "draft", key, tag] => {
                let entry = self.drafts.entry((*key).into()).or_default();
                entry.1.push(format!("下書き {tag}"));
            }
            ["done", "draft", key, tag] => {
                self.drafts
                    .insert((*key).into(), (Some(format!("下書き {tag}")), Vec::new()));
            }
            ["try", "visit", key, tag] => {
                self.visits_tried
                    .insert((*key).into(), format!("記録 {tag}"));
            }
            ["done", "visit", key, tag, id] => {
                let id: i64 = id.parse().unwrap();
                self.visits_tried.remove(*key);
                self.drafts.remove(*key);
                self.deleted.remove(&id);
                self.deletes_tried.remove(&id);
                self.visits.insert(id, (format!("記録 {tag}"), Vec::new()));
            }
            ["try", "correct", id, tag] => {
                let v = self.visits.get_mut(&id.parse().unwrap()).unwrap();
                v.1.push(format!("訂正 {tag}"));
            }
            ["done", "correct", id, tag] => {
                let v = self.visits.get_mut(&id.parse().unwrap()).unwrap();
                *v = (format!("訂正 {tag}"), Vec::new());
            }
            ["try", "delete", id] => {
                self.deletes_tried.insert(id.parse().unwrap());
            }
            ["done", "delete", id] => {
                let id: i64 = id.parse().unwrap();
                let (note, _) = self.visits.remove(&id).unwrap();
                self.deleted.insert(id, note);
            }
            ["try", "send"] => self.sends_tried += 1,
            ["done", "send", keys @ ..] => {
                self.sends_done += 1;
                for key in keys.iter().filter(|k| !k.is_empty()) {
                    let (k, rev) = key.rsplit_once('@').unwrap();
                    let best = self.sent.entry(k.into()).or_default();
                    *best = (*best).max(rev.parse().unwrap());
                }
            }
            _ => {} // the test harness's own lines
        }
    }

    /// After a kill: every reported write is there, nothing is there by half.
    fn check(&mut self, store: &mut Store, campus: i64) -> Result<(), String> {
        let mut in_db = BTreeMap::new();
        for s in store.recent_sessions(Some(campus), 300).unwrap() {
            for v in store.visits_in_session(s.session.id).unwrap() {
                in_db.insert(v.id, v.note);
            }
        }
        for (id, (note, tried)) in &mut self.visits {
            match in_db.get(id) {
                None if self.deletes_tried.contains(id) => {}
                None => return Err(format!("visit {id} reported saved is gone")),
                Some(n) if n == note || tried.contains(n) => {
                    // What is there now is what any later check must find or go on from.
                    *note = n.clone();
                    tried.clear();
                }
                Some(n) => return Err(format!("visit {id}: {n:?}, reported {note:?}")),
            }
        }
        for (id, note) in &self.deleted {
            if in_db.get(id) == Some(note) {
                return Err(format!("visit {id} reported deleted is there"));
            }
        }
        // A visit nobody reported: it must be one that was tried, with its draft gone with it.
        for (id, note) in &in_db {
            if self.visits.contains_key(id) {
                continue;
            }
            let Some(key) = self
                .visits_tried
                .iter()
                .find(|(_, n)| *n == note)
                .map(|(k, _)| k.clone())
            else {
                return Err(format!("visit {id} ({note:?}) was never written by anyone"));
            };
            if store.draft(&key).unwrap().is_some() {
                return Err(format!(
                    "visit {id} is saved and its draft {key} is still there"
                ));
            }
            self.visits_tried.remove(&key);
            self.drafts.remove(&key);
            self.deleted.remove(id);
            self.deletes_tried.remove(id);
            self.visits.insert(*id, (note.clone(), Vec::new()));
        }
        // A visit tried and not there: its draft must be (the supporter still has it).
        for (key, _) in std::mem::take(&mut self.visits_tried) {
            if store.draft(&key).unwrap().is_none() {
                return Err(format!(
                    "visit of {key} is neither saved nor left as a draft"
                ));
            }
        }
        for (key, (done, tried)) in &mut self.drafts {
            let now = store.draft(key).map_err(|e| e.to_string())?;
            if now != *done && !now.as_ref().is_some_and(|n| tried.contains(n)) {
                return Err(format!("draft {key}: {now:?}, reported {done:?}"));
            }
            *done = now;
            tried.clear();
        }
        let sent_logged = store
            .sync_log(10_000)
            .unwrap()
            .iter()
            .filter(|e| e.outcome == "sent")
            .count();
        if sent_logged < self.sends_done || sent_logged > self.sends_tried {
            return Err(format!(
                "{sent_logged} sends in the log; {} reported, {} tried",
                self.sends_done, self.sends_tried
            ));
        }
        self.sends_tried = sent_logged;
        self.sends_done = sent_logged;
        let pending = sent_keys(&store.pending_upload().unwrap());
        for key in pending {
            let (k, rev) = key.rsplit_once('@').unwrap();
            let rev: i64 = rev.parse().unwrap();
            if self.sent.get(k).is_some_and(|&sent| rev <= sent) {
                return Err(format!("{k} revision {rev} reported sent is pending again"));
            }
        }
        let problems = store.check_integrity().map_err(|e| e.to_string())?;
        if !problems.is_empty() {
            return Err(format!("integrity: {problems:?}"));
        }
        Ok(())
    }
}

/// Starts a child on `dir`, kills it at a random moment, and returns its lines.
fn run_and_kill(dir: &Path, seed: u64, dice: &mut Dice, unlock_ms: u64) -> Vec<String> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "kill_loop_child", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_SEED, seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut lines = Vec::new();
    // One kill in five lands while the child unlocks and migrates; the rest while it writes.
    let kill_at = if dice.below(5) == 0 {
        Some(started + Duration::from_millis(dice.below(unlock_ms.max(1))))
    } else {
        let deadline = started + Duration::from_secs(30);
        loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the child said ready");
            // libtest's "test kill_loop_child ... " has no newline: "ready" ends that line.
            let ready = line.ends_with("ready");
            lines.push(line);
            if ready {
                break None;
            }
        }
    };
    let kill_at =
        kill_at.unwrap_or_else(|| Instant::now() + Duration::from_millis(dice.below(150)));
    std::thread::sleep(kill_at.saturating_duration_since(Instant::now()));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(9),
        "the child ended by itself ({status}), last said {:?}",
        lines.last()
    );
    lines
}

#[test]
fn a_store_killed_at_any_moment_keeps_every_reported_write_and_nothing_by_half() {
    let cycles: u64 = std::env::var("SALON_KILL_CYCLES")
        .map(|c| c.parse().unwrap())
        .unwrap_or(100);
    let seed: u64 = std::env::var("SALON_KILL_SEED")
        .map(|s| s.parse().unwrap())
        .unwrap_or_else(|_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("kill loop: {cycles} kills, SALON_KILL_SEED={seed}");
    let dir = tempfile::tempdir().unwrap();
    let campus = set_up(dir.path());
    let vault = Vault::new(dir.path());
    let t = Instant::now();
    vault.unlock(PASS).unwrap().close().unwrap();
    let unlock_ms = t.elapsed().as_millis() as u64;

    let mut dice = Dice(seed | 1);
    let mut ledger = Ledger::default();
    let mut lines_seen = 0;
    for cycle in 0..cycles {
        let lines = run_and_kill(
            dir.path(),
            (cycle << 32) | dice.below(1 << 32),
            &mut dice,
            unlock_ms,
        );
        lines_seen += lines.len();
        for line in &lines {
            ledger.read(line);
        }
        let mut store = vault
            .unlock(PASS)
            .unwrap_or_else(|e| panic!("kill {cycle} (seed {seed}): the store does not open: {e}"));
        if let Err(problem) = ledger.check(&mut store, campus) {
            panic!(
                "kill {cycle} (seed {seed}): {problem}; last lines {:?}",
                &lines[lines.len().saturating_sub(3)..]
            );
        }
        store.close().unwrap();
    }
    println!(
        "kill loop: {cycles} kills, {lines_seen} lines, {} visits standing, {} deleted, {} sends",
        ledger.visits.len(),
        ledger.deleted.len(),
        ledger.sends_done
    );
    assert!(
        ledger.visits.len() > cycles as usize,
        "the children wrote too little to prove anything"
    );
    assert!(ledger.sends_done > 0);
}
