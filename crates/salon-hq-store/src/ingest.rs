//! Receiving uploads, written in groups (group commit): the evening after a salon day every
//! laptop syncs at once, and one FULL commit (one fsync) per upload is what limits headquarters
//! then. An upload joins a queue; whoever holds the writer takes everything queued, writes each
//! upload in its own savepoint of one transaction, commits once, and only then answers each.
//! So an answer still means "durable", a refusal still stores nothing of its upload, and one
//! upload's refusal never undoes another's.

use std::sync::mpsc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::Receipt;

use super::database::HqStore;
use super::device_auth::authenticate;
use super::events::store_events;
use super::month_releases::store_release;
use super::path_decisions::store_path_release;
use super::rows::ts;
use super::snapshots::{store_day, store_month, tally};
use super::upload_queue::{Job, Pending};
use crate::error::{HqError, Result};
use crate::secret;

/// The most uploads one commit takes; the rest wait for the next, so one commit stays short.
const MAX_GROUP: usize = 64;

impl HqStore {
    /// Receives one upload: a refusal stores nothing; a key already used returns its receipt
    /// (same body) or is refused (different body). A snapshot that cannot be true on Tokyo's
    /// today refuses the upload, named; so does one at a revision held with other counts, or
    /// below it with other counts, with every such snapshot and the revision held. Returns once
    /// what it stored is durable.
    pub fn upload(
        &self,
        token: &str,
        idempotency_key: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Receipt> {
        let (answer, answered) = mpsc::channel();
        let job = Job {
            token: token.to_owned(),
            idempotency_key: idempotency_key.to_owned(),
            body_hash: secret::sha256(body),
            upload: serde_json::from_slice(body).map_err(|_| ()),
            now,
        };
        self.queued().push(Pending { job, answer });
        loop {
            if let Some(result) = take_answer(&answered)? {
                return result;
            }
            let mut conn = self.write();
            // Whoever held the writer answered everything it took before letting go, so
            // without an answer this upload is still queued and goes in this group.
            if let Some(result) = take_answer(&answered)? {
                return result;
            }
            let group: Vec<Pending> = {
                let mut queue = self.queued();
                let n = queue.len().min(MAX_GROUP);
                queue.drain(..n).collect()
            };
            write_group(&mut conn, group);
        }
    }
}

/// The answer if it has come; an error if whoever took the upload died before answering.
fn take_answer(answered: &mpsc::Receiver<Result<Receipt>>) -> Result<Option<Result<Receipt>>> {
    match answered.try_recv() {
        Ok(result) => Ok(Some(result)),
        Err(mpsc::TryRecvError::Empty) => Ok(None),
        Err(mpsc::TryRecvError::Disconnected) => Err(HqError::Internal("upload lost")),
    }
}

/// Writes a group in one transaction, each upload in its savepoint, and answers each after
/// the commit. A failed commit fails every upload of the group (none of them is stored).
fn write_group(conn: &mut Connection, group: Vec<Pending>) {
    let mut results = Vec::with_capacity(group.len());
    let mut tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            for p in group {
                let _ = p.answer.send(Err(copy_of(&e)));
            }
            return;
        }
    };
    for p in group {
        let result = tx.savepoint().map_err(HqError::from).and_then(|sp| {
            // A refusal drops the savepoint, which rolls back what this upload wrote.
            let receipt = write_one(&sp, &p.job)?;
            sp.commit()?;
            Ok(receipt)
        });
        results.push((p.answer, result));
    }
    // SQLite may end the transaction itself when the disk fills; the commit then fails too.
    let disk_full = results
        .iter()
        .any(|(_, r)| matches!(r, Err(HqError::DiskFull)));
    let committed = tx.commit();
    for (answer, result) in results {
        let result = match (&committed, result) {
            (Ok(()), r) | (Err(_), r @ Err(_)) => r,
            (Err(_), Ok(_)) if disk_full => Err(HqError::DiskFull),
            (Err(e), Ok(_)) => Err(copy_of(e)),
        };
        let _ = answer.send(result);
    }
}

/// The same storage failure for every upload of a group.
fn copy_of(e: &rusqlite::Error) -> HqError {
    match e {
        rusqlite::Error::SqliteFailure(code, _) => {
            HqError::from(rusqlite::Error::SqliteFailure(*code, None))
        }
        _ => HqError::Internal("commit"),
    }
}

/// One upload inside the group's transaction (its own savepoint): checks, then writes.
fn write_one(conn: &Connection, job: &Job) -> Result<Receipt> {
    let device = authenticate(conn, &job.token)?;
    let held: Option<(Vec<u8>, String)> = conn
        .prepare_cached(
            "SELECT body_sha256, receipt FROM uploads WHERE device_id = ?1 AND idem_key = ?2",
        )?
        .query_row(params![device.id, job.idempotency_key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((hash, receipt)) = held {
        if !secret::constant_time_eq(&hash, &job.body_hash) {
            return Err(HqError::IdempotencyConflict);
        }
        return serde_json::from_str(&receipt).map_err(|_| HqError::Internal("receipt"));
    }
    let upload = job.upload.as_ref().map_err(|()| HqError::BadBody)?;
    upload.check()?;
    upload
        .check_plausible(crate::tokyo::day(job.now))
        .map_err(|(snapshot, error)| HqError::Implausible { snapshot, error })?;
    let campuses = upload
        .days
        .iter()
        .map(|d| &d.campus)
        .chain(upload.months.iter().map(|m| &m.campus))
        .chain(upload.events.iter().filter_map(|e| e.campus.as_ref()))
        .chain(upload.releases.iter().map(|r| &r.campus));
    for c in campuses {
        if !device.campuses.contains(c) {
            return Err(HqError::CampusNotEnrolled);
        }
    }
    let mut receipt = Receipt::default();
    let mut held = Vec::new();
    for d in &upload.days {
        match store_day(conn, device.id, d, job.now)? {
            Ok(outcome) => tally(&mut receipt, outcome),
            Err(h) => held.push(h),
        }
    }
    for m in &upload.months {
        match store_month(conn, device.id, m, job.now)? {
            Ok(outcome) => tally(&mut receipt, outcome),
            Err(h) => held.push(h),
        }
    }
    for e in &upload.events {
        match store_events(conn, device.id, e, job.now)? {
            Ok(outcome) => tally(&mut receipt, outcome),
            Err(h) => held.push(h),
        }
    }
    let mut releases_held = Vec::new();
    for r in &upload.releases {
        match store_release(conn, device.id, r, job.now)? {
            Ok(outcome) => tally(&mut receipt, outcome),
            Err(h) => releases_held.push(h),
        }
    }
    for r in &upload.path_releases {
        match store_path_release(conn, device.id, r, job.now)? {
            Ok(outcome) => tally(&mut receipt, outcome),
            Err(h) => releases_held.push(h),
        }
    }
    if !held.is_empty() {
        let conflict = held.iter().any(|h| h.1);
        let held = held.into_iter().map(|h| h.0).chain(releases_held).collect();
        return Err(HqError::RevisionHeld { conflict, held });
    }
    if !releases_held.is_empty() {
        return Err(HqError::ReleaseHeld {
            held: releases_held,
        });
    }
    let receipt_json = serde_json::to_string(&receipt).map_err(|_| HqError::Internal("receipt"))?;
    conn.prepare_cached(
        "INSERT INTO uploads (device_id, idem_key, body_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        device.id,
        job.idempotency_key,
        job.body_hash,
        receipt_json,
        ts(job.now)
    ])?;
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Days, NaiveDate};
    use salon_protocol::{CampusCode, DayCounts, DaySnapshot, EnrolmentCode};

    use salon_protocol::Upload;

    use super::*;
    use crate::audit::Actor;

    fn enrolled(dir: &std::path::Path) -> (HqStore, String, DateTime<Utc>) {
        let store = HqStore::open(&dir.join("hq.db")).unwrap();
        let now = Utc::now();
        let c012 = CampusCode::parse("C-012").unwrap();
        store.add_campus(&Actor::cli(), &c012, "柏", now).unwrap();
        let issued = store
            .issue_code(&Actor::cli(), "山田", &[c012], now)
            .unwrap();
        let code = EnrolmentCode::parse(&issued.code).unwrap();
        let app = salon_protocol::AppVersion::parse("1.0.0").unwrap();
        let token = store.enrol(&code, &app, now).unwrap().token.to_string();
        (store, token, now)
    }

    /// An upload of one day snapshot, `days_ago` before a day long past, with `visits`.
    fn body(days_ago: u64, visits: u32) -> Vec<u8> {
        serde_json::to_vec(&Upload {
            days: vec![DaySnapshot {
                campus: CampusCode::parse("C-012").unwrap(),
                day: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() - Days::new(days_ago),
                revision: 1,
                counts: DayCounts {
                    sessions: 1,
                    session_minutes: 180,
                    visits,
                    distinct_students: visits,
                    first_time_students: 1,
                    ..Default::default()
                },
            }],
            ..Upload::default()
        })
        .unwrap()
    }

    /// One upload of a new day `days_ago` and of the day `held.0` with `held.1` visits.
    fn two_days(days_ago: u64, held: (u64, u32)) -> Vec<u8> {
        let mut upload: Upload = serde_json::from_slice(&body(days_ago, 2)).unwrap();
        let other: Upload = serde_json::from_slice(&body(held.0, held.1)).unwrap();
        upload.days.extend(other.days);
        serde_json::to_vec(&upload).unwrap()
    }

    fn pending(
        token: &str,
        key: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> (Pending, mpsc::Receiver<Result<Receipt>>) {
        let (answer, answered) = mpsc::channel();
        let job = Job {
            token: token.to_owned(),
            idempotency_key: key.to_owned(),
            body_hash: secret::sha256(body),
            upload: serde_json::from_slice(body).map_err(|_| ()),
            now,
        };
        (Pending { job, answer }, answered)
    }

    #[test]
    fn a_refusal_in_a_group_undoes_only_its_own_upload() {
        let dir = tempfile::tempdir().unwrap();
        let (store, token, now) = enrolled(dir.path());
        let uploads = [
            ("a", body(1, 4)),
            ("b", b"{\"days\": [".to_vec()),
            ("c", body(2, 5)),
            // The key of the first, with another body: seen inside the same transaction.
            ("a", body(3, 6)),
            // The first's day at its revision with other figures.
            ("e", body(1, 7)),
            ("f", body(4, 3)),
            // A new day stored, then a day held with other figures: the new day goes too.
            ("g", two_days(5, (1, 8))),
        ];
        let (group, answers): (Vec<_>, Vec<_>) = uploads
            .iter()
            .map(|(key, b)| pending(&token, key, b, now))
            .unzip();
        write_group(&mut store.write(), group);
        let answers: Vec<_> = answers.iter().map(|a| a.try_recv().unwrap()).collect();
        assert!(matches!(answers[0], Ok(Receipt { stored: 1, .. })));
        assert!(matches!(answers[1], Err(HqError::BadBody)));
        assert!(matches!(answers[2], Ok(Receipt { stored: 1, .. })));
        assert!(matches!(answers[3], Err(HqError::IdempotencyConflict)));
        assert!(matches!(
            answers[4],
            Err(HqError::RevisionHeld { conflict: true, .. })
        ));
        assert!(matches!(answers[5], Ok(Receipt { stored: 1, .. })));
        assert!(matches!(
            answers[6],
            Err(HqError::RevisionHeld { conflict: true, .. })
        ));
        assert_eq!(store.count_rows("day_snapshots").unwrap(), 3);
        let revisions: i64 = store
            .read()
            .query_row("SELECT count(*) FROM day_revisions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(revisions, 3);
        assert_eq!(store.count_rows("uploads").unwrap(), 3);
        // The first day kept its own figures, not the refused ones.
        let visits: i64 = store
            .read()
            .query_row(
                "SELECT visits FROM day_snapshots WHERE day = '2025-02-28'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(visits, 4);
    }

    #[test]
    fn uploads_from_many_threads_at_once_each_get_their_own_answer() {
        let dir = tempfile::tempdir().unwrap();
        let (store, token, now) = enrolled(dir.path());
        let store = Arc::new(store);
        let start = Arc::new(std::sync::Barrier::new(16));
        let threads: Vec<_> = (0..16u64)
            .map(|i| {
                let (store, token, start) = (store.clone(), token.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    // Every fourth sends a broken body; every upload is sent twice.
                    let b = if i % 4 == 3 {
                        b"[]".to_vec()
                    } else {
                        body(i, i as u32 + 1)
                    };
                    let key = format!("k{i}");
                    let first = store.upload(&token, &key, &b, now);
                    let again = store.upload(&token, &key, &b, now);
                    (i, first, again)
                })
            })
            .collect();
        for t in threads {
            let (i, first, again) = t.join().unwrap();
            if i % 4 == 3 {
                assert!(matches!(first, Err(HqError::BadBody)), "{i}: {first:?}");
                assert!(matches!(again, Err(HqError::BadBody)), "{i}: {again:?}");
            } else {
                assert_eq!(first.unwrap().stored, 1, "{i}");
                assert_eq!(
                    again.unwrap().stored,
                    1,
                    "{i}: a resend answers the receipt"
                );
            }
        }
        assert_eq!(store.count_rows("day_snapshots").unwrap(), 12);
        assert_eq!(store.count_rows("uploads").unwrap(), 12);
        assert!(store.queued().is_empty());
    }
}
