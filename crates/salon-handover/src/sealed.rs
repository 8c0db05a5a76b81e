//! A handover package as it travels (引き継ぎファイル): a header in the clear (its id, both laptops'
//! public keys, when it was made and until when it may be taken), the contents encrypted to the
//! recipient (HPKE base mode, the header as associated data), and the sender's signature over
//! all of it. Only the recipient's secret key opens it; only a sender whose card the recipient
//! imported is believed.

use chrono::{DateTime, Utc};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::Refusal;
use crate::keys::{LaptopCard, LaptopKeys};
use crate::random::SystemRandom;

/// Binds the HPKE context and the signature to this use: nothing sealed or signed for another
/// purpose opens or verifies as a package.
const INFO: &[u8] = b"career-salon handover package v1";
const PACKAGE_KIND: &str = "career-salon-handover";

/// What the clear header says: enough to refuse a package before opening it, and to show who
/// sent it. Everything about students is inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageHeader {
    /// Random, 32 hex digits: the recipient takes a package once.
    pub id: String,
    pub sender: LaptopCard,
    pub recipient: LaptopCard,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A sealed package as its file holds it. The header is kept as the very text that was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPackage {
    kind: String,
    version: u32,
    header: String,
    encapsulated: String,
    ciphertext: String,
    signature: String,
}

/// An opened package: its header, the sender as this laptop imported it (its name is the one
/// given at import, not the one the package claims), and the contents, which hold notes
/// (wiped when dropped, never printed).
pub struct Opened {
    pub header: PackageHeader,
    pub sender: LaptopCard,
    pub contents: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("header", &self.header)
            .field("contents", &format_args!("{} bytes", self.contents.len()))
            .finish_non_exhaustive()
    }
}

/// The longest a package may be taken for: a backup restored from before it was taken forgets
/// that it was, so a package must not stay good for long.
pub const LONGEST_VALIDITY_DAYS: i64 = 30;

/// What the signature covers: the header's text, the encapsulated key and the ciphertext, each
/// with its length, after the purpose.
fn signed_bytes(header: &str, encapsulated: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(INFO.len() + header.len() + ciphertext.len() + 64);
    out.extend_from_slice(INFO);
    for part in [header.as_bytes(), encapsulated, ciphertext] {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// Seals `contents` from `sender` (its card named `sender_label`) to `recipient`, to be taken
/// before `expires_at`.
pub fn seal(
    sender: &LaptopKeys,
    sender_label: &str,
    recipient: &LaptopCard,
    contents: &[u8],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<SealedPackage, Refusal> {
    if expires_at - now > chrono::Duration::days(LONGEST_VALIDITY_DAYS) || expires_at <= now {
        return Err(Refusal::Expired);
    }
    let mut id = [0u8; 16];
    crate::random::fill(&mut id);
    let header = PackageHeader {
        id: data_encoding::HEXLOWER.encode(&id),
        sender: sender.card(sender_label),
        recipient: recipient.clone(),
        created_at: now,
        expires_at,
    };
    let header = serde_json::to_string(&header).map_err(|_| Refusal::Unreadable)?;
    let (encapsulated, ciphertext) =
        hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
            &OpModeS::Base,
            &recipient.kem_public()?,
            INFO,
            contents,
            header.as_bytes(),
            &mut SystemRandom,
        )
        .map_err(|_| Refusal::Unreadable)?;
    let encapsulated = encapsulated.to_bytes();
    let signature = sender.sign(&signed_bytes(&header, &encapsulated, &ciphertext));
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    Ok(SealedPackage {
        kind: PACKAGE_KIND.into(),
        version: 1,
        header,
        encapsulated: b64(&encapsulated),
        ciphertext: b64(&ciphertext),
        signature: b64(&signature),
    })
}

impl SealedPackage {
    pub fn to_file(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_file(text: &str) -> Result<SealedPackage, Refusal> {
        let package: SealedPackage = serde_json::from_str(text).map_err(|_| Refusal::Unreadable)?;
        if package.kind != PACKAGE_KIND || package.version != 1 {
            return Err(Refusal::Unreadable);
        }
        Ok(package)
    }

    /// The header as the file states it, not yet checked.
    pub fn header(&self) -> Result<PackageHeader, Refusal> {
        serde_json::from_str(&self.header).map_err(|_| Refusal::Unreadable)
    }
}

fn base64(text: &str) -> Result<Vec<u8>, Refusal> {
    data_encoding::BASE64
        .decode(text.as_bytes())
        .map_err(|_| Refusal::Altered)
}

/// Opens a package for `me`, from a sender among `known` (the cards imported after their
/// fingerprints matched), at `now`. Replays are the store's to refuse: it keeps the ids.
pub fn open(
    me: &LaptopKeys,
    package: &SealedPackage,
    known: &[LaptopCard],
    now: DateTime<Utc>,
) -> Result<Opened, Refusal> {
    let header = package.header()?;
    let id_ok = header.id.len() == 32 && header.id.bytes().all(|b| b.is_ascii_hexdigit());
    if !id_ok {
        return Err(Refusal::Unreadable);
    }
    if !me.owns(&header.recipient) {
        return Err(Refusal::NotForThisLaptop);
    }
    let sender = known
        .iter()
        .find(|k| k.same_keys(&header.sender))
        .ok_or(Refusal::UnknownSender)?;
    let encapsulated = base64(&package.encapsulated)?;
    let ciphertext = base64(&package.ciphertext)?;
    let signature: [u8; 64] = base64(&package.signature)?
        .try_into()
        .map_err(|_| Refusal::Altered)?;
    sender
        .verifying_key()?
        .verify_strict(
            &signed_bytes(&package.header, &encapsulated, &ciphertext),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .map_err(|_| Refusal::Altered)?;
    let too_long =
        header.expires_at - header.created_at > chrono::Duration::days(LONGEST_VALIDITY_DAYS);
    if now >= header.expires_at || too_long {
        return Err(Refusal::Expired);
    }
    let encapsulated = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&encapsulated)
        .map_err(|_| Refusal::Altered)?;
    let contents = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        me.kem_private(),
        &encapsulated,
        INFO,
        &ciphertext,
        package.header.as_bytes(),
    )
    .map_err(|_| Refusal::Altered)?;
    Ok(Opened {
        header,
        sender: sender.clone(),
        contents: Zeroizing::new(contents),
    })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    const NOTE: &[u8] = "進路の相談：看護の専門学校を考えている canary-7f3a".as_bytes();

    struct Two {
        a: LaptopKeys,
        b: LaptopKeys,
        now: DateTime<Utc>,
    }

    fn two() -> Two {
        Two {
            a: LaptopKeys::generate(),
            b: LaptopKeys::generate(),
            now: DateTime::parse_from_rfc3339("2026-12-06T10:00:00+09:00")
                .unwrap()
                .to_utc(),
        }
    }

    impl Two {
        fn sealed(&self) -> SealedPackage {
            let to_b = self.b.card("B");
            seal(
                &self.a,
                "A",
                &to_b,
                NOTE,
                self.now,
                self.now + Duration::days(7),
            )
            .unwrap()
        }
    }

    #[test]
    fn the_recipient_opens_what_its_known_colleague_sealed_and_the_file_shows_nothing() {
        let t = two();
        let file = t.sealed().to_file();
        assert!(!file.contains("canary-7f3a") && !file.contains("看護"));
        let package = SealedPackage::from_file(&file).unwrap();
        let opened = open(&t.b, &package, &[t.a.card("A")], t.now).unwrap();
        assert_eq!(opened.contents.as_slice(), NOTE);
        assert_eq!(opened.header.sender.label, "A");
        assert!(
            !format!("{opened:?}").contains("canary"),
            "printing shows no note"
        );
        // The name shown is the one given at import, whatever the package claims.
        let known_as = open(&t.b, &package, &[t.a.card("山田さん（柏）")], t.now).unwrap();
        assert_eq!(known_as.sender.label, "山田さん（柏）");
        assert_eq!(opened.header.id.len(), 32);
        assert_ne!(t.sealed().header().unwrap().id, opened.header.id);
    }

    #[test]
    fn another_laptop_cannot_open_it_nor_can_the_sender() {
        let t = two();
        let c = LaptopKeys::generate();
        let known = [t.a.card("A")];
        let package = t.sealed();
        assert_eq!(
            open(&c, &package, &known, t.now).unwrap_err(),
            Refusal::NotForThisLaptop
        );
        // A third laptop that rewrites the header to name itself breaks the signature, and
        // could not open the contents anyway.
        let mut file = package.to_file();
        let b_key = data_encoding::BASE64.encode(&t.b.card("").encryption.0);
        let c_key = data_encoding::BASE64.encode(&c.card("").encryption.0);
        file = file.replace(&b_key, &c_key);
        let b_sig = data_encoding::BASE64.encode(&t.b.card("").signing.0);
        let c_sig = data_encoding::BASE64.encode(&c.card("").signing.0);
        file = file.replace(&b_sig, &c_sig);
        let forged = SealedPackage::from_file(&file).unwrap();
        assert_eq!(
            open(&c, &forged, &known, t.now).unwrap_err(),
            Refusal::Altered
        );
    }

    #[test]
    fn a_package_from_a_laptop_not_imported_is_refused() {
        let t = two();
        let stranger = LaptopKeys::generate();
        let package = seal(
            &stranger,
            "A",
            &t.b.card("B"),
            NOTE,
            t.now,
            t.now + Duration::days(7),
        )
        .unwrap();
        // Named like the colleague, with keys of its own.
        assert_eq!(
            open(&t.b, &package, &[t.a.card("A")], t.now).unwrap_err(),
            Refusal::UnknownSender
        );
    }

    #[test]
    fn a_package_changed_anywhere_after_sealing_is_refused() {
        let t = two();
        let package = t.sealed();
        let known = [t.a.card("A")];
        let flip = |field: &str| -> SealedPackage {
            let mut p = package.clone();
            let target = match field {
                "ciphertext" => &mut p.ciphertext,
                "encapsulated" => &mut p.encapsulated,
                _ => &mut p.signature,
            };
            let mut bytes = data_encoding::BASE64.decode(target.as_bytes()).unwrap();
            bytes[5] ^= 0x01;
            *target = data_encoding::BASE64.encode(&bytes);
            p
        };
        for field in ["ciphertext", "encapsulated", "signature"] {
            assert_eq!(
                open(&t.b, &flip(field), &known, t.now).unwrap_err(),
                Refusal::Altered,
                "{field}"
            );
        }
        // The expiry moved later by someone who holds the file.
        let mut later = package.clone();
        let header = package.header().unwrap();
        later.header = later.header.replace(
            &serde_json::to_string(&header.expires_at).unwrap(),
            &serde_json::to_string(&(header.expires_at + Duration::days(365))).unwrap(),
        );
        assert_ne!(later.header, package.header);
        assert_eq!(
            open(&t.b, &later, &known, t.now).unwrap_err(),
            Refusal::Altered
        );
    }

    #[test]
    fn a_package_good_for_longer_than_thirty_days_is_not_made_nor_taken() {
        let t = two();
        let b = t.b.card("B");
        let days = |n| t.now + Duration::days(n);
        assert_eq!(
            seal(&t.a, "A", &b, NOTE, t.now, days(31)).unwrap_err(),
            Refusal::Expired
        );
        assert!(seal(&t.a, "A", &b, NOTE, t.now, days(30)).is_ok());
        assert_eq!(
            seal(&t.a, "A", &b, NOTE, t.now, t.now).unwrap_err(),
            Refusal::Expired
        );
    }

    #[test]
    fn an_expired_package_is_refused() {
        let t = two();
        let package = t.sealed();
        let known = [t.a.card("A")];
        assert!(open(
            &t.b,
            &package,
            &known,
            t.now + Duration::days(7) - Duration::seconds(1)
        )
        .is_ok());
        assert_eq!(
            open(&t.b, &package, &known, t.now + Duration::days(7)).unwrap_err(),
            Refusal::Expired
        );
    }

    #[test]
    fn what_is_not_a_package_is_refused() {
        let t = two();
        let file = t.sealed().to_file();
        for bad in [
            "",
            "[]",
            &file.replace(PACKAGE_KIND, "career-salon-laptop-card"),
            &t.a.card("A").to_file(),
        ] {
            assert_eq!(
                SealedPackage::from_file(bad).unwrap_err(),
                Refusal::Unreadable
            );
        }
    }
}
