//! The app's updates as headquarters serves them to Tauri's updater: the newest update newer
//! than the laptop's version for its platform, nothing when the switch is off or the update
//! withdrawn, nothing to anyone without a device's token, and the update check outside the
//! protocol's version, so an app too old to sync still finds its update.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use common::updates::*;
use common::*;
use salon_hq_store::{Actor, AuditAction, NewAppUpdate};
use salon_protocol::updates::UpdatePlatform;
use salon_protocol::{AppVersion, API_VERSION_HEADER, APP_VERSION_HEADER};
use serde_json::Value;

#[tokio::test]
async fn each_laptop_is_offered_the_newest_update_for_its_platform_and_never_an_older_one() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let deb_11 = add(&hq, "1.1.0", "linux-x86_64-deb", b"deb 1.1.0");
    let deb_12 = add(&hq, "1.2.0", "linux-x86_64-deb", b"deb 1.2.0");
    let nsis = add(&hq, "1.1.0", "windows-x86_64-nsis", b"nsis 1.1.0");
    let appimage = add(&hq, "1.3.0", "linux-x86_64-appimage", b"appimage 1.3.0");
    let base = hq.state.public_url.trim_end_matches('/').to_owned();
    let url = |id: i64| format!("{base}/api/updates/bundle/{id}");

    let cases = [
        ("/api/updates/linux/x86_64/1.0.0", Some(("1.2.0", deb_12))),
        (
            "/api/updates/linux/x86_64/v1.0.0?bundle=deb",
            Some(("1.2.0", deb_12)),
        ),
        ("/api/updates/linux/x86_64/1.1.0", Some(("1.2.0", deb_12))),
        ("/api/updates/linux/x86_64/1.2.0", None),
        // A laptop already ahead (a test build) is never offered an older version.
        ("/api/updates/linux/x86_64/1.3.0", None),
        (
            "/api/updates/linux/x86_64/1.0.0?bundle=appimage",
            Some(("1.3.0", appimage)),
        ),
        ("/api/updates/windows/x86_64/1.0.0", Some(("1.1.0", nsis))),
        ("/api/updates/windows/x86_64/1.0.0?bundle=msi", None),
        ("/api/updates/linux/aarch64/1.0.0", None),
        ("/api/updates/darwin/aarch64/1.0.0", None),
    ];
    for (path, want) in cases {
        let a = check(&hq, Some(&token), path).await;
        let got = offered(&a);
        assert_eq!(got, want.map(|(v, id)| (v.to_owned(), url(id))), "{path}");
        assert_eq!(a.headers["cache-control"], "no-store", "{path}");
    }
    // The offer is what Tauri's updater reads: the NPO's signature as given, the notes, the date.
    let v: Value = check(&hq, Some(&token), "/api/updates/linux/x86_64/1.0.0")
        .await
        .json();
    assert_eq!(
        v["signature"],
        signature("career-salon_1.2.0_linux-x86_64-deb", "1.2.0")
    );
    assert_eq!(v["notes"], "1.2.0：予約の一覧が見やすくなりました。");
    assert!(v["pub_date"].as_str().unwrap().ends_with('Z'), "{v}");

    // The bundle comes as it was added, to a device only.
    let bundle = check(&hq, Some(&token), &format!("/api/updates/bundle/{deb_12}")).await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert_eq!(&bundle.body[..], b"deb 1.2.0");
    assert!(bundle.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("career-salon_1.2.0_linux-x86_64-deb"));
    let kept = hq.store().app_updates().unwrap();
    let listed = kept.iter().find(|u| u.id == deb_11).unwrap();
    assert_eq!(listed.bytes, 9);
    assert_eq!(listed.sha256.len(), 64);
    // A platform or bundle that does not exist is not a question headquarters answers.
    for path in [
        "/api/updates/linux/x86_64/1.0.0?bundle=nsis",
        "/api/updates/beos/x86_64/1.0.0",
        "/api/updates/linux/x86_64/one",
    ] {
        assert_eq!(
            check(&hq, Some(&token), path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn nothing_is_offered_while_the_switch_is_off_nor_once_an_update_is_withdrawn() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let first = add(&hq, "1.1.0", "linux-x86_64-deb", b"first");
    let second = add(&hq, "1.2.0", "linux-x86_64-deb", b"second");
    let path = "/api/updates/linux/x86_64/1.0.0";
    let by = Actor::cli();

    hq.store()
        .set_updates_offered(&by, false, Utc::now())
        .unwrap();
    assert_eq!(offered(&check(&hq, Some(&token), path).await), None);
    let bundle = format!("/api/updates/bundle/{second}");
    assert_eq!(
        check(&hq, Some(&token), &bundle).await.status,
        StatusCode::NOT_FOUND
    );
    hq.store()
        .set_updates_offered(&by, true, Utc::now())
        .unwrap();
    assert_eq!(
        offered(&check(&hq, Some(&token), path).await).unwrap().0,
        "1.2.0"
    );

    // 1.2.0 turns out wrong: withdrawn, the laptops are offered 1.1.0 again, and its bundle
    // is no longer served.
    hq.store()
        .withdraw_app_update(&by, second, Utc::now())
        .unwrap();
    assert_eq!(
        offered(&check(&hq, Some(&token), path).await).unwrap().0,
        "1.1.0"
    );
    assert_eq!(
        check(&hq, Some(&token), &bundle).await.status,
        StatusCode::NOT_FOUND
    );
    hq.store()
        .withdraw_app_update(&by, first, Utc::now())
        .unwrap();
    assert_eq!(offered(&check(&hq, Some(&token), path).await), None);
    assert!(
        matches!(
            hq.store().withdraw_app_update(&by, first, Utc::now()),
            Err(salon_hq_store::HqError::NotFound)
        ),
        "withdrawn once"
    );
    let actions = hq.audit_actions();
    for a in [
        AuditAction::UpdateAdded,
        AuditAction::UpdatesOffered,
        AuditAction::UpdateWithdrawn,
    ] {
        assert!(actions.contains(&a), "{a:?} in the 操作記録");
    }
}

#[tokio::test]
async fn an_app_too_old_to_sync_still_finds_its_update_and_nobody_else_finds_any() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    add(&hq, "1.1.0", "linux-x86_64-deb", b"bundle");
    // A laptop on another protocol (an old app) is told to update when it syncs…
    let sync = Request::builder()
        .method("GET")
        .uri("/api/v1/config")
        .header("authorization", format!("Bearer {token}"))
        .header(API_VERSION_HEADER, "0")
        .header(APP_VERSION_HEADER, "0.9.0")
        .body(Body::empty())
        .unwrap();
    assert_eq!(hq.send(sync).await.error().code, "api_version");
    // …and the update check answers it all the same.
    let old = Request::builder()
        .method("GET")
        .uri("/api/updates/linux/x86_64/0.9.0")
        .header("authorization", format!("Bearer {token}"))
        .header(API_VERSION_HEADER, "0")
        .body(Body::empty())
        .unwrap();
    assert_eq!(offered(&hq.send(old).await).unwrap().0, "1.1.0");

    // Without a device's token, or with a revoked one, nothing: not even whether one exists.
    let path = "/api/updates/linux/x86_64/1.0.0";
    assert_eq!(
        check(&hq, None, path).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        check(&hq, Some("not-a-token"), path).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        check(&hq, None, "/api/updates/bundle/1").await.status,
        StatusCode::UNAUTHORIZED
    );
    let device = hq.store().devices().unwrap()[0].id;
    hq.store()
        .revoke(&Actor::cli(), device, Utc::now())
        .unwrap();
    let revoked = check(&hq, Some(&token), path).await;
    assert_eq!(revoked.error().code, "device_revoked");
}

#[tokio::test]
async fn an_update_without_a_signature_notes_or_bundle_or_given_twice_is_refused() {
    let hq = Hq::new();
    let good = || NewAppUpdate {
        version: AppVersion::parse("1.1.0").unwrap(),
        platform: UpdatePlatform::parse("linux-x86_64-deb").unwrap(),
        file_name: "career-salon_1.1.0_amd64.deb".into(),
        bundle: b"bundle".to_vec(),
        signature: signature("career-salon_1.1.0_amd64.deb", "1.1.0"),
        notes: "不具合を直しました。".into(),
    };
    let refused = |new: NewAppUpdate| {
        hq.store()
            .add_app_update(&Actor::cli(), new, Utc::now())
            .unwrap_err()
    };
    use salon_hq_store::HqError::AlreadyExists;
    let is = |e: salon_hq_store::HqError, want: &str| format!("{e:?}") == want;
    // The public key or the bundle given as the signature, by mistake.
    let public_key =
        data_encoding::BASE64.encode(b"untrusted comment: minisign public key\nRW..\n");
    assert!(is(
        refused(NewAppUpdate {
            signature: public_key,
            ..good()
        }),
        "BadForm(\"update_signature\")"
    ));
    assert!(is(
        refused(NewAppUpdate {
            signature: "bundle bytes".into(),
            ..good()
        }),
        "BadForm(\"update_signature\")"
    ));
    // A compromised or careless office cannot publish an older signed bundle as a newer
    // version: its signature names the version it was made for, or none at all.
    for (signed, why) in [
        (
            signature("career-salon_1.0.0_amd64.deb", "1.0.0"),
            "an older version's",
        ),
        (
            data_encoding::BASE64.encode(
                b"untrusted comment: x\nRUTEST\ntrusted comment: timestamp:1\tfile:a.deb\nG\n",
            ),
            "a signature naming no version",
        ),
    ] {
        let e = refused(NewAppUpdate {
            signature: signed,
            ..good()
        });
        assert!(is(e, "BadForm(\"update_signature_version\")"), "{why}");
    }
    assert!(is(
        refused(NewAppUpdate {
            notes: " ".into(),
            ..good()
        }),
        "BadForm(\"update_notes\")"
    ));
    assert!(is(
        refused(NewAppUpdate {
            bundle: Vec::new(),
            ..good()
        }),
        "BadForm(\"update_bundle\")"
    ));
    assert!(is(
        refused(NewAppUpdate {
            file_name: "../x.deb".into(),
            ..good()
        }),
        "BadForm(\"update_file\")"
    ));
    assert!(hq.store().app_updates().unwrap().is_empty(), "nothing kept");
    hq.store()
        .add_app_update(&Actor::cli(), good(), Utc::now())
        .unwrap();
    assert!(matches!(refused(good()), AlreadyExists("update")));
    assert_eq!(hq.store().app_updates().unwrap().len(), 1);
}
