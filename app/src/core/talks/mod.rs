//! Salary and development talks: templates, rounds that roll a template out to a unit, and the
//! talks themselves with their status, both sides' preparation, the manager's notes, private
//! notes, the employee's sign-off and addenda after it.
//!
//! Every text is a sealed field bound to its row (`crypto::FIELDS`). The rows of a talk's texts
//! have ids made from the talk's id and the text's kind, so a text is sealed before the write's
//! transaction begins (the keyring may write to the database, which on SQLite must not wait on
//! the transaction's own lock) and cannot be moved to another talk or kind unnoticed.
pub mod access;
pub mod calendar;
pub mod demo;
pub mod moves;
pub mod rounds;
pub mod talk;
pub mod templates;

use crate::core::{
    crypto::{CryptoError, Field},
    logbook,
};

pub const TEXT: Field = Field { table: "talk_texts", column: "body_sealed", id_column: "id" };
pub const PRIVATE: Field = Field { table: "talk_private_notes", column: "body_sealed", id_column: "id" };
pub const ADDENDUM: Field = Field { table: "talk_addenda", column: "body_sealed", id_column: "id" };

pub use crate::model::talks::{MAX_ANSWER_CHARS, MAX_NOTE_CHARS};

#[derive(Debug, thiserror::Error)]
pub enum TalkError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    #[error("logbook: {0}")]
    Logbook(#[from] logbook::LogbookError),
    #[error("the operating system's random source failed")]
    Random,
    #[error("no such talk")]
    NoSuchTalk,
    #[error("no such template")]
    NoSuchTemplate,
    #[error("no such round")]
    NoSuchRound,
    #[error("no such unit")]
    NoSuchUnit,
    #[error("a ready template is copied, not edited")]
    ShippedTemplate,
    #[error("a title must be 1 to 200 characters without control characters")]
    InvalidTitle,
    #[error("a question must be 1 to 500 characters, its help up to 2 000")]
    InvalidQuestion,
    #[error("a rating scale has 2 to 7 levels, each named in up to 60 characters")]
    InvalidScale,
    #[error("a template holds at most 30 sections of at most 40 questions")]
    TemplateTooLarge,
    #[error("a template needs at least one question")]
    EmptyTemplate,
    #[error("a round makes at most 20 000 talks; roll out per unit")]
    RoundTooLarge,
    #[error("a round with this title, unit and dates is already rolled out")]
    DuplicateRound,
    #[error("no such section or question")]
    NoSuchItem,
    #[error("a date must be a real date written YYYY-MM-DD, the end not before the start")]
    InvalidDates,
    #[error("the text is too long")]
    TooLong,
    #[error("a talk takes at most 50 addenda")]
    TooMany,
    #[error("an answer names a question that is not the viewer's to answer, or a rating off the scale")]
    InvalidAnswer,
    #[error("this cannot be done in the talk's present state")]
    IllegalMove,
    #[error("the talk is signed off; add an addendum instead")]
    Locked,
    #[error("someone else saved this first")]
    Conflict { current: i64 },
    #[error("a time must be written YYYY-MM-DDTHH:MM and a length 5 to 480 minutes")]
    InvalidTime,
    #[error("the talk's manager must mark their own preparation ready first")]
    ManagerNotReady,
    #[error("the employee has no manager today")]
    NoManager,
}

/// A new row id: 32 lower-case hexadecimal characters.
pub(crate) fn new_id() -> Result<String, TalkError> {
    crate::core::ids::random_id().map_err(|_| TalkError::Random)
}

/// A title or label as people type it: trimmed, 1 to `max` characters, no control characters.
pub(crate) fn clean_line(s: &str, max: usize) -> Option<String> {
    let t = s.trim();
    let n = t.chars().count();
    (n > 0 && n <= max && !t.chars().any(char::is_control)).then(|| t.to_string())
}

/// A free text as people type it: line breaks and tabs kept, other control characters refused,
/// at most `max` characters.
pub(crate) fn clean_text(s: &str, max: usize) -> Result<String, TalkError> {
    if s.chars().count() > max {
        return Err(TalkError::TooLong);
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(TalkError::InvalidAnswer);
    }
    Ok(s.replace("\r\n", "\n"))
}

pub(crate) fn log_id(id: &str) -> Result<logbook::Id, TalkError> {
    logbook::Id::parse(id).map_err(|_| TalkError::NoSuchTalk)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sealed_column_of_a_talk_is_one_a_rewrap_reaches() {
        for f in [super::TEXT, super::PRIVATE, super::ADDENDUM] {
            assert!(crate::core::crypto::FIELDS.contains(&f), "{f:?}");
        }
    }
}
