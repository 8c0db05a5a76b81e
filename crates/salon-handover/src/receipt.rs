//! The recipient's receipt (受領書): signed by the laptop the package was sealed to, naming the
//! package and its sender. Only with it does the sender remove its copy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Refusal;
use crate::keys::{LaptopCard, LaptopKeys};
use crate::sealed::PackageHeader;

const RECEIPT_KIND: &str = "career-salon-handover-receipt";
const SIGNED_AS: &[u8] = b"career-salon handover receipt v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ReceiptBody {
    package_id: String,
    sender: LaptopCard,
    recipient: LaptopCard,
    accepted_at: DateTime<Utc>,
}

/// A receipt as its file holds it: the body's text, as signed, and the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    kind: String,
    version: u32,
    body: String,
    signature: String,
}

fn signed_bytes(body: &str) -> Vec<u8> {
    [SIGNED_AS, b"\0", body.as_bytes()].concat()
}

impl Receipt {
    /// The receipt of the package `header` names, made by its recipient `me`.
    pub fn new(me: &LaptopKeys, header: &PackageHeader, accepted_at: DateTime<Utc>) -> Receipt {
        let body = ReceiptBody {
            package_id: header.id.clone(),
            sender: header.sender.clone(),
            recipient: header.recipient.clone(),
            accepted_at,
        };
        let body = serde_json::to_string(&body).unwrap_or_default();
        let signature = data_encoding::BASE64.encode(&me.sign(&signed_bytes(&body)));
        Receipt {
            kind: RECEIPT_KIND.into(),
            version: 1,
            body,
            signature,
        }
    }

    pub fn to_file(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The package the receipt names, as it states it, not yet checked: the sender looks its
    /// handover up by it, then checks the receipt against that handover's header.
    pub fn package_id(&self) -> Result<String, Refusal> {
        let body: ReceiptBody =
            serde_json::from_str(&self.body).map_err(|_| Refusal::Unreadable)?;
        Ok(body.package_id)
    }

    pub fn from_file(text: &str) -> Result<Receipt, Refusal> {
        let receipt: Receipt = serde_json::from_str(text).map_err(|_| Refusal::Unreadable)?;
        if receipt.kind != RECEIPT_KIND || receipt.version != 1 {
            return Err(Refusal::Unreadable);
        }
        Ok(receipt)
    }
}

/// Checks, for the sender `me`, that `receipt` is the receipt of the package `sent` (its
/// header as sealed), signed by the laptop it was sealed to; returns when it was accepted.
pub fn check_receipt(
    me: &LaptopKeys,
    sent: &PackageHeader,
    receipt: &Receipt,
) -> Result<DateTime<Utc>, Refusal> {
    let body: ReceiptBody = serde_json::from_str(&receipt.body).map_err(|_| Refusal::Unreadable)?;
    let signature: [u8; 64] = data_encoding::BASE64
        .decode(receipt.signature.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Refusal::Altered)?;
    sent.recipient
        .verifying_key()?
        .verify_strict(
            &signed_bytes(&receipt.body),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .map_err(|_| Refusal::WrongReceipt)?;
    let ours = body.package_id == sent.id
        && me.owns(&body.sender)
        && body.recipient.same_keys(&sent.recipient);
    if !ours {
        return Err(Refusal::WrongReceipt);
    }
    Ok(body.accepted_at)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::sealed::{open, seal};

    #[test]
    fn the_sender_believes_a_receipt_only_from_the_recipient_for_its_package() {
        let (a, b, c) = (
            LaptopKeys::generate(),
            LaptopKeys::generate(),
            LaptopKeys::generate(),
        );
        let now = Utc::now();
        let later = now + Duration::days(7);
        let package = seal(&a, "A", &b.card("B"), b"x", now, later).unwrap();
        let sent = package.header().unwrap();
        let opened = open(&b, &package, &[a.card("A")], now).unwrap();
        let receipt = Receipt::new(&b, &opened.header, now);
        let file = Receipt::from_file(&receipt.to_file()).unwrap();
        assert_eq!(check_receipt(&a, &sent, &file).unwrap(), now);

        // Made by another laptop, for another package, or shown to another sender.
        assert_eq!(
            check_receipt(&a, &sent, &Receipt::new(&c, &opened.header, now)).unwrap_err(),
            Refusal::WrongReceipt
        );
        let other = seal(&a, "A", &b.card("B"), b"y", now, later).unwrap();
        let other = open(&b, &other, &[a.card("A")], now).unwrap();
        assert_eq!(
            check_receipt(&a, &sent, &Receipt::new(&b, &other.header, now)).unwrap_err(),
            Refusal::WrongReceipt
        );
        assert_eq!(
            check_receipt(&c, &sent, &receipt).unwrap_err(),
            Refusal::WrongReceipt
        );
        // Its body changed after signing.
        let mut changed = receipt.clone();
        changed.body = changed.body.replace(&sent.id, &other.header.id);
        assert_eq!(
            check_receipt(&a, &sent, &changed).unwrap_err(),
            Refusal::WrongReceipt
        );
    }
}
