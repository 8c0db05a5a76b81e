//! Why a card, a package or a receipt is refused. Each is refused whole: nothing of it is used.

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Refusal {
    /// Not a card, package or receipt of this app, or damaged past reading.
    #[error("not a file this app can read")]
    Unreadable,
    /// Sealed to another laptop's key.
    #[error("the package is for another laptop")]
    NotForThisLaptop,
    /// Signed by a laptop whose card was not imported (after comparing its fingerprint).
    #[error("signed by a laptop that is not known here")]
    UnknownSender,
    /// The signature does not hold, or the ciphertext does not open: changed after sealing.
    #[error("altered after it was signed")]
    Altered,
    /// Past the expiry the sender set.
    #[error("expired")]
    Expired,
    /// Already taken (the store keeps every package id it accepted).
    #[error("already taken once")]
    Replayed,
    /// A receipt for another package, from another laptop, or for another sender.
    #[error("not the receipt of this package")]
    WrongReceipt,
}
