//! The one error type that crosses to the UI: `{code, message, field?}`.
//!
//! `code` is stable snake_case; the UI maps it to a message in its catalogue. `message` is a
//! short developer text built from the error kind alone: never SQL detail, never note text.

use salon_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    /// The input the error is about (camelCase, as the UI names its fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Whether trying again later can succeed (headquarters unreachable); not sent to the UI.
    #[serde(skip)]
    pub retryable: bool,
}

impl IpcError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
            field: None,
            retryable: false,
        }
    }

    /// The store is locked: the supporter must unlock first.
    pub fn locked() -> Self {
        IpcError::new("locked", "the store is locked")
    }

    pub fn invalid(code: &'static str, field: &'static str) -> Self {
        IpcError {
            code,
            message: format!("{field}: {code}"),
            field: Some(field),
            retryable: false,
        }
    }

    /// A failure talking to headquarters. Headquarters' own codes pass through when the UI
    /// knows them; any other refusal is `hq_refused`.
    pub fn sync(e: &salon_sync::SyncError) -> Self {
        const KNOWN: &[&str] = &[
            "hq_bad_url",
            "hq_insecure_url",
            "hq_unreachable",
            "hq_server_error",
            "enrolment_code_invalid",
            "token_invalid",
            "device_revoked",
            "campus_not_enrolled",
            "suppression_broken",
            "rule_too_lax",
            "idempotency_conflict",
            "api_version",
            "bad_body",
            "body_too_large",
            "too_many_attempts",
            "hq_redirected",
            "month_total_mismatch",
        ];
        let code = e.code();
        let code = KNOWN
            .iter()
            .find(|k| **k == code)
            .copied()
            .unwrap_or("hq_refused");
        IpcError {
            code,
            message: e.to_string(),
            field: None,
            retryable: e.is_retryable(),
        }
    }

    pub fn internal(message: &str) -> Self {
        IpcError::new("internal", message)
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Invalid(core) => return IpcError::invalid(core.code(), core.field()),
            StoreError::Duplicate(field) => return IpcError::invalid("duplicate", field),
            StoreError::Sqlite(_) | StoreError::Io(_) => {
                // The detail goes to the log for a developer; it names SQL, never values.
                eprintln!("career-salon: storage error: {e}");
                return IpcError::new("storage", "storage error");
            }
            StoreError::NotInitialized => "not_initialized",
            StoreError::AlreadyInitialized => "already_initialized",
            StoreError::PassphraseTooShort(_) => "passphrase_too_short",
            StoreError::PassphraseMismatch => "passphrase_mismatch",
            StoreError::WrongPassphrase => "wrong_passphrase",
            StoreError::WrongRecoveryKey => "wrong_recovery_key",
            StoreError::KeyFileDamaged(_) => "key_file_damaged",
            StoreError::KdfOutOfRange => "key_parameters_unsupported",
            StoreError::SessionClosed => "session_closed",
            StoreError::SessionAlreadyOpen => "session_already_open",
            StoreError::DraftPending => "draft_pending",
            StoreError::NotFound(_) => "not_found",
            StoreError::NotEnrolled => "not_enrolled",
            StoreError::BackupDamaged => "backup_damaged",
            StoreError::Damaged(_) => {
                eprintln!("career-salon: {e}");
                return IpcError::new("storage", "storage error");
            }
        };
        IpcError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_core::CoreError;

    #[test]
    fn serialises_as_code_message_and_field() {
        let e: IpcError = StoreError::Invalid(CoreError::InvalidDate("followUpOn")).into();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"invalid_date","message":"followUpOn: invalid_date","field":"followUpOn"}"#
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
        assert_eq!((e.code, e.message.as_str()), ("storage", "storage error"));
    }
}
