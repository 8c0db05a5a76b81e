//! The one error type that crosses to the UI: `{code, message, field?}`.
//!
//! `code` is one of [`Code`], stable snake_case; the UI shows its catalogue's message for it
//! (`errors.<code>` in `ui/i18n/*.json`; `tests/tests/catalogue.rs` checks every code has
//! one). `message` is a short developer text built from the error kind alone: never SQL
//! detail, never note text.

use salon_core::CoreError;
use salon_protocol::ErrorCode;
use salon_store::StoreError;
use salon_sync::SyncError;
use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)+) => {
        /// Every code the app answers its UI with. Headquarters' own refusals pass through as
        /// `Hq`, so the UI can say what headquarters said.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ts_rs::TS)]
        pub enum Code {
            $($(#[$doc])* $variant,)+
            Hq(ErrorCode),
        }

        impl Code {
            /// Every code of the app's own (headquarters' are `ErrorCode::ALL`).
            pub const OWN: &'static [Code] = &[$(Code::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                    // A code this app does not know is a refusal it cannot explain.
                    Code::Hq(ErrorCode::Unknown) => "hq_refused",
                    Code::Hq(code) => code.as_str(),
                }
            }
        }
    };
}

codes! {
    /// The store is locked: the supporter must unlock first.
    Locked = "locked",
    NotInitialized = "not_initialized",
    AlreadyInitialized = "already_initialized",
    PassphraseTooShort = "passphrase_too_short",
    PassphraseMismatch = "passphrase_mismatch",
    WrongPassphrase = "wrong_passphrase",
    WrongRecoveryKey = "wrong_recovery_key",
    KeyFileDamaged = "key_file_damaged",
    /// The key file or backup asks for Argon2id costs outside the supported range.
    KeyParametersUnsupported = "key_parameters_unsupported",
    Required = "required",
    TooLong = "too_long",
    InvalidDate = "invalid_date",
    InvalidTime = "invalid_time",
    OutOfRange = "out_of_range",
    InvalidChoice = "invalid_choice",
    Duplicate = "duplicate",
    SessionClosed = "session_closed",
    SessionAlreadyOpen = "session_already_open",
    DraftPending = "draft_pending",
    NotFound = "not_found",
    NotEnrolled = "not_enrolled",
    BackupDamaged = "backup_damaged",
    /// The backup folder cannot be created or written.
    BackupFolder = "backup_folder",
    /// The backup's folder (often a USB drive) has no room for it; no partial file is left.
    BackupDiskFull = "backup_disk_full",
    /// The list of notes to purge changed after the supporter saw it.
    RetentionChanged = "retention_changed",
    /// A salon's visits changed after they were listed for its removal.
    VisitsChanged = "visits_changed",
    SessionExistsThatDay = "session_exists_that_day",
    SessionNotToday = "session_not_today",
    /// A visit stays with its campus (invariant 8).
    OtherCampus = "other_campus",
    Storage = "storage",
    /// The disk is full: nothing was saved, what was saved before is whole.
    DiskFull = "disk_full",
    /// The data folder is on a network drive, where the database could be damaged.
    DataFolderNetwork = "data_folder_network",
    Internal = "internal",
    HqBadUrl = "hq_bad_url",
    HqInsecureUrl = "hq_insecure_url",
    HqUnreachable = "hq_unreachable",
    /// Headquarters' certificate is not trusted: nothing was sent.
    HqUntrustedCertificate = "hq_untrusted_certificate",
    HqServerError = "hq_server_error",
    HqRedirected = "hq_redirected",
    /// A colleague's card, a handover package or a receipt that is not one (or is damaged).
    HandoverUnreadable = "handover_unreadable",
    HandoverNotForThisLaptop = "handover_not_for_this_laptop",
    /// Signed by a laptop whose card was not imported here.
    HandoverUnknownSender = "handover_unknown_sender",
    /// Changed after it was signed.
    HandoverAltered = "handover_altered",
    HandoverExpired = "handover_expired",
    HandoverReplayed = "handover_replayed",
    HandoverWrongReceipt = "handover_wrong_receipt",
    /// The fingerprint typed is not the card's.
    FingerprintMismatch = "fingerprint_mismatch",
    OwnCard = "own_card",
    /// The student's records are in a handover under way or kept read-only for a cover.
    HandedOver = "handed_over",
    NothingToHandOver = "nothing_to_hand_over",
    /// A handover waits until the open salon is closed.
    HandoverSalonOpen = "handover_salon_open",
    /// An update waits until the open salon is closed.
    UpdateSalonOpen = "update_salon_open",
    /// An update waits until the half-typed form is saved or discarded.
    UpdateDraftPending = "update_draft_pending",
    /// The update is not what the NPO signed for the version offered (altered, another key,
    /// another version): nothing was installed.
    UpdateNotSigned = "update_not_signed",
    UpdateDownloadFailed = "update_download_failed",
    /// The installer failed (or its password prompt was cancelled): this version still runs.
    UpdateInstallFailed = "update_install_failed",
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IpcError {
    /// An app code or headquarters' (`errors.<code>` in the catalogue).
    #[ts(type = "string")]
    pub code: Code,
    pub message: String,
    /// The input the error is about (camelCase, as the UI names its fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<&'static str>,
    /// The allowed range of `field`, so the message can say it (1〜600, 60文字まで).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max: Option<i64>,
}

impl IpcError {
    fn new(code: Code, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
            field: None,
            min: None,
            max: None,
        }
    }

    /// The store is locked: the supporter must unlock first.
    pub fn locked() -> Self {
        IpcError::new(Code::Locked, "the store is locked")
    }

    pub fn invalid(code: Code, field: &'static str) -> Self {
        IpcError {
            code,
            message: format!("{field}: {}", code.as_str()),
            field: Some(field),
            min: None,
            max: None,
        }
    }

    pub fn internal(message: &str) -> Self {
        IpcError::new(Code::Internal, message)
    }

    /// This error, about the input `field`.
    pub fn about(self, field: &'static str) -> Self {
        IpcError {
            field: Some(field),
            ..self
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        let code = match e {
            CoreError::Required(_) => Code::Required,
            CoreError::TooLong { .. } => Code::TooLong,
            CoreError::InvalidDate(_) => Code::InvalidDate,
            CoreError::InvalidTime(_) => Code::InvalidTime,
            CoreError::OutOfRange { .. } => Code::OutOfRange,
            CoreError::InvalidChoice(_) => Code::InvalidChoice,
        };
        let (min, max) = match e {
            CoreError::OutOfRange { min, max, .. } => (Some(min), Some(max)),
            CoreError::TooLong { max, .. } => (None, i64::try_from(max).ok()),
            _ => (None, None),
        };
        IpcError {
            min,
            max,
            ..IpcError::invalid(code, e.field())
        }
    }
}

/// A failure talking to headquarters: the client's own code, or headquarters' own.
impl From<SyncError> for IpcError {
    fn from(e: SyncError) -> Self {
        let code = match &e {
            SyncError::BadUrl => Code::HqBadUrl,
            SyncError::InsecureUrl => Code::HqInsecureUrl,
            SyncError::Unreachable => Code::HqUnreachable,
            SyncError::Untrusted => Code::HqUntrustedCertificate,
            SyncError::Server(_) => Code::HqServerError,
            SyncError::Redirected(_) => Code::HqRedirected,
            SyncError::Refused { code, .. } | SyncError::RevisionsHeld { code, .. } => {
                Code::Hq(*code)
            }
        };
        IpcError::new(code, e.to_string())
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Invalid(core) => return core.clone().into(),
            StoreError::Duplicate(field) => return IpcError::invalid(Code::Duplicate, field),
            StoreError::Sqlite(_) | StoreError::Io(_) | StoreError::Damaged(_) => {
                // The detail goes to the log for a developer; it names SQL, never values.
                eprintln!("career-salon: storage error: {e}");
                return IpcError::new(Code::Storage, "storage error");
            }
            StoreError::NotInitialized => Code::NotInitialized,
            StoreError::AlreadyInitialized => Code::AlreadyInitialized,
            StoreError::PassphraseTooShort(_) => Code::PassphraseTooShort,
            StoreError::PassphraseMismatch => Code::PassphraseMismatch,
            StoreError::WrongPassphrase => Code::WrongPassphrase,
            StoreError::WrongRecoveryKey => Code::WrongRecoveryKey,
            StoreError::KeyFileDamaged(_) => Code::KeyFileDamaged,
            StoreError::KdfOutOfRange => Code::KeyParametersUnsupported,
            StoreError::SessionClosed => Code::SessionClosed,
            StoreError::SessionAlreadyOpen => Code::SessionAlreadyOpen,
            StoreError::DraftPending => Code::DraftPending,
            StoreError::NotFound(_) => Code::NotFound,
            StoreError::NotEnrolled => Code::NotEnrolled,
            StoreError::BackupDamaged => Code::BackupDamaged,
            StoreError::ListChanged => Code::RetentionChanged,
            StoreError::VisitsChanged => Code::VisitsChanged,
            StoreError::SessionExistsThatDay => Code::SessionExistsThatDay,
            StoreError::SessionNotToday => Code::SessionNotToday,
            StoreError::OtherCampus => Code::OtherCampus,
            StoreError::DiskFull => Code::DiskFull,
            StoreError::BackupDiskFull => Code::BackupDiskFull,
            StoreError::NetworkFolder(_) => Code::DataFolderNetwork,
            StoreError::Handover(refusal) => {
                use salon_handover::Refusal as R;
                match refusal {
                    R::Unreadable => Code::HandoverUnreadable,
                    R::NotForThisLaptop => Code::HandoverNotForThisLaptop,
                    R::UnknownSender => Code::HandoverUnknownSender,
                    R::Altered => Code::HandoverAltered,
                    R::Expired => Code::HandoverExpired,
                    R::Replayed => Code::HandoverReplayed,
                    R::WrongReceipt => Code::HandoverWrongReceipt,
                }
            }
            StoreError::FingerprintMismatch => Code::FingerprintMismatch,
            StoreError::OwnCard => Code::OwnCard,
            StoreError::HandedOver => Code::HandedOver,
            StoreError::NothingToHandOver => Code::NothingToHandOver,
            StoreError::SalonOpen => Code::HandoverSalonOpen,
        };
        IpcError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_and_field() {
        let e: IpcError = StoreError::Invalid(CoreError::InvalidDate("followUpOn")).into();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"invalid_date","message":"followUpOn: invalid_date","field":"followUpOn"}"#
        );
        let e: IpcError = CoreError::OutOfRange {
            field: "minutes",
            min: 1,
            max: 600,
        }
        .into();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"out_of_range","message":"minutes: out_of_range","field":"minutes","min":1,"max":600}"#
        );
        assert_eq!(
            serde_json::to_string(&IpcError::locked()).unwrap(),
            r#"{"code":"locked","message":"the store is locked"}"#
        );
    }

    #[test]
    fn storage_errors_hide_their_detail() {
        let io = std::io::Error::other("/home/supporter/.local/share/jp.careerbase.salon/salon.db");
        let e: IpcError = StoreError::Io(io).into();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("storage", "storage error")
        );
    }

    #[test]
    fn headquarters_codes_pass_through_and_unknown_ones_are_a_refusal() {
        let refused = |code| IpcError::from(SyncError::Refused { status: 422, code });
        assert_eq!(
            refused(ErrorCode::NoiseImplausible).code.as_str(),
            "noise_implausible"
        );
        assert_eq!(refused(ErrorCode::Unknown).code.as_str(), "hq_refused");
    }
}
