//! `salon-hq backup` while the real server takes uploads, and `salon-hq restore` after it is
//! stopped: the copy holds every upload answered before the backup began, restores into a
//! server that is ready and answers those uploads' receipts again; a restore under a running
//! server, or of a file that is not a backup, is refused and changes nothing.

mod server;

use std::time::Duration;

use salon_protocol::{CampusCode, Receipt, API_VERSION, API_VERSION_HEADER, IDEMPOTENCY_HEADER};
use server::{hq, refused, upload, Server};

fn body(n: u64) -> Vec<u8> {
    serde_json::to_vec(&upload(&CampusCode::parse("C-100").unwrap(), n)).unwrap()
}

async fn send(http: &reqwest::Client, url: &str, token: &str, n: u64) -> Receipt {
    let res = http
        .post(format!("{url}/api/v1/upload"))
        .header(API_VERSION_HEADER, API_VERSION.to_string())
        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
        .header("authorization", format!("Bearer {token}"))
        .header(IDEMPOTENCY_HEADER, format!("backup-{n}"))
        .header("content-type", "application/json")
        .body(body(n))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "upload {n}");
    res.json().await.unwrap()
}

fn day_snapshots(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM day_snapshots", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_uploads_restores_every_upload_answered_before_it() {
    let (server, codes) = Server::start(1);
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/v1/enrol", server.url))
        .header(API_VERSION_HEADER, API_VERSION.to_string())
        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
        .json(&serde_json::json!({ "code": codes[0] }))
        .send()
        .await
        .unwrap();
    let token = res
        .json::<salon_protocol::Enrolment>()
        .await
        .unwrap()
        .token
        .to_string();
    for n in 0..50 {
        send(&http, &server.url, &token, n).await;
    }
    // Uploads go on while the backup is taken.
    let writer = {
        let (http, url, token) = (http.clone(), server.url.clone(), token.clone());
        tokio::spawn(async move {
            for n in 50..150 {
                send(&http, &url, &token, n).await;
            }
        })
    };
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("hq-2025-03-01.db");
    let said = hq(
        server.dir.path(),
        &["backup", "--to", copy.to_str().unwrap()],
    );
    assert!(said.contains("バックアップを作成しました"), "{said}");
    writer.await.unwrap();
    let in_copy = day_snapshots(&copy);
    assert!((50..=150).contains(&in_copy), "{in_copy} days in the copy");

    // Not under a running server.
    let said = refused(
        server.dir.path(),
        &["restore", "--from", copy.to_str().unwrap()],
    );
    assert!(said.contains("別の salon-hq が使っています"), "{said}");
    let live = server.dir.path().join("hq.db");
    assert_eq!(day_snapshots(&live), 150);

    let dir = server.stop();
    // Not a file that is not a backup.
    let junk = copies.path().join("junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    let said = refused(dir.path(), &["restore", "--from", junk.to_str().unwrap()]);
    assert!(said.contains("バックアップではありません"), "{said}");
    assert_eq!(
        day_snapshots(&live),
        150,
        "a refused restore changes nothing"
    );

    let said = hq(dir.path(), &["restore", "--from", copy.to_str().unwrap()]);
    assert!(said.contains("を復元しました"), "{said}");
    assert_eq!(day_snapshots(&live), in_copy);
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("hq.db.before-restore-"))
        .filter(|name| !name.ends_with(".audit-key"))
        .collect();
    assert_eq!(kept.len(), 1, "what was there is kept: {kept:?}");
    assert!(
        dir.path().join(format!("{}.audit-key", kept[0])).exists(),
        "with the key its audit log was made with"
    );
    assert_eq!(day_snapshots(&dir.path().join(&kept[0])), 150);

    let server = Server::serve(dir);
    let ready = http
        .get(format!("{}/readyz", server.url))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    // An upload answered before the backup is held: resending it gets its receipt back.
    assert_eq!(send(&http, &server.url, &token, 10).await.stored, 1);
    assert_eq!(day_snapshots(&live), in_copy);
}
