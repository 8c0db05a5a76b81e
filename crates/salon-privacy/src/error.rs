//! The crate's one error type. Messages are for logs; the app shows the catalogue's Japanese
//! text for each variant.

/// What can go wrong when noise is drawn. None is the supporter's doing; the sync stops and
/// nothing is sent, so a breakdown never leaves without its noise.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PrivacyError {
    /// The operating system gave no randomness.
    #[error("the operating system gave no randomness")]
    NoRandomness,
    /// A count and its noise that do not fit a cell (cannot happen at the day caps).
    #[error("a noisy count is out of range")]
    OutOfRange,
}
