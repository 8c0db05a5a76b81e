//! A caseload handed from one supporter's laptop to a colleague's (引き継ぎ), readable by those
//! two laptops alone. Each laptop has two key pairs (`LaptopKeys`): X25519 to be sent packages,
//! Ed25519 to sign what it sends. Its public half travels as a small card (`LaptopCard`) that a
//! colleague imports only after the fingerprint on the card matches the one on the owner's
//! screen, read aloud or side by side. A package (`seal`) is encrypted to the recipient's key
//! (RFC 9180 HPKE, base mode) and signed by the sender over the ciphertext, both laptops' keys,
//! its id and its expiry; the recipient's signed `Receipt` tells the sender it arrived.
//!
//! Pure: no I/O, no clock (the time is given). What a package holds, and what is done with it,
//! is the store's.

mod error;
mod keys;
mod random;
mod receipt;
mod sealed;

pub use error::Refusal;
pub use keys::{Fingerprint, LaptopCard, LaptopKeys, SECRET_LEN};
pub use receipt::{check_receipt, Receipt};
pub use sealed::{open, seal, Opened, PackageHeader, SealedPackage};
