//! A laptop's keys (端末の鍵) and the card that carries their public half to a colleague.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, Serializable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::Refusal;
use crate::random;

type KemPrivate = <X25519HkdfSha256 as Kem>::PrivateKey;
pub(crate) type KemPublic = <X25519HkdfSha256 as Kem>::PublicKey;

/// The length of the secret as the store keeps it: the X25519 key, then the Ed25519 one.
pub const SECRET_LEN: usize = 64;

/// This laptop's two secret keys. Kept in the encrypted database, so a backup carries them and
/// a change of the store's key keeps them; never shown, never sent.
pub struct LaptopKeys {
    encryption: KemPrivate,
    signing: SigningKey,
}

impl fmt::Debug for LaptopKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LaptopKeys(..)")
    }
}

impl LaptopKeys {
    /// New keys from the system's random numbers.
    pub fn generate() -> LaptopKeys {
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        random::fill(secret.as_mut_slice());
        LaptopKeys::from_secret(secret.as_slice()).expect("64 bytes are two keys")
    }

    /// The keys as `secret` gives them back.
    pub fn from_secret(bytes: &[u8]) -> Result<LaptopKeys, Refusal> {
        if bytes.len() != SECRET_LEN {
            return Err(Refusal::Unreadable);
        }
        let encryption = KemPrivate::from_bytes(&bytes[..32]).map_err(|_| Refusal::Unreadable)?;
        let mut signing = Zeroizing::new([0u8; 32]);
        signing.copy_from_slice(&bytes[32..]);
        Ok(LaptopKeys {
            encryption,
            signing: SigningKey::from_bytes(&signing),
        })
    }

    /// Both secrets, for the store.
    pub fn secret(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(SECRET_LEN));
        out.extend_from_slice(&self.encryption.to_bytes());
        out.extend_from_slice(self.signing.as_bytes());
        out
    }

    /// The public card, named `label` (the supporter's name, say) for the colleague's list.
    pub fn card(&self, label: &str) -> LaptopCard {
        LaptopCard {
            label: clean_label(label),
            encryption: Key(X25519HkdfSha256::sk_to_pk(&self.encryption)
                .to_bytes()
                .into()),
            signing: Key(self.signing.verifying_key().to_bytes()),
        }
    }

    pub(crate) fn kem_private(&self) -> &KemPrivate {
        &self.encryption
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// Whether `card` holds this laptop's public keys.
    pub(crate) fn owns(&self, card: &LaptopCard) -> bool {
        card.same_keys(&self.card(""))
    }
}

/// The longest name a card carries.
const LABEL_MAX_CHARS: usize = 60;

/// Marks that would reorder or hide text where the name is shown.
fn hides_text(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A name as a card carries it: trimmed, no control or direction marks, 60 characters at most.
fn clean_label(label: &str) -> String {
    label
        .trim()
        .chars()
        .filter(|c| !hides_text(*c))
        .take(LABEL_MAX_CHARS)
        .collect()
}

/// 32 bytes of a public key, base64 in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key(pub(crate) [u8; 32]);

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&data_encoding::BASE64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = data_encoding::BASE64
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| serde::de::Error::custom("a key is 32 bytes"))?;
        Ok(Key(key))
    }
}

/// A laptop's public keys and the name its owner gave it: what a colleague imports
/// (端末カード). The name is for the list only; the fingerprint covers the keys alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaptopCard {
    pub label: String,
    pub(crate) encryption: Key,
    pub(crate) signing: Key,
}

/// What a card file says it is, so another JSON file is refused by name.
const CARD_KIND: &str = "career-salon-laptop-card";

#[derive(Serialize, Deserialize)]
struct CardFile {
    kind: String,
    version: u32,
    #[serde(flatten)]
    card: LaptopCard,
}

impl LaptopCard {
    /// The card as a file (`.salon-card`): small JSON, nothing secret in it.
    pub fn to_file(&self) -> String {
        serde_json::to_string_pretty(&CardFile {
            kind: CARD_KIND.into(),
            version: 1,
            card: self.clone(),
        })
        .unwrap_or_default()
    }

    pub fn from_file(text: &str) -> Result<LaptopCard, Refusal> {
        let file: CardFile = serde_json::from_str(text).map_err(|_| Refusal::Unreadable)?;
        if file.kind != CARD_KIND || file.version != 1 {
            return Err(Refusal::Unreadable);
        }
        if file.card.label != clean_label(&file.card.label) {
            return Err(Refusal::Unreadable);
        }
        file.card.verifying_key()?;
        KemPublic::from_bytes(&file.card.encryption.0).map_err(|_| Refusal::Unreadable)?;
        Ok(file.card)
    }

    /// A card for keys given as bytes (headquarters' list of laptops), named `label`; refused
    /// when either is not a key.
    pub fn from_public_keys(
        label: &str,
        encryption: [u8; 32],
        signing: [u8; 32],
    ) -> Result<LaptopCard, Refusal> {
        let card = LaptopCard {
            label: clean_label(label),
            encryption: Key(encryption),
            signing: Key(signing),
        };
        card.verifying_key()?;
        card.kem_public()?;
        Ok(card)
    }

    /// The two public keys' bytes: X25519, then Ed25519.
    pub fn public_keys(&self) -> ([u8; 32], [u8; 32]) {
        (self.encryption.0, self.signing.0)
    }

    /// Twenty-four digits, read aloud or compared side by side before a card is trusted.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut hash = Sha256::new();
        hash.update(b"career-salon laptop card v1\0");
        hash.update(self.encryption.0);
        hash.update(self.signing.0);
        let mut digest: [u8; 32] = hash.finalize().into();
        // Each card an attacker makes, hoping its digits match a colleague's, costs this many
        // hashes: about 2^16 on top of the digits' 2^80.
        for _ in 0..FINGERPRINT_ROUNDS {
            digest = Sha256::digest(digest).into();
        }
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        Fingerprint(u128::from_be_bytes(first) % 10_u128.pow(FINGERPRINT_DIGITS))
    }

    /// Whether both hold the same keys, whatever their names.
    pub fn same_keys(&self, other: &LaptopCard) -> bool {
        self.encryption == other.encryption && self.signing == other.signing
    }

    pub(crate) fn kem_public(&self) -> Result<KemPublic, Refusal> {
        KemPublic::from_bytes(&self.encryption.0).map_err(|_| Refusal::Unreadable)
    }

    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, Refusal> {
        VerifyingKey::from_bytes(&self.signing.0).map_err(|_| Refusal::Unreadable)
    }
}

const FINGERPRINT_DIGITS: u32 = 24;
const FINGERPRINT_ROUNDS: u32 = 1 << 16;

/// A card's fingerprint: twenty-four digits in six groups (`0421 7730 1286 5590 0017 3342`),
/// about 80 bits, each guess slowed by 2^16 hashes. Cards are public and long-lived, so an
/// attacker may search for keys whose digits match a colleague's for as long as they like:
/// this puts that search beyond anyone's means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(u128);

impl Fingerprint {
    fn digits(&self) -> String {
        format!("{:0width$}", self.0, width = FINGERPRINT_DIGITS as usize)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        let groups: Vec<&str> = (0..digits.len() / 4)
            .map(|i| &digits[i * 4..i * 4 + 4])
            .collect();
        f.write_str(&groups.join(" "))
    }
}

impl Fingerprint {
    /// Whether `typed` (spaces, hyphens and full-width digits allowed) is this fingerprint.
    pub fn matches(&self, typed: &str) -> bool {
        let digits: String = typed
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                _ => None,
            })
            .collect();
        digits == self.digits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_back_from_their_secret_and_a_card_from_its_file() {
        let keys = LaptopKeys::generate();
        let again = LaptopKeys::from_secret(&keys.secret()).unwrap();
        let card = keys.card(" 山田 花子 ");
        assert_eq!(card.label, "山田 花子");
        assert!(card.same_keys(&again.card("")));
        assert_eq!(LaptopCard::from_file(&card.to_file()).unwrap(), card);
        assert!(!card
            .to_file()
            .contains(&data_encoding::BASE64.encode(&keys.secret())));
        let other = LaptopKeys::generate().card("山田 花子");
        assert!(!card.same_keys(&other));
        assert_ne!(card.fingerprint(), other.fingerprint());
    }

    #[test]
    fn a_fingerprint_is_twenty_four_digits_compared_however_they_are_typed() {
        let card = LaptopKeys::generate().card("");
        let shown = card.fingerprint().to_string();
        assert_eq!(shown.len(), 29, "{shown}");
        assert!(card.fingerprint().matches(&shown));
        assert!(card.fingerprint().matches(&shown.replace(' ', "-")));
        let wide: String = shown
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32('０' as u32 + d).unwrap_or(c),
                None => c,
            })
            .collect();
        assert!(card.fingerprint().matches(&wide));
        let mut wrong = shown.clone().into_bytes();
        wrong[0] = if wrong[0] == b'9' { b'8' } else { wrong[0] + 1 };
        assert!(!card
            .fingerprint()
            .matches(&String::from_utf8(wrong).unwrap()));
        assert!(!card.fingerprint().matches(&shown[..24]));
    }

    #[test]
    fn what_is_not_a_card_is_refused() {
        let card = LaptopKeys::generate().card("a");
        let file = card.to_file();
        for bad in [
            "",
            "{}",
            &file.replace(CARD_KIND, "career-salon-handover"),
            &file.replace("\"version\": 1", "\"version\": 2"),
            &file.replace(&data_encoding::BASE64.encode(&card.signing.0), "AAAA"),
            &file.replace("\"label\": \"a\"", "\"label\": \"a\\u202eevil\""),
            &file.replace(
                "\"label\": \"a\"",
                &format!("\"label\": \"{}\"", "あ".repeat(61)),
            ),
        ] {
            assert_eq!(
                LaptopCard::from_file(bad),
                Err(Refusal::Unreadable),
                "{bad}"
            );
        }
    }
}
