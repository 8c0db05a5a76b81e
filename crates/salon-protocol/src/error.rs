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
    #[error("an upload carries at most {} snapshots", crate::MAX_SNAPSHOTS)]
    TooManySnapshots,
    #[error("a breakdown must list every code once, in order")]
    IncompleteBreakdown,
    #[error("a cell breaks the small-count rule")]
    SuppressionBroken,
    #[error("the snapshot was hidden under a rule laxer than headquarters'")]
    RuleTooLax,
    #[error("a month's visits do not add up to its days' visits or its route cells")]
    MonthTotalMismatch,
}

impl ProtocolError {
    pub fn code(&self) -> &'static str {
        match self {
            ProtocolError::BadCampusCode => "bad_campus_code",
            ProtocolError::BadEnrolmentCode => "bad_enrolment_code",
            ProtocolError::BadMonth => "bad_month",
            ProtocolError::TooManySnapshots => "too_many_snapshots",
            ProtocolError::IncompleteBreakdown => "incomplete_breakdown",
            ProtocolError::SuppressionBroken => "suppression_broken",
            ProtocolError::RuleTooLax => "rule_too_lax",
            ProtocolError::MonthTotalMismatch => "month_total_mismatch",
        }
    }
}
