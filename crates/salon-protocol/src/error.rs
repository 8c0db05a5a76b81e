use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an upload or a field of it was refused. `code()` is what travels in [`crate::ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("a campus code is 1 to 20 of A-Z, 0-9 and '-'")]
    BadCampusCode,
    #[error("an enrolment code is 10 letters or digits")]
    BadEnrolmentCode,
    #[error("a month is written YYYY-MM")]
    BadMonth,
    #[error("an upload carries more snapshots than MAX_SNAPSHOTS")]
    TooManySnapshots,
    #[error("a breakdown must list every code once, in order")]
    IncompleteBreakdown,
    #[error("a month's visits by format do not add up to its visits")]
    MonthTotalMismatch,
    #[error("a snapshot's revision starts at 1")]
    RevisionZero,
    #[error("a snapshot's revision is over the highest a device may send (MAX_REVISION)")]
    RevisionTooHigh,
    #[error("the day or month is after tomorrow")]
    DayInFuture,
    #[error("more distinct students than visits")]
    DistinctOverVisits,
    #[error("more first-time students than distinct students")]
    FirstTimeOverDistinct,
    #[error("visits or salon minutes on a day without a salon")]
    CountsWithoutSession,
    #[error("more salon minutes than 24 hours per salon")]
    MinutesOverDay,
    #[error("more appointments kept and missed than booked")]
    AppointmentsOverBooked,
    #[error("a figure over the most one campus can count in a day ({})", .0.name())]
    OverDayCap(crate::counts::DayField),
    #[error("participants for a kind of event with no event")]
    ParticipantsWithoutEvent,
    #[error("a noisy cell is further from what its visits allow than noise can be")]
    NoiseImplausible,
    #[error("a month's release before its day")]
    ReleaseEarly,
    #[error("a path release for a period headquarters' calendar does not name")]
    PathPeriodUnknown,
}

impl ProtocolError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ProtocolError::BadCampusCode => ErrorCode::BadCampusCode,
            ProtocolError::BadEnrolmentCode => ErrorCode::BadEnrolmentCode,
            ProtocolError::BadMonth => ErrorCode::BadMonth,
            ProtocolError::TooManySnapshots => ErrorCode::TooManySnapshots,
            ProtocolError::IncompleteBreakdown => ErrorCode::IncompleteBreakdown,
            ProtocolError::MonthTotalMismatch => ErrorCode::MonthTotalMismatch,
            ProtocolError::RevisionZero => ErrorCode::RevisionZero,
            ProtocolError::RevisionTooHigh => ErrorCode::RevisionTooHigh,
            ProtocolError::DayInFuture => ErrorCode::DayInFuture,
            ProtocolError::DistinctOverVisits => ErrorCode::DistinctOverVisits,
            ProtocolError::FirstTimeOverDistinct => ErrorCode::FirstTimeOverDistinct,
            ProtocolError::CountsWithoutSession => ErrorCode::CountsWithoutSession,
            ProtocolError::MinutesOverDay => ErrorCode::MinutesOverDay,
            ProtocolError::AppointmentsOverBooked => ErrorCode::AppointmentsOverBooked,
            ProtocolError::OverDayCap(_) => ErrorCode::OverDayCap,
            ProtocolError::ParticipantsWithoutEvent => ErrorCode::ParticipantsWithoutEvent,
            ProtocolError::NoiseImplausible => ErrorCode::NoiseImplausible,
            ProtocolError::ReleaseEarly => ErrorCode::ReleaseEarly,
            ProtocolError::PathPeriodUnknown => ErrorCode::PathPeriodUnknown,
        }
    }
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)+) => {
        /// Every code headquarters answers with, in [`crate::ErrorBody`]: one list for the
        /// server that sends them and the client that reads them. A code this version does not
        /// know (from a newer server) reads as `Unknown`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)+
            /// A code this version does not know.
            #[serde(other, rename = "unknown")]
            Unknown,
        }

        impl ErrorCode {
            /// Every code but `Unknown`.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as it travels.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                    ErrorCode::Unknown => "unknown",
                }
            }
        }
    };
}

error_codes! {
    /// The request lacks this server's API version or the app's own version: the app must be
    /// updated.
    ApiVersion = "api_version",
    BodyTooLarge = "body_too_large",
    BadBody = "bad_body",
    IdempotencyKey = "idempotency_key",
    /// The idempotency key was used before with another body.
    IdempotencyConflict = "idempotency_conflict",
    BadCampusCode = "bad_campus_code",
    BadEnrolmentCode = "bad_enrolment_code",
    BadMonth = "bad_month",
    TooManySnapshots = "too_many_snapshots",
    IncompleteBreakdown = "incomplete_breakdown",
    MonthTotalMismatch = "month_total_mismatch",
    RevisionZero = "revision_zero",
    /// A revision over `plausible::MAX_REVISION`, which would leave no higher one for the
    /// corrections after it.
    RevisionTooHigh = "revision_too_high",
    /// A day after tomorrow (Asia/Tokyo).
    DayInFuture = "day_in_future",
    DistinctOverVisits = "distinct_over_visits",
    FirstTimeOverDistinct = "first_time_over_distinct",
    CountsWithoutSession = "counts_without_session",
    MinutesOverDay = "minutes_over_day",
    AppointmentsOverBooked = "appointments_over_booked",
    /// A figure over `plausible::DAY_CAPS`.
    OverDayCap = "over_day_cap",
    /// Participants counted for a kind of event with no event that day.
    ParticipantsWithoutEvent = "participants_without_event",
    /// A noisy cell further from 0..visits than the protocol's noise can carry it.
    NoiseImplausible = "noise_implausible",
    /// A month's release sent before its day (`Release::day`).
    ReleaseEarly = "release_early",
    /// A release headquarters holds with other numbers (a laptop restored from an older
    /// backup drew again): headquarters keeps the first; `ErrorBody.held` names each.
    ReleaseHeld = "release_held",
    /// A path release for a period that is neither a 年度 nor a term of headquarters' calendar.
    PathPeriodUnknown = "path_period_unknown",
    /// A snapshot at a revision headquarters holds with other counts.
    RevisionConflict = "revision_conflict",
    /// A snapshot older than headquarters holds, with other counts (a laptop restored from an
    /// older backup): `ErrorBody.held` says which revisions headquarters holds.
    RevisionBehind = "revision_behind",
    CampusNotEnrolled = "campus_not_enrolled",
    EnrolmentCodeInvalid = "enrolment_code_invalid",
    TokenInvalid = "token_invalid",
    DeviceRevoked = "device_revoked",
    LoginRequired = "login_required",
    Csrf = "csrf",
    BadForm = "bad_form",
    AlreadyExists = "already_exists",
    NotFound = "not_found",
    /// A 閲覧者 (viewer) asked the admin web to change something.
    ManagersOnly = "managers_only",
    OwnAccount = "own_account",
    LastManager = "last_manager",
    WrongPassword = "wrong_password",
    SetupLinkInvalid = "setup_link_invalid",
    SurveyAnswered = "survey_answered",
    SurveyClosed = "survey_closed",
    SurveyFormExpired = "survey_form_expired",
    TooManyAttempts = "too_many_attempts",
    ImpossibleTotal = "impossible_total",
    /// Headquarters' own disk is full: nothing of the request was stored (a device sends again
    /// later, as after any server error).
    ServerDiskFull = "server_disk_full",
    /// A handover sent to a laptop that is revoked, unknown, this one, or has no keys
    /// registered.
    RelayRecipient = "relay_recipient",
    /// A handover sealed to keys that are no longer the colleague's laptop's (it was replaced
    /// since the list was read): the sender compares the new fingerprint and seals again.
    RelayKeysChanged = "relay_keys_changed",
    /// A package id headquarters has relayed before.
    RelayReplayed = "relay_replayed",
    /// A package past its expiry, or sent with one already past or too far ahead.
    RelayExpired = "relay_expired",
    /// Too much waits at headquarters from this laptop, or for the colleague's: the package
    /// waits here and goes once the colleague has fetched what waits.
    RelayFull = "relay_full",
    /// A cancel of a package the colleague's laptop has already fetched: it holds a copy.
    RelayFetched = "relay_fetched",
    /// Keys a laptop retired (a laptop restored from a backup after a takeover): it makes a
    /// new pair and registers that.
    KeysRetired = "keys_retired",
    Storage = "storage",
    Internal = "internal",
}

impl ErrorCode {
    /// The codes only the admin web answers: a device never receives them.
    pub const WEB_ONLY: &'static [ErrorCode] = &[
        ErrorCode::LoginRequired,
        ErrorCode::Csrf,
        ErrorCode::BadForm,
        ErrorCode::AlreadyExists,
        ErrorCode::ManagersOnly,
        ErrorCode::OwnAccount,
        ErrorCode::LastManager,
        ErrorCode::WrongPassword,
        ErrorCode::SetupLinkInvalid,
        ErrorCode::SurveyAnswered,
        ErrorCode::SurveyClosed,
        ErrorCode::SurveyFormExpired,
    ];
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
