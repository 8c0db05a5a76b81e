use salon_core::CoreError;
use thiserror::Error;

/// Why a store operation failed. The app maps each variant to a stable code and a Japanese
/// message; the `Display` text is for developers and never carries note text or keys.
#[derive(Debug, Error)]
pub enum StoreError {
    /// No key file yet: the first-run setup has not happened.
    #[error("the store has not been set up")]
    NotInitialized,
    /// Setup was asked for twice.
    #[error("the store is already set up")]
    AlreadyInitialized,
    /// A new passphrase shorter than the minimum.
    #[error("the passphrase is shorter than {0} characters")]
    PassphraseTooShort(usize),
    /// The two entries of a new passphrase differ.
    #[error("the two passphrase entries differ")]
    PassphraseMismatch,
    /// The passphrase does not unwrap the database key.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The recovery key does not unwrap the database key.
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    /// The key file exists but cannot be read as one.
    #[error("the key file is damaged: {0}")]
    KeyFileDamaged(&'static str),
    /// A key slot asks for Argon2id costs outside the supported range (`KDF_LIMITS`; a crafted file
    /// could otherwise ask for any amount of memory).
    #[error("key derivation parameters outside the supported range")]
    KdfOutOfRange,
    /// The input did not pass the domain's rules.
    #[error(transparent)]
    Invalid(#[from] CoreError),
    /// A visit was added to a salon that has been closed (終了).
    #[error("the salon session is closed")]
    SessionClosed,
    /// The salon cannot close while a new visit's draft is waiting in it.
    #[error("a visit draft is pending in this salon session")]
    DraftPending,
    /// The salon at this campus is already open (or was held) today.
    #[error("a salon session already exists for this campus today")]
    SessionAlreadyOpen,
    /// A correction would change a salon's day to one that already has this campus's salon.
    #[error("this campus already has a salon session that day")]
    SessionExistsThatDay,
    /// Only today's salon can be opened again; an earlier one is corrected instead.
    #[error("only today's salon session can be reopened")]
    SessionNotToday,
    /// A visit cannot move to another campus's salon, nor two students of different campuses
    /// merge: a visit stays where it happened.
    #[error("a visit stays with its campus")]
    OtherCampus,
    /// A value that must be unique is already used (the field is named).
    #[error("{0} is already in use")]
    Duplicate(&'static str),
    /// A stored row cannot be read back as what was written (a damaged database).
    #[error("stored data is damaged: {0}")]
    Damaged(&'static str),
    /// The laptop has not been enrolled with headquarters yet.
    #[error("not enrolled with headquarters")]
    NotEnrolled,
    /// The record asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A salon's visits changed after the supporter saw them listed for its removal.
    #[error("the salon's visits changed since they were shown")]
    VisitsChanged,
    /// A list the supporter confirmed (the notes to purge) changed before the action ran.
    #[error("the list changed since it was shown")]
    ListChanged,
    /// A backup file is not one, or was damaged (its checksum does not match).
    #[error("the backup file is damaged or not a backup")]
    BackupDamaged,
    /// The disk holding the data folder (or the backup's folder) is full: nothing was written,
    /// and what was there before is whole.
    #[error("the disk is full")]
    DiskFull,
    /// The backup's own folder (often a USB drive) has no room for it; no partial file is left.
    #[error("the backup folder is full")]
    BackupDiskFull,
    /// The data folder is on a network filesystem (its type is named), where SQLite's locking
    /// cannot keep the database whole.
    #[error("the data folder is on a network filesystem ({0})")]
    NetworkFolder(String),
    /// A colleague's card, a handover package or its receipt was refused (`Refusal` says why);
    /// nothing of it was kept.
    #[error("handover refused: {0}")]
    Handover(salon_handover::Refusal),
    /// The fingerprint typed is not the card's: it is not the colleague's card, or was typed
    /// wrong. Nothing was imported.
    #[error("the fingerprint does not match the card")]
    FingerprintMismatch,
    /// The card is this laptop's own.
    #[error("this is this laptop's own card")]
    OwnCard,
    /// The student's records are in a handover not yet settled, or kept read-only for a
    /// colleague's cover (一時的な代理): nothing of them may change here.
    #[error("the student's records are handed over")]
    HandedOver,
    /// A handover was asked for with nothing to hand over (no student at the campus, or every
    /// one already handed over).
    #[error("nothing to hand over")]
    NothingToHandOver,
    /// A handover waits while a salon is open: its visits would be half in the package.
    #[error("a salon session is open")]
    SalonOpen,
    /// SQLite failed. Its message names SQL, never bound values, so it carries no note text.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The data folder could not be read or written.
    #[error("file error: {0}")]
    Io(std::io::Error),
}

/// The noise source failing (the OS's randomness): as the laptop's own I/O.
impl From<salon_privacy::PrivacyError> for StoreError {
    fn from(e: salon_privacy::PrivacyError) -> Self {
        StoreError::Io(std::io::Error::other(e.to_string()))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        // The read-only triggers of a handed-over student's records (migration 0005).
        if let rusqlite::Error::SqliteFailure(_, Some(message)) = &e {
            if message == "handed_over" {
                return StoreError::HandedOver;
            }
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                StoreError::DiskFull
            }
            _ => StoreError::Io(e),
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
