//! One error for the whole server. Each variant has a stable snake_case code and a generic
//! message (its HTTP status and body are `salon_hq_web::refusal`): never built from the request body, a token, a code or SQL detail (a
//! plausibility refusal names its campus code and day, both parsed codes).

use salon_protocol::{ErrorCode, HeldRevision, ProtocolError, SnapshotKey};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HqError {
    /// The request does not name this server's protocol version and an app version it can
    /// read: an app older or newer than this server.
    #[error(
        "the request must carry x-salon-api-version with this server's version and x-salon-app-version"
    )]
    ApiVersion,
    #[error("the request body is larger than the server accepts")]
    BodyTooLarge,
    #[error("the request body is not a valid message of this API")]
    BadBody,
    #[error("the idempotency-key header is missing or not 1 to 100 of A-Z, a-z, 0-9, '-', '_'")]
    IdempotencyKey,
    #[error("this idempotency key was already used with a different body")]
    IdempotencyConflict,
    #[error("the upload was refused by the protocol's rules")]
    Protocol(#[from] ProtocolError),
    /// A snapshot that cannot be true (`salon_protocol::plausible`); nothing of the upload is
    /// stored.
    #[error("a snapshot cannot be true: {error}")]
    Implausible {
        snapshot: SnapshotKey,
        error: ProtocolError,
    },
    /// Snapshots at a revision headquarters holds with other counts (`conflict`), or below it.
    #[error("headquarters holds these snapshots at another revision")]
    RevisionHeld {
        conflict: bool,
        held: Vec<HeldRevision>,
    },
    /// Releases headquarters holds with other numbers: it keeps the first it received.
    #[error("headquarters already holds these releases with other numbers")]
    ReleaseHeld { held: Vec<HeldRevision> },
    #[error("a snapshot is for a campus this device is not enrolled for")]
    CampusNotEnrolled,
    #[error("the enrolment code is unknown, expired or already used")]
    EnrolmentCodeInvalid,
    #[error("the device token is missing or unknown")]
    TokenInvalid,
    #[error("this device has been revoked")]
    DeviceRevoked,
    #[error("login required")]
    LoginRequired,
    #[error("the form is stale or was not sent from this site; reload the page and try again")]
    Csrf,
    #[error("a field of the form is missing or invalid: {0}")]
    BadForm(&'static str),
    #[error("that already exists: {0}")]
    AlreadyExists(&'static str),
    #[error("not found")]
    NotFound,
    /// A 閲覧者 asked to change something.
    #[error("only a manager may change this")]
    ManagersOnly,
    #[error("nobody changes their own role or stops their own account")]
    OwnAccount,
    #[error("the last working manager cannot be taken away")]
    LastManager,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the set-up link is unknown, expired or used, or an admin already exists")]
    SetupLinkInvalid,
    #[error("the survey has answers; its questions can no longer change")]
    SurveyAnswered,
    #[error("the survey or this link is closed")]
    SurveyClosed,
    /// A survey closed with answers: its results are out, so it cannot take more.
    #[error("the survey was closed with answers; it cannot be reopened")]
    SurveyFinal,
    #[error("the form is unknown or too old; open the link again")]
    SurveyFormExpired,
    #[error("too many failed attempts from this address; wait and try again later")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("a total of the stored figures is too large to be true")]
    ImpossibleTotal,
    /// The database's disk is full: the transaction rolled back, nothing was stored.
    #[error("headquarters cannot relay to that laptop: it is revoked, unknown, this one, or has no keys registered")]
    RelayRecipient,
    #[error("the colleague's laptop has other keys now; compare its fingerprint again")]
    RelayKeysChanged,
    #[error("this package was relayed before")]
    RelayReplayed,
    #[error("the package has expired, or its expiry is past or more than 30 days ahead")]
    RelayExpired,
    #[error("the colleague's laptop has already fetched this package")]
    RelayFetched,
    #[error("too many packages wait from this laptop, or too many bytes for the colleague's")]
    RelayFull,
    #[error("these keys cannot be registered: this device has others, or they were retired")]
    KeysRetired,
    #[error("the server's disk is full")]
    DiskFull,
    /// The audit key (or head file) beside the database cannot be read or written, or the key
    /// is missing while audit lines carry MACs made with it.
    #[error("操作記録の鍵ファイル {} がないか、読み書きできません。操作記録の行はこの鍵で連鎖しています。バックアップと一緒に残した鍵（バックアップのファイル名に .audit-key が付いたもの）をこの名前で戻してください", .0.display())]
    AuditKey(std::path::PathBuf),
    /// The database was changed by hand so that the 操作記録 could lose lines: a trigger or
    /// view in the file (refused at open), or a line that did not stay as written. The
    /// Japanese says which, for the operator; a client gets the generic message.
    #[error("{0}")]
    AuditTampered(String),
    #[error("storage error")]
    Storage(rusqlite::Error),
    #[error("internal error")]
    Internal(&'static str),
}

impl From<rusqlite::Error> for HqError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => HqError::DiskFull,
            _ => HqError::Storage(e),
        }
    }
}

impl HqError {
    pub fn code(&self) -> ErrorCode {
        match self {
            HqError::ApiVersion => ErrorCode::ApiVersion,
            HqError::BodyTooLarge => ErrorCode::BodyTooLarge,
            HqError::BadBody => ErrorCode::BadBody,
            HqError::IdempotencyKey => ErrorCode::IdempotencyKey,
            HqError::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            HqError::Protocol(e) => e.code(),
            HqError::Implausible { error, .. } => error.code(),
            HqError::RevisionHeld { conflict: true, .. } => ErrorCode::RevisionConflict,
            HqError::RevisionHeld {
                conflict: false, ..
            } => ErrorCode::RevisionBehind,
            HqError::ReleaseHeld { .. } => ErrorCode::ReleaseHeld,
            HqError::CampusNotEnrolled => ErrorCode::CampusNotEnrolled,
            HqError::EnrolmentCodeInvalid => ErrorCode::EnrolmentCodeInvalid,
            HqError::TokenInvalid => ErrorCode::TokenInvalid,
            HqError::DeviceRevoked => ErrorCode::DeviceRevoked,
            HqError::LoginRequired => ErrorCode::LoginRequired,
            HqError::Csrf => ErrorCode::Csrf,
            HqError::BadForm(_) => ErrorCode::BadForm,
            HqError::AlreadyExists(_) => ErrorCode::AlreadyExists,
            HqError::NotFound => ErrorCode::NotFound,
            HqError::ManagersOnly => ErrorCode::ManagersOnly,
            HqError::OwnAccount => ErrorCode::OwnAccount,
            HqError::LastManager => ErrorCode::LastManager,
            HqError::WrongPassword => ErrorCode::WrongPassword,
            HqError::SetupLinkInvalid => ErrorCode::SetupLinkInvalid,
            HqError::SurveyAnswered | HqError::SurveyFinal => ErrorCode::SurveyAnswered,
            HqError::SurveyClosed => ErrorCode::SurveyClosed,
            HqError::SurveyFormExpired => ErrorCode::SurveyFormExpired,
            HqError::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            HqError::ImpossibleTotal => ErrorCode::ImpossibleTotal,
            HqError::DiskFull => ErrorCode::ServerDiskFull,
            HqError::RelayRecipient => ErrorCode::RelayRecipient,
            HqError::RelayKeysChanged => ErrorCode::RelayKeysChanged,
            HqError::RelayReplayed => ErrorCode::RelayReplayed,
            HqError::RelayExpired => ErrorCode::RelayExpired,
            HqError::RelayFull => ErrorCode::RelayFull,
            HqError::RelayFetched => ErrorCode::RelayFetched,
            HqError::KeysRetired => ErrorCode::KeysRetired,
            HqError::Storage(_) => ErrorCode::Storage,
            HqError::AuditKey(_) | HqError::AuditTampered(_) | HqError::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// The message sent to the client: the variant's generic text (for a protocol refusal,
    /// the protocol's own generic text).
    pub fn message(&self) -> String {
        match self {
            HqError::Protocol(e) => e.to_string(),
            HqError::Implausible { snapshot, error } => implausible_ja(snapshot, error),
            HqError::RevisionHeld { held, .. } => format!(
                "事務局には{}件の件数がこの端末の版より新しい版で届いています。端末はその版の続きから送り直します。",
                held.len()
            ),
            HqError::ReleaseHeld { held } => format!(
                "事務局にはこの端末の{}件の月の内訳がすでに届いています。事務局は先に届いた方を使い、端末はこの分を送りません。",
                held.len()
            ),
            HqError::Storage(_) => "storage error".to_owned(),
            // The path is the operator's business, not a client's.
            HqError::AuditKey(_) | HqError::AuditTampered(_) => "internal error".to_owned(),
            HqError::DiskFull => "事務局サーバーの空き容量が足りないため、保存できませんでした。何も保存されていません。端末は後で自動で送り直します。".to_owned(),
            HqError::ApiVersion => {
                "アプリの版が事務局サーバーと合いません。アプリを最新の版に更新してください。"
                    .to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl HqError {
    /// A storage failure goes to the operator's log (the client gets the generic message).
    /// SQLite's messages name statements and constraints, never bound values.
    pub fn log_storage(&self) {
        match self {
            HqError::Storage(e) => tracing::error!(error = %e, "storage error"),
            HqError::DiskFull => {
                tracing::error!("storage error: the database's disk is full; nothing was stored")
            }
            HqError::AuditKey(path) => tracing::error!(
                target: "salon_hq::audit",
                path = %path.display(),
                "the audit key or head file cannot be read or written"
            ),
            HqError::AuditTampered(said) => {
                tracing::error!(target: "salon_hq::audit", "{said}")
            }
            _ => {}
        }
    }
}

/// The refusal in Japanese, naming the campus and the day or month (both codes, never input
/// text).
fn implausible_ja(snapshot: &SnapshotKey, error: &ProtocolError) -> String {
    let at = match snapshot {
        SnapshotKey::Day { campus, day } => format!("キャンパス {} の {day}", campus.as_str()),
        SnapshotKey::Month { campus, month } => {
            format!("キャンパス {} の {month}", campus.as_str())
        }
        SnapshotKey::Events {
            campus: Some(campus),
            day,
        } => format!("キャンパス {} の {day}のイベント", campus.as_str()),
        SnapshotKey::Events { campus: None, day } => format!("オンラインの {day}のイベント"),
        SnapshotKey::Release { campus, month, .. } => {
            format!("キャンパス {} の {month}の内訳", campus.as_str())
        }
        SnapshotKey::PathRelease(k) => format!("{}〜{}の進路決定の内訳", k.from, k.to),
    };
    let why = match error {
        ProtocolError::RevisionZero => "版の番号が0です（1から始まります）。",
        ProtocolError::RevisionTooHigh => "版の番号が大きすぎます（100万まで）。",
        ProtocolError::DayInFuture => "明日より後の日付です。",
        ProtocolError::DistinctOverVisits => "相談した生徒の数が利用人数（延べ）を上回っています。",
        ProtocolError::FirstTimeOverDistinct => {
            "初めての生徒の数が相談した生徒の数を上回っています。"
        }
        ProtocolError::CountsWithoutSession => "サロンを開いていない日に利用や実施時間があります。",
        ProtocolError::MinutesOverDay => "実施時間がサロン1回あたり24時間を超えています。",
        ProtocolError::AppointmentsOverBooked => {
            "来室した予約と来なかった予約の合計が予約数を上回っています。"
        }
        ProtocolError::OverDayCap(_) => "1日の件数としてありえない大きさです。",
        ProtocolError::ParticipantsWithoutEvent => "イベントの回数が0なのに参加者がいます。",
        ProtocolError::NoiseImplausible => "内訳の数がノイズではありえないほど外れています。",
        ProtocolError::IncompleteBreakdown => "内訳の項目がそろっていません。",
        ProtocolError::MonthTotalMismatch => {
            "月の来談数と、対面・オンライン別の来談数の合計が合いません。"
        }
        ProtocolError::ReleaseEarly => "公表日（期間の末日から7日後・49日後）より前に送られました。",
        ProtocolError::PathPeriodUnknown => "事務局の進路の集計期間（年度と助成元の期間）にない期間です。アプリが設定を読み込み直してから送り直します。",
        _ => "件数の形式が正しくありません。",
    };
    format!("{at}の件数を受け付けませんでした：{why}")
}

pub type Result<T, E = HqError> = std::result::Result<T, E>;
