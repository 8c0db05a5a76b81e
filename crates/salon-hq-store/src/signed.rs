//! Tokens the server signs with a key of its own (`server_secrets`, one per purpose) and hands
//! to a browser, so it can check them later without storing them: a survey form's token, a
//! browser's proof that it logged in to an account before. A token is its body and an
//! HMAC-SHA256 over a domain and the body, base64url.

use data_encoding::BASE64URL_NOPAD;
use rusqlite::Connection;

use crate::error::Result;
use crate::secret;

/// What a key signs: each purpose its own key and its own domain.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    SurveyForm,
    KnownBrowser,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::SurveyForm => "survey_form",
            Purpose::KnownBrowser => "known_browser",
        }
    }
}

pub(crate) fn key(conn: &Connection, purpose: Purpose) -> Result<Vec<u8>> {
    Ok(conn.query_row(
        "SELECT key FROM server_secrets WHERE purpose = ?1",
        [purpose.code()],
        |r| r.get(0),
    )?)
}

fn mac(key: &[u8], purpose: Purpose, body: &[u8]) -> [u8; 32] {
    secret::hmac_sha256(key, &[purpose.code().as_bytes(), b"\0", body])
}

pub(crate) fn sign(key: &[u8], purpose: Purpose, body: &[u8]) -> String {
    let tag = mac(key, purpose, body);
    BASE64URL_NOPAD.encode(&[body, &tag].concat())
}

/// The body of a token this server signed for `purpose`, if it is `len` bytes long; anything
/// forged, cut or altered is `None`.
pub(crate) fn open(key: &[u8], purpose: Purpose, token: &str, len: usize) -> Option<Vec<u8>> {
    if token.len() > 200 {
        return None;
    }
    let raw = BASE64URL_NOPAD.decode(token.as_bytes()).ok()?;
    if raw.len() != len + 32 {
        return None;
    }
    let (body, tag) = raw.split_at(len);
    secret::constant_time_eq(&mac(key, purpose, body), tag).then(|| body.to_vec())
}
