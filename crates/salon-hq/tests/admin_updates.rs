//! The app's updates from the office's side: 端末一覧's アプリの更新 (seen beside the laptops,
//! added by upload, withdrawn when sure, switched off) and `salon-hq release` on the server.

mod common;
mod server;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use common::updates::*;
use common::*;
use salon_hq_store::Actor;

/// `salon-hq release …` on the database in `dir`: whether it succeeded, and what it said.
fn release(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let args: Vec<&str> = ["release"].iter().chain(args).copied().collect();
    server::hq_said(dir, &args)
}

#[test]
fn an_admin_adds_lists_withdraws_and_switches_updates_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("career-salon_1.1.0_amd64.deb");
    std::fs::write(&bundle, b"the bundle").unwrap();
    let mut sig = bundle.clone().into_os_string();
    sig.push(".sig");
    std::fs::write(&sig, signature("career-salon_1.1.0_amd64.deb", "1.1.0")).unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "予約の一覧が見やすくなりました。\n").unwrap();
    let bundle = bundle.to_str().unwrap();
    let notes = notes.to_str().unwrap();
    let add = |platform: &str| {
        release(
            dir.path(),
            &[
                "add",
                "--version",
                "1.1.0",
                "--platform",
                platform,
                "--bundle",
                bundle,
                "--notes",
                notes,
            ],
        )
    };

    let (ok, out) = add("linux-x86_64-deb");
    assert!(ok, "{out}");
    assert!(
        out.contains("更新 1 を追加しました：1.1.0（linux-x86_64-deb）"),
        "{out}"
    );
    let (ok, out) = add("linux-x86_64-nsis");
    assert!(!ok);
    assert!(
        out.contains("対象「linux-x86_64-nsis」が読めません"),
        "{out}"
    );
    let (ok, out) = add("linux-x86_64-deb");
    assert!(!ok);
    assert!(out.contains("この版と種類の更新はすでにあります"), "{out}");
    let (ok, out) = release(dir.path(), &["list"]);
    assert!(ok && out.contains("配信：する"), "{out}");
    assert!(
        out.contains("1\t1.1.0\tlinux-x86_64-deb\tcareer-salon_1.1.0_amd64.deb"),
        "{out}"
    );

    let (ok, out) = release(dir.path(), &["offer", "off"]);
    assert!(ok && out.contains("更新を配信しません"), "{out}");
    assert!(release(dir.path(), &["list"]).1.contains("配信：しない"));
    let (ok, out) = release(dir.path(), &["withdraw", "--id", "1"]);
    assert!(ok && out.contains("更新 1 を取り下げました"), "{out}");
    assert!(release(dir.path(), &["list"]).1.contains("取り下げ"));
}

/// 端末一覧 → アプリの更新: the office sees each update and which laptops it is offered to,
/// withdraws one only once it confirms what that means, and can stop offering any.
#[tokio::test]
async fn the_office_sees_the_updates_beside_the_laptops_withdraws_one_when_sure_and_can_stop_all() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    // The laptop names the test app's version (1.0.0) when it syncs.
    hq.config(&token).await;
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(page.contains("更新はまだありません"), "{page}");
    assert!(
        page.contains("data-testid=\"device-app-current\""),
        "{page}"
    );

    let id = add(&hq, "1.1.0", "windows-x86_64-nsis", b"nsis");
    // No laptop has asked yet: none is shown as up to date while 1.1.0 is on offer.
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(
        !page.contains("data-testid=\"device-app-current\"")
            && page.contains("data-testid=\"device-app-outdated\""),
        "{page}"
    );
    // A second laptop whose app has not asked for updates (its platform is not known).
    let other = hq.enrol(&["C-012"]).await;
    hq.config(&other).await;
    let windows = "/api/updates/windows/x86_64/1.0.0";
    assert_eq!(
        offered(&check(&hq, Some(&token), windows).await).unwrap().0,
        "1.1.0"
    );
    let page = hq.get("/devices", Some(&cookie)).await.text();
    let section = page
        .split("data-testid=\"app-updates\"")
        .nth(1)
        .expect("the updates section");
    assert!(
        section.contains("Windows（インストーラー）") && section.contains("配信中"),
        "{section}"
    );
    assert!(
        section.contains("1.1.0：予約の一覧が見やすくなりました。"),
        "{section}"
    );
    assert_eq!(
        page.matches("data-testid=\"device-app-offered\"").count(),
        1,
        "the Windows laptop on 1.0.0 is being offered 1.1.0: {page}"
    );
    assert!(page.contains("更新を案内中"), "{page}");
    assert!(
        page.contains("data-testid=\"device-app-outdated\"")
            && page.contains("アプリの更新をお願いしてください"),
        "the other is not offered it (its platform is not known): {page}"
    );

    // Withdrawing asks first, and says what it means; nothing changes until confirmed.
    let path = format!("/devices/updates/{id}/withdraw");
    let asked = hq.post_form(&path, &cookie, &format!("csrf={csrf}")).await;
    assert_eq!(asked.status, StatusCode::OK);
    let text = asked.text();
    assert!(
        text.contains("もう一度配信することはできません")
            && text.contains("古い版に戻すことはできません"),
        "{text}"
    );
    assert!(hq.store().app_updates().unwrap()[0].withdrawn_at.is_none());
    let done = hq
        .post_form(&path, &cookie, &format!("csrf={csrf}&confirmed=1"))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(hq.store().app_updates().unwrap()[0].withdrawn_at.is_some());
    let page = hq
        .get("/devices?done=withdrawn", Some(&cookie))
        .await
        .text();
    assert!(
        page.contains("更新を取り下げました") && page.contains("取り下げ（"),
        "{page}"
    );

    // Stopping every update: one button, said back, and the laptops are offered nothing.
    add(&hq, "1.2.0", "linux-x86_64-deb", b"deb");
    let off = hq
        .post_form(
            "/devices/updates/offer",
            &cookie,
            &format!("csrf={csrf}&offer=off"),
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(!hq.store().updates_offered().unwrap());
    let page = hq
        .get("/devices?done=offer_off", Some(&cookie))
        .await
        .text();
    assert!(page.contains("配信を止めました") && page.contains("data-testid=\"updates-off\""));
    assert_eq!(
        offered(&check(&hq, Some(&token), "/api/updates/linux/x86_64/1.0.0").await),
        None
    );
    // A forged form (no CSRF token) changes nothing.
    let forged = hq
        .post_form("/devices/updates/offer", &cookie, "offer=on")
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    assert!(!hq.store().updates_offered().unwrap());
}

/// A browser's multipart body: each field's name, its file name for a file, and its bytes.
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----salon-update-form";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// 更新を追加する from 端末一覧: a manager uploads the bundle and its `.sig` with the notes; a
/// wrong file as the signature is refused with what was typed kept; a forged form and a viewer
/// add nothing.
#[tokio::test]
async fn a_manager_adds_an_update_from_the_web_with_its_signature_and_nothing_else_gets_in() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let form = hq.get("/devices/updates/new", Some(&cookie)).await.text();
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("Linux（.deb）") && form.contains("Windows（インストーラー）"));

    // Far larger than any form: the upload has its own limit.
    let bundle = vec![7u8; 3 * 1024 * 1024];
    let sig = signature("career-salon_1.1.0_amd64.deb", "1.1.0");
    let notes = "予約の一覧が見やすくなりました。";
    let post = |csrf: &str, sig: &str, cookie: &str| {
        let (kind, body) = multipart(&[
            ("csrf", None, csrf.as_bytes()),
            ("version", None, b"1.1.0"),
            ("platform", None, b"linux-x86_64-deb"),
            ("bundle", Some("career-salon_1.1.0_amd64.deb"), &bundle),
            (
                "signature",
                Some("career-salon_1.1.0_amd64.deb.sig"),
                sig.as_bytes(),
            ),
            ("notes", None, notes.as_bytes()),
        ]);
        Request::builder()
            .method("POST")
            .uri("/devices/updates")
            .header("cookie", cookie)
            .header("content-type", kind)
            .body(Body::from(body))
            .unwrap()
    };

    // The public key chosen instead of the signature: refused, said in Japanese, the notes kept.
    let public_key =
        data_encoding::BASE64.encode(b"untrusted comment: minisign public key: ABCD\nRWTEST\n");
    let refused = hq.send(post(&csrf, &public_key, &cookie)).await;
    let page = refused.text();
    assert!(page.contains("署名が読めません"), "{page}");
    assert!(page.contains(notes), "what was typed stays: {page}");
    // A forged form (another site's, without the page's token).
    let forged = hq.send(post("forged", &sig, &cookie)).await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    // A viewer may read the figures, not add updates.
    hq.store()
        .create_admin(
            &Actor::cli(),
            "viewer",
            "viewer password 1",
            salon_hq_store::Role::Viewer,
            Utc::now(),
        )
        .unwrap();
    let (viewer, viewer_csrf) = hq.session_of("viewer", "viewer password 1").await;
    let as_viewer = hq.send(post(&viewer_csrf, &sig, &viewer)).await;
    assert_ne!(as_viewer.status, StatusCode::SEE_OTHER);
    assert!(hq.store().app_updates().unwrap().is_empty(), "nothing kept");

    let added = hq.send(post(&csrf, &sig, &cookie)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let kept = hq.store().app_updates().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].version.to_string(),
            kept[0].bytes,
            kept[0].notes.as_str()
        ),
        ("1.1.0".to_owned(), 3 * 1024 * 1024, notes)
    );
    let page = hq
        .get("/devices?done=update_added", Some(&cookie))
        .await
        .text();
    assert!(page.contains("更新を追加しました"), "{page}");
    let offer = check(&hq, Some(&token), "/api/updates/linux/x86_64/1.0.0").await;
    assert_eq!(offered(&offer).unwrap().0, "1.1.0");
    let got = check(
        &hq,
        Some(&token),
        &format!("/api/updates/bundle/{}", kept[0].id),
    )
    .await;
    assert_eq!(got.body.len(), bundle.len());
}
