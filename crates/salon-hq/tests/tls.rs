//! HTTPS built into the real `salon-hq` binary, on 127.0.0.1 with a certificate authority the
//! test makes (rcgen): the device's own client enrols and uploads over it; without that
//! authority it refuses the certificate and sends nothing; and `serve` refuses, with a clear
//! message, what it cannot start with (plain HTTP beyond loopback, an unreadable certificate,
//! an address in use, a missing folder).

mod server;

use std::path::Path;

use salon_protocol::{CampusCode, EnrolmentCode};
use salon_sync::{HqClient, SyncError};
use server::{refused, test_certificate, upload, Server};

/// A certificate authority and a server certificate for 127.0.0.1 signed by it, written as
/// `cert.pem` (the chain) and `key.pem` in `dir`; returns the authority's PEM.
fn certificates(dir: &Path) -> String {
    let (ca, leaf, key) = test_certificate("127.0.0.1");
    std::fs::write(dir.join("cert.pem"), leaf + &ca).unwrap();
    std::fs::write(dir.join("key.pem"), key).unwrap();
    ca
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_enrols_and_uploads_over_https_and_refuses_a_certificate_it_does_not_trust() {
    let (plain, codes) = Server::start(1);
    let over_http = reqwest::get(format!("{}/readyz", plain.url)).await.unwrap();
    assert!(
        over_http
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "nothing to keep to over loopback HTTP"
    );
    let dir = plain.stop();
    let tls = tempfile::tempdir().unwrap();
    let authority = certificates(tls.path());
    let (cert, key) = (tls.path().join("cert.pem"), tls.path().join("key.pem"));
    let server = Server::serve_with(
        dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let code = EnrolmentCode::parse(&codes[0]).unwrap();

    // Without the authority: refused on the certificate, before anything is sent.
    let untrusting = HqClient::new(&server.url).unwrap();
    let err = untrusting.enrol(&code).await.unwrap_err();
    assert!(matches!(err, SyncError::Untrusted), "{err:?}");
    assert_eq!(err.code(), "hq_untrusted_certificate");
    assert!(err.is_retryable());

    // With it: the same code still works (it never reached the server), and so do uploads.
    let client = HqClient::with_root_certificate(&server.url, authority.as_bytes()).unwrap();
    let enrolment = client.enrol(&code).await.unwrap();
    let receipt = client
        .upload(
            &enrolment.token,
            "tls-1",
            &serde_json::to_string(&upload(&CampusCode::parse("C-100").unwrap(), 3)).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(receipt.stored, 1);
    let ready = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(authority.as_bytes()).unwrap())
        .build()
        .unwrap()
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.headers()["strict-transport-security"],
        "max-age=31536000",
        "browsers keep to HTTPS"
    );
    // Plain HTTP to the HTTPS port gets nothing.
    let plain_url = server.url.replacen("https://", "http://", 1);
    assert!(reqwest::get(format!("{plain_url}/healthz")).await.is_err());

    // What serve cannot start with, each said plainly.
    let other = tempfile::tempdir().unwrap();
    let said = refused(other.path(), &["serve", "--addr", "0.0.0.0:0"]);
    assert!(said.contains("HTTPS が必要です"), "{said}");
    let missing = other.path().join("nothing.pem");
    let said = refused(
        other.path(),
        &[
            "serve",
            "--tls-cert",
            missing.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(said.contains("を読めません"), "{said}");
    let said = refused(
        other.path(),
        &[
            "serve",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            cert.to_str().unwrap(),
        ],
    );
    assert!(said.contains("秘密鍵"), "{said}");
    let taken = server.url.trim_start_matches("https://").to_owned();
    let said = refused(other.path(), &["serve", "--addr", &taken]);
    assert!(said.contains("別のプログラムが使っています"), "{said}");
    let said = refused(server.dir.path(), &["serve", "--addr", "127.0.0.1:0"]);
    assert!(said.contains("別の salon-hq が使っています"), "{said}");
    let said = refused(
        other.path(),
        &["serve", "--public-url", "http://hq.example.org"],
    );
    assert!(said.contains("https://"), "{said}");
    let gone = other.path().join("no-such-folder");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_salon-hq"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("SALON_HQ_DB", gone.join("hq.db"))
        .output()
        .unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success() && said.contains("フォルダ"), "{said}");
}
