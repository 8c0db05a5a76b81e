//! The crate's one error type. Messages are for logs; the app shows the catalogue's Japanese
//! text for each variant.

/// What can go wrong when noise is drawn. Neither is the supporter's doing; the sync stops and
/// nothing is sent, so a breakdown never leaves without its noise.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PrivacyError {
    /// The operating system gave no randomness.
    #[error("the operating system gave no randomness")]
    NoRandomness,
    /// A noise scale with a zero part, or one too large to draw exactly.
    #[error("noise scale {numerator}/{denominator} is out of range")]
    BadScale { numerator: u32, denominator: u32 },
}
