//! The shared rules for text, numbers, codes and dates typed by the supporter.

use chrono::NaiveDate;

use crate::error::{CoreError, Field};
use crate::time::parse_date;

/// Length limits, in characters (not bytes: Japanese text is three bytes a character in UTF-8).
pub mod limits {
    pub const NAME: usize = 60;
    pub const PLACE: usize = 100;
    pub const HQ_CODE: usize = 20;
    pub const NOTE: usize = 20_000;
    pub const NEXT_STEPS: usize = 2_000;
    pub const TEACHER_SUMMARY: usize = 2_000;
    pub const MINUTES: (i64, i64) = (1, 600);
    pub const GRADE: (i64, i64) = (1, 4);
}

/// Trims and checks a required text field.
pub(crate) fn required_text(field: Field, text: &str, max: usize) -> Result<String, CoreError> {
    let text = optional_text(field, text, max)?;
    if text.is_empty() {
        return Err(CoreError::Required(field));
    }
    Ok(text)
}

/// Trims and checks an optional text field; an empty one is allowed.
pub(crate) fn optional_text(field: Field, text: &str, max: usize) -> Result<String, CoreError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(CoreError::TooLong { field, max });
    }
    Ok(text.to_owned())
}

/// Keeps free text as typed (notes keep their leading spaces and blank lines) but bounds it.
pub(crate) fn free_text(field: Field, text: &str, max: usize) -> Result<String, CoreError> {
    if text.chars().count() > max {
        return Err(CoreError::TooLong { field, max });
    }
    Ok(text.trim_end().to_owned())
}

pub(crate) fn in_range(field: Field, value: i64, (min, max): (i64, i64)) -> Result<i64, CoreError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(CoreError::OutOfRange { field, min, max })
    }
}

pub(crate) fn choice<T>(
    field: Field,
    code: &str,
    from_code: fn(&str) -> Option<T>,
) -> Result<T, CoreError> {
    from_code(code).ok_or(CoreError::InvalidChoice(field))
}

/// An optional date: absent or blank means none.
pub(crate) fn optional_date(
    field: Field,
    text: Option<&str>,
) -> Result<Option<NaiveDate>, CoreError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_date(field, text).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        let sixty_kanji = "漢".repeat(60);
        assert!(required_text("name", &sixty_kanji, limits::NAME).is_ok());
        let too_long = "漢".repeat(61);
        assert_eq!(
            required_text("name", &too_long, limits::NAME),
            Err(CoreError::TooLong {
                field: "name",
                max: 60
            })
        );
    }

    #[test]
    fn blank_required_text_is_refused() {
        assert_eq!(
            required_text("name", "  \u{3000}", 10),
            Err(CoreError::Required("name"))
        );
    }

    #[test]
    fn blank_optional_date_is_none() {
        assert_eq!(optional_date("d", Some(" ")), Ok(None));
        assert_eq!(optional_date("d", None), Ok(None));
        assert_eq!(
            optional_date("d", Some("2024-02-29")).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(
            optional_date("d", Some("2025-02-29")),
            Err(CoreError::InvalidDate("d"))
        );
    }
}
