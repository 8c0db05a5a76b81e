//! What the update tests share: an update added as the NPO would sign it, and the updater's
//! check as the app sends it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use salon_hq_store::{Actor, NewAppUpdate};
use salon_protocol::updates::UpdatePlatform;
use salon_protocol::AppVersion;
use serde_json::Value;

use super::{Answer, Hq};

/// What `tauri signer sign` writes beside a bundle: base64 of a minisign signature, its
/// trusted comment naming the file and the version it was signed for.
pub fn signature(file: &str, version: &str) -> String {
    let text = format!(
        "untrusted comment: signature from tauri secret key\nRUTEST\n\
         trusted comment: timestamp:1700000000\tfile:{file}\tversion:{version}\nTESTGLOBAL\n"
    );
    data_encoding::BASE64.encode(text.as_bytes())
}

pub fn add(hq: &Hq, version: &str, platform: &str, bytes: &[u8]) -> i64 {
    let file = format!("career-salon_{version}_{platform}");
    hq.store()
        .add_app_update(
            &Actor::cli(),
            NewAppUpdate {
                version: AppVersion::parse(version).unwrap(),
                platform: UpdatePlatform::parse(platform).unwrap(),
                file_name: file.clone(),
                bundle: bytes.to_vec(),
                signature: signature(&file, version),
                notes: format!("{version}：予約の一覧が見やすくなりました。"),
            },
            Utc::now(),
        )
        .unwrap()
}

/// The updater's check, as the app's updater sends it: the token, and no protocol header.
pub async fn check(hq: &Hq, token: Option<&str>, path: &str) -> Answer {
    let mut req = Request::builder().method("GET").uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    hq.send(req.body(Body::empty()).unwrap()).await
}

pub fn offered(a: &Answer) -> Option<(String, String)> {
    match a.status {
        StatusCode::NO_CONTENT => None,
        StatusCode::OK => {
            let v: Value = a.json();
            Some((
                v["version"].as_str().unwrap().to_owned(),
                v["url"].as_str().unwrap().to_owned(),
            ))
        }
        other => panic!("{other}: {}", a.text()),
    }
}
