//! A survey form's token: which link it was opened from, when, and a nonce, signed with the
//! server's survey form key (`signed`). Opening a form therefore writes nothing (the single
//! writer the devices' uploads use is not touched by a page view); sending it checks the
//! signature and keeps the nonce's hash until the form could no longer be sent, so a double
//! submit counts once.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::database::HqStore;
use super::signed::{self, Purpose};
use super::surveys::FORM_LIFETIME_SECS;
use crate::error::Result;
use crate::secret;
use crate::tokyo;

const BODY: usize = 8 + 8 + 16;

/// A token that was signed by this server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormToken {
    pub link_id: i64,
    pub issued: DateTime<Utc>,
    pub nonce: [u8; 16],
}

impl FormToken {
    /// Whether the form may still be sent at `now` (a clock a little behind the signer's is
    /// forgiven).
    pub fn fresh(&self, now: DateTime<Utc>) -> bool {
        let age = now - self.issued;
        age >= -Duration::minutes(5) && age <= Duration::seconds(FORM_LIFETIME_SECS)
    }

    /// The last day (Tokyo) the form can be sent: its nonce is kept until then.
    pub fn until_day(&self) -> NaiveDate {
        tokyo::day(self.issued + Duration::seconds(FORM_LIFETIME_SECS))
    }

    pub fn nonce_hash(&self) -> Vec<u8> {
        secret::sha256(&self.nonce)
    }
}

pub(crate) fn sign(key: &[u8], link_id: i64, issued: DateTime<Utc>) -> Result<String> {
    let mut body = Vec::with_capacity(BODY);
    body.extend_from_slice(&link_id.to_be_bytes());
    body.extend_from_slice(&issued.timestamp().to_be_bytes());
    body.extend_from_slice(&secret::random_bytes::<16>()?);
    Ok(signed::sign(key, Purpose::SurveyForm, &body))
}

/// The token's contents, if this server signed it; anything else (forged, cut, altered) is
/// `None`.
pub(crate) fn open(key: &[u8], token: &str) -> Option<FormToken> {
    let body = signed::open(key, Purpose::SurveyForm, token, BODY)?;
    let link_id = i64::from_be_bytes(body[..8].try_into().ok()?);
    let issued = DateTime::from_timestamp(i64::from_be_bytes(body[8..16].try_into().ok()?), 0)?;
    Some(FormToken {
        link_id,
        issued,
        nonce: body[16..].try_into().ok()?,
    })
}

pub(super) fn survey_key(conn: &rusqlite::Connection) -> Result<Vec<u8>> {
    signed::key(conn, Purpose::SurveyForm)
}

impl HqStore {
    /// A signed token for one form opened from `link_id`. Writes nothing.
    pub fn form_token(&self, link_id: i64, now: DateTime<Utc>) -> Result<String> {
        let key = survey_key(&self.read())?;
        sign(&key, link_id, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_token_this_server_signed_opens() {
        let key = [7u8; 32];
        let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
        let token = sign(&key, 42, now).unwrap();
        let t = open(&key, &token).expect("its own token");
        assert_eq!((t.link_id, t.issued), (42, now));
        assert!(t.fresh(now + Duration::hours(23)));
        assert!(!t.fresh(now + Duration::hours(25)));
        assert_ne!(
            sign(&key, 42, now).unwrap(),
            token,
            "each form its own nonce"
        );
        // Another key, or any byte changed, and the token is refused.
        assert!(open(&[8u8; 32], &token).is_none());
        let mut raw = data_encoding::BASE64URL_NOPAD
            .decode(token.as_bytes())
            .unwrap();
        raw[7] ^= 1; // another link
        assert!(open(&key, &data_encoding::BASE64URL_NOPAD.encode(&raw)).is_none());
        assert!(open(&key, "").is_none());
        assert!(open(&key, &token[..40]).is_none());
    }
}
