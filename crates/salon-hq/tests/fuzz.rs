//! Everything headquarters reads from outside, fed arbitrary bytes and structure-aware
//! mutations of real messages: the upload (its parser and every check behind it), enrolment,
//! and the admin forms. Never a 5xx (a 5xx means a panic or an unchecked case), and a refusal
//! stores nothing: no snapshot, no upload, no audit line.

mod common;
#[path = "../../salon-store/tests/common/json_mutation.rs"]
mod json_mutation;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use axum::http::StatusCode;
use common::*;
use json_mutation::{hostile_value, nth_mut};
use proptest::prelude::*;

/// One headquarters for all the cases of a test (each case's key is new), on a runtime the
/// synchronous proptest cases block on.
struct World {
    rt: tokio::runtime::Runtime,
    hq: Hq,
    token: String,
    session: (String, String),
    key: AtomicU64,
    /// Held from the count before an upload to the count after it: the tests of this file
    /// run at once on the one headquarters, and another test's accepted upload in between
    /// would look like this one's.
    uploading: std::sync::Mutex<()>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let hq = Hq::new();
        let token = rt.block_on(hq.enrol(&["C-012"]));
        let session = rt.block_on(hq.session_of(ADMIN, PASSWORD));
        World {
            rt,
            hq,
            token,
            session,
            key: AtomicU64::new(0),
            uploading: std::sync::Mutex::new(()),
        }
    })
}

impl World {
    fn next_key(&self) -> String {
        format!("fuzz-{}", self.key.fetch_add(1, Ordering::SeqCst))
    }

    /// Posts an upload body; a refusal must have stored nothing.
    fn upload(&self, body: Vec<u8>) -> Result<StatusCode, TestCaseError> {
        let _alone = self.uploading.lock().unwrap_or_else(|p| p.into_inner());
        let before = self.hq.stored();
        let key = self.next_key();
        let a = self
            .rt
            .block_on(self.hq.upload_raw(&self.token, &key, body));
        prop_assert!(a.status.as_u16() < 500, "{}: {}", a.status, a.text());
        if a.status != StatusCode::OK {
            prop_assert_eq!(
                self.hq.stored(),
                before,
                "refused ({}) yet stored",
                a.status
            );
        }
        Ok(a.status)
    }
}

const FIELDS: &[&str] = &[
    "name",
    "code",
    "supporter",
    "campuses",
    "k",
    "k_sensitive",
    "from",
    "to",
    "fy",
    "funder",
    "schools",
    "sessions",
    "visits",
    "days",
    "quiet_days",
    "title",
    "audience",
    "role",
    "password",
    "password_again",
    "month",
    "targets",
    "event_kind",
];

const FORMS: &[&str] = &[
    "/campuses",
    "/campuses/C-012/rename",
    "/campuses/C-013/retire",
    "/terms",
    "/terms/1",
    "/terms/1/delete",
    "/surveys",
    "/settings/rule",
    "/settings/noise",
    "/accounts",
    "/codes",
    "/devices/quiet-days",
    "/devices/1/revoke",
    "/devices/1/takeover",
    "/surveys/1/edit",
    "/surveys/1/close",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_an_upload_are_refused_and_nothing_is_stored(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
    ) {
        let status = world().upload(bytes)?;
        prop_assert_ne!(status, StatusCode::OK);
    }

    #[test]
    fn a_real_upload_with_any_value_changed_is_taken_or_refused_whole(
        at in any::<usize>(), value in hostile_value(),
    ) {
        let mut doc = serde_json::to_value(sample_upload()).unwrap();
        *nth_mut(&mut doc, at) = value;
        world().upload(doc.to_string().into_bytes())?;
    }

    #[test]
    fn any_enrolment_body_is_answered_without_a_server_error(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            hostile_value().prop_map(|v| serde_json::json!({ "code": v }).to_string().into_bytes()),
        ],
    ) {
        let w = world();
        let a = w.rt.block_on(w.hq.send(
            Hq::api("POST", "/api/v1/enrol").body(axum::body::Body::from(body)).unwrap(),
        ));
        prop_assert!(a.status.as_u16() < 500, "{}: {}", a.status, a.text());
        prop_assert_ne!(a.status, StatusCode::OK);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 800, ..ProptestConfig::default() })]

    #[test]
    fn any_admin_form_is_answered_without_a_server_error_and_a_refusal_changes_nothing(
        form_at in 0..FORMS.len(),
        pairs in prop::collection::vec(
            (prop::sample::select(FIELDS), prop_oneof![
                "\\PC{0,30}",
                "[0-9]{1,12}",
                Just("C-012".to_owned()),
                Just("2025-02".to_owned()),
            ]),
            0..6,
        ),
        raw in prop::option::of(prop::collection::vec(any::<u8>(), 0..200)),
    ) {
        let w = world();
        let (cookie, csrf) = &w.session;
        let body = match raw {
            Some(bytes) => {
                let mut b = format!("csrf={csrf}&").into_bytes();
                b.extend(bytes);
                b
            }
            None => {
                let mut all = vec![("csrf", csrf.clone())];
                all.extend(pairs.iter().map(|(k, v)| (*k, v.clone())));
                let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
                form(&refs).into_bytes()
            }
        };
        let audit = w.hq.audit_actions().len();
        let a = w.rt.block_on(w.hq.send(
            axum::http::Request::builder()
                .method("POST")
                .uri(FORMS[form_at])
                .header("cookie", cookie.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap(),
        ));
        prop_assert!(a.status.as_u16() < 500, "{} {}: {}", FORMS[form_at], a.status, a.text());
        // A refusal is a 4xx page; a change answers 303, or 200 with what it made (a code
        // shown once).
        if a.status.is_client_error() {
            prop_assert_eq!(w.hq.audit_actions().len(), audit, "{} refused ({}) yet recorded", FORMS[form_at], a.status);
        }
    }
}
