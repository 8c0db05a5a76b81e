//! The handover relay (`/api/v1/relay/*`): headquarters carries a caseload package from one
//! laptop to a colleague's as an opaque blob, sealed to the colleague's key, so it can neither
//! read it nor learn more than the two devices, the size, the times and the reason code. Each
//! laptop registers its public keys; the sender picks the colleague's laptop from the list
//! headquarters gives and still compares the fingerprint on the colleague's screen (salon-
//! handover), since headquarters could hand it a key of its own.
//!
//! New endpoints beside protocol 1's (a laptop without them simply never calls them).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::codes::CampusCode;

/// The largest package text headquarters relays: a campus's whole caseload with its notes
/// (about 2 KB a visit) fits many times over. Far above the device API's 64 KiB, so the relay
/// has its own limit.
pub const MAX_PACKAGE_BYTES: usize = 16 * 1024 * 1024;
/// The largest receipt: a signed note of a few hundred bytes.
pub const MAX_RECEIPT_BYTES: usize = 8 * 1024;
/// The longest headquarters holds a package: the package's own expiry, never past this.
pub const LONGEST_RELAY_DAYS: i64 = 30;
/// The most packages one laptop may have waiting at headquarters at once.
pub const MOST_WAITING_FROM_ONE: u32 = 20;
/// The most bytes waiting for one laptop at once: no laptop's token can fill headquarters'
/// disk with packages. A laptop keeps no more than this undecided either: what is over waits
/// at headquarters until the supporter takes or declines what it already fetched.
pub const MOST_BYTES_WAITING_FOR_ONE: u64 = 4 * MAX_PACKAGE_BYTES as u64;
/// The most packages a laptop keeps fetched and undecided: what is over waits at
/// headquarters (and expires there) until the supporter takes or declines some.
pub const MOST_KEPT_UNDECIDED: u32 = 20;

/// A laptop's two public keys (X25519 to be sealed to, Ed25519 to check what it signs), each
/// 32 bytes in base64. Nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicKeys {
    pub encryption: String,
    pub signing: String,
}

impl PublicKeys {
    pub fn new(encryption: &[u8; 32], signing: &[u8; 32]) -> PublicKeys {
        PublicKeys {
            encryption: data_encoding::BASE64.encode(encryption),
            signing: data_encoding::BASE64.encode(signing),
        }
    }

    /// The two keys' bytes; `None` when either is not 32 bytes of base64.
    pub fn bytes(&self) -> Option<([u8; 32], [u8; 32])> {
        let one = |text: &str| -> Option<[u8; 32]> {
            data_encoding::BASE64
                .decode(text.as_bytes())
                .ok()?
                .try_into()
                .ok()
        };
        Some((one(&self.encryption)?, one(&self.signing)?))
    }
}

/// A package's id as its header states it: 32 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PackageId(String);

impl PackageId {
    pub fn parse(text: &str) -> Option<PackageId> {
        let ok = text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| PackageId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PackageId {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        PackageId::parse(&text).ok_or("a package id is 32 lowercase hex digits")
    }
}

impl From<PackageId> for String {
    fn from(id: PackageId) -> String {
        id.0
    }
}

impl std::fmt::Display for PackageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a caseload is handed on, the one thing of its purpose headquarters records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayReason {
    /// 担当交代
    Transfer,
    /// 一時的な代理
    Cover,
}

impl RelayReason {
    pub fn code(self) -> &'static str {
        match self {
            RelayReason::Transfer => "transfer",
            RelayReason::Cover => "cover",
        }
    }

    pub fn parse(code: &str) -> Option<RelayReason> {
        match code {
            "transfer" => Some(RelayReason::Transfer),
            "cover" => Some(RelayReason::Cover),
            _ => None,
        }
    }
}

/// A colleague's laptop a package may be sent to: its supporter's name and campuses as
/// headquarters enrolled them, and the keys it registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayLaptop {
    pub device: i64,
    pub supporter: String,
    pub campuses: Vec<CampusCode>,
    /// The same campuses by the names headquarters gives them, in the same order.
    pub campus_names: Vec<String>,
    pub keys: PublicKeys,
}

/// `GET relay/laptops`: every other laptop in use with keys registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayLaptops {
    pub laptops: Vec<RelayLaptop>,
}

/// `POST relay/send`: a sealed package for device `to`, sealed to `keys` (headquarters
/// refuses it when they are no longer that laptop's), kept until `expires_at` at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelaySend {
    pub id: PackageId,
    pub to: i64,
    pub keys: PublicKeys,
    pub reason: RelayReason,
    pub expires_at: DateTime<Utc>,
    /// The package file's text, opaque to headquarters.
    pub package: String,
}

/// A package waiting for this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayOffer {
    pub id: PackageId,
    pub from: i64,
    /// The sending laptop's supporter, as headquarters enrolled it.
    pub sender: String,
    pub reason: RelayReason,
    pub bytes: u64,
    pub expires_at: DateTime<Utc>,
}

/// A receipt on its way back: the recipient's signed 受領書, opaque to headquarters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayReceipt {
    pub id: PackageId,
    pub receipt: String,
}

/// Why a package this laptop sent will not reach its colleague.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayEnd {
    /// A manager at headquarters cancelled it.
    Cancelled,
    /// Its expiry passed before the colleague's laptop fetched it.
    Expired,
    /// The colleague's laptop was replaced (a takeover) or revoked before it fetched it.
    RecipientReplaced,
    /// The sending laptop was revoked before the colleague fetched it (a lost laptop's last
    /// packages are not delivered).
    SenderRevoked,
    /// The colleague fetched it and declined to take it.
    Declined,
}

impl RelayEnd {
    pub fn code(self) -> &'static str {
        match self {
            RelayEnd::Cancelled => "cancelled",
            RelayEnd::Expired => "expired",
            RelayEnd::RecipientReplaced => "recipient_replaced",
            RelayEnd::SenderRevoked => "sender_revoked",
            RelayEnd::Declined => "declined",
        }
    }

    pub fn parse(code: &str) -> Option<RelayEnd> {
        match code {
            "cancelled" => Some(RelayEnd::Cancelled),
            "expired" => Some(RelayEnd::Expired),
            "recipient_replaced" => Some(RelayEnd::RecipientReplaced),
            "sender_revoked" => Some(RelayEnd::SenderRevoked),
            "declined" => Some(RelayEnd::Declined),
            _ => None,
        }
    }
}

/// A package this laptop sent that ended without arriving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayEnded {
    pub id: PackageId,
    pub why: RelayEnd,
}

/// `GET relay/inbox`: packages waiting for this laptop, receipts for packages it sent, and its
/// packages that ended without arriving. Receipts and endings stay until acknowledged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayInbox {
    pub packages: Vec<RelayOffer>,
    pub receipts: Vec<RelayReceipt>,
    pub ended: Vec<RelayEnded>,
}

/// `POST relay/fetch`, `relay/received`, `relay/decline`, `relay/ack` and `relay/cancel`: one
/// package by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayId {
    pub id: PackageId,
}

/// `POST relay/fetch`'s answer: the package's text, deleted at headquarters once the
/// recipient says it has it (`relay/received`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayPackage {
    pub package: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_keys_are_refused_unless_well_formed() {
        assert!(PackageId::parse(&"a".repeat(32)).is_some());
        assert!(PackageId::parse(&"A".repeat(32)).is_none());
        assert!(PackageId::parse(&"a".repeat(31)).is_none());
        assert!(serde_json::from_str::<RelayId>(r#"{"id":"../../etc/passwd"}"#).is_err());
        let keys = PublicKeys::new(&[1; 32], &[2; 32]);
        assert_eq!(keys.bytes(), Some(([1; 32], [2; 32])));
        let short = PublicKeys {
            encryption: data_encoding::BASE64.encode(&[1; 31]),
            ..keys
        };
        assert_eq!(short.bytes(), None);
        let extra = r#"{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","note":"x"}"#;
        assert!(serde_json::from_str::<RelayId>(extra).is_err());
    }
}
