use thiserror::Error;

/// The input field an error is about, named as the UI names it (camelCase).
pub type Field = &'static str;

/// Why a domain input was refused. Every variant names the field so the UI can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CoreError {
    /// A field that must be filled is empty.
    #[error("{0} is required")]
    Required(Field),
    /// A text field is longer than its limit (in characters).
    #[error("{field} is longer than {max} characters")]
    TooLong { field: Field, max: usize },
    /// A date that is malformed or does not exist (2025-02-30).
    #[error("{0} is not a valid date")]
    InvalidDate(Field),
    /// A time of day that is malformed (25:00).
    #[error("{0} is not a valid time")]
    InvalidTime(Field),
    /// A number outside its allowed range.
    #[error("{field} must be between {min} and {max}")]
    OutOfRange { field: Field, min: i64, max: i64 },
    /// A code that is not one of the enumerated values.
    #[error("{0} is not one of the allowed values")]
    InvalidChoice(Field),
}

impl CoreError {
    /// A stable snake_case code for the UI's message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Required(_) => "required",
            CoreError::TooLong { .. } => "too_long",
            CoreError::InvalidDate(_) => "invalid_date",
            CoreError::InvalidTime(_) => "invalid_time",
            CoreError::OutOfRange { .. } => "out_of_range",
            CoreError::InvalidChoice(_) => "invalid_choice",
        }
    }

    /// The input field the error is about.
    pub fn field(&self) -> Field {
        match self {
            CoreError::Required(f)
            | CoreError::InvalidDate(f)
            | CoreError::InvalidTime(f)
            | CoreError::InvalidChoice(f) => f,
            CoreError::TooLong { field, .. } | CoreError::OutOfRange { field, .. } => field,
        }
    }
}
