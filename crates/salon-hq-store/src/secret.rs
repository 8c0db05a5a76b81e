//! Random secrets and their hashes. The server keeps only SHA-256 hashes of enrolment codes,
//! device tokens and admin session ids, and Argon2id hashes of passwords.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use sha2::{Digest, Sha256};

use crate::error::{HqError, Result};

/// The characters of an enrolment code: A-Z and 2-9 (no 0/1, which read like O/I).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 10;

pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| HqError::Internal("no randomness"))?;
    Ok(buf)
}

/// A fresh enrolment code, uniform over the alphabet (rejection sampling).
pub fn new_enrolment_code() -> Result<String> {
    let n = CODE_ALPHABET.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(CODE_LEN);
    while out.len() < CODE_LEN {
        for b in random_bytes::<32>()? {
            if (b as usize) < limit && out.len() < CODE_LEN {
                out.push(CODE_ALPHABET[b as usize % n] as char);
            }
        }
    }
    Ok(out)
}

/// A survey link's token, short enough to type from a printed flyer: 10 characters of the
/// enrolment code's alphabet (about 50 bits; opening forms is limited per address, so they
/// cannot be guessed).
pub fn new_link_token() -> Result<String> {
    new_enrolment_code()
}

/// 32 random bytes, base64url without padding: a device token or an admin session id.
pub fn new_token() -> Result<String> {
    Ok(BASE64URL_NOPAD.encode(&random_bytes::<32>()?))
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// HMAC-SHA256 (RFC 2104) of the concatenation of `parts` under `key`: what the server signs
/// with a key of its own (audit lines, survey form tokens), written over the sha2 it already
/// links.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        padded[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(padded.map(|b| b ^ 0x36));
    for part in parts {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(padded.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The CSRF token of an admin session: derived from the session id, so it is never stored and
/// cannot be computed from the database (which holds only the id's hash).
pub fn csrf_token(session_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"salon-hq csrf v1\0");
    h.update(session_id.as_bytes());
    HEXLOWER.encode(&h.finalize())
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()?).map_err(|_| HqError::Internal("salt"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| HqError::Internal("password hash"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A PHC string to verify against when the admin name is unknown, so that the answer takes as
/// long as for a known name.
pub fn dummy_password_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$4N9AqeU4mM4k3E5yBqB8CqJtqjz0uQqgDqkY0Vd1S0M"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_as_protocol_codes_and_tokens_are_43_chars() {
        for _ in 0..50 {
            let c = new_enrolment_code().unwrap();
            assert_eq!(
                salon_protocol::EnrolmentCode::parse(&c).unwrap().as_str(),
                c
            );
        }
        assert_eq!(new_token().unwrap().len(), 43);
        assert_ne!(new_token().unwrap(), new_token().unwrap());
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            // A key longer than the block is hashed first.
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(HEXLOWER.encode(&hmac_sha256(key, &[data])), expected);
            // Split anywhere, the message is the same.
            let (a, b) = data.split_at(3);
            assert_eq!(HEXLOWER.encode(&hmac_sha256(key, &[a, b])), expected);
        }
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", dummy_password_hash()));
    }
}
