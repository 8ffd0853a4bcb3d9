//! The error type every server function returns. It crosses the wire as JSON, so the browser gets
//! the same typed value the server produced; [`AppError::message`] is the plain sentence the UI
//! shows, in the page's language.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::model::lang::Lang;

/// On the wire it is one short string, the same codes a plain form's redirect carries (plus the
/// number a sentence needs): a derived enum encoding cost the browser bundle kilobytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireError", from = "WireError")]
pub enum AppError {
    /// Something failed on the server; details are in the server log under the request id, never
    /// in the response.
    Internal,
    /// The browser could not reach the server or could not read its answer.
    Unreachable,
    /// The request itself was malformed (bad arguments, wrong encoding).
    BadRequest,
    NotSignedIn,
    Forbidden,
    /// The same words for an unknown account, a disabled one and a wrong password.
    InvalidCredentials,
    Throttled {
        seconds: u64,
    },
    /// The server is too busy for this right now (nothing was done); it answers at once.
    Busy {
        seconds: u64,
    },
    /// Something the person typed that they can fix. A typed reason, never text: the browser
    /// says it in the page's language, and a plain form's redirect can carry it as a code.
    Invalid(Problem),
    BadLink,
    LastAdmin,
    /// A stored encrypted value could not be decrypted (altered, or its key is gone); logged.
    Unreadable,
}

/// What is wrong with what a person entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    PasswordsDiffer,
    CurrentPasswordWrong,
    PasswordTooShort {
        min: u32,
    },
    PasswordTooLong {
        max: u32,
    },
    PasswordWeak(WeakBecause),
    PasswordPersonal,
    PasswordReused,
    MinPasswordLen,
    BadDate,
    UnknownAction,
    OwnAccount,
    NoSuchAccount,
    DuplicateEmail,
    InvalidEmail,
    InvalidName,
    TooManyEvents {
        max: u32,
    },
    BadLanguage,
    BadTimeZone,
    OrgName,
    /// Whatever it was, after a plain form post whose details did not come back.
    CheckForm,
    PnrEmpty,
    PnrCharacters,
    PnrLength,
    PnrSeparator,
    PnrPlusWithCentury,
    PnrMonth,
    PnrDay,
    PnrFuture,
    PnrCheckDigit,
    DuplicatePersonnummer,
    NoSuchPerson,
    EmployeeNumber,
    Gender,
    UnitName,
    NoSuchUnit,
    UnitCycle,
    UnitTooDeep,
    UnitNotEmpty,
    JobTitle,
    EndBeforeStart,
    Rate,
    Salary,
    OwnManager,
    NoSuchManager,
    ManagerCycle,
    NoSuchEmployment,
    OwnPerson,
    ImportNotClean,
    ImportFile,
    ImportChanged,
    ConfirmErase,
    ErasureMismatch,
    NoSuchReceipt,
    RetentionMonths,
    AccountTaken,
    NoSuchTalk,
    NoSuchTemplate,
    NoSuchRound,
    ShippedTemplate,
    TemplateTitle,
    Question,
    Scale,
    TemplateTooLarge,
    EmptyTemplate,
    NoSuchItem,
    RoundDates,
    RoundTooLarge,
    TextTooLong,
    InvalidAnswer,
    IllegalMove,
    TalkLocked,
    SaveConflict,
    TalkTime,
    ManagerNotReady,
    CommentNeeded,
    TooManyAddenda,
    NotSignedYet,
    NoCurrentManager,
    DuplicateRound,
}

/// Problems only server-rendered pages show (no island's server function returns one): their
/// words are in the server's texts, and the browser bundle holds the general sentence instead
/// of some fifty more in two languages.
#[cfg(feature = "ssr")]
fn page_problem(p: Problem, lang: Lang) -> String {
    let (t, e) = (&crate::i18n::texts(lang).talks.problems, crate::i18n::texts(lang).page_errors);
    match p {
        Problem::NoSuchTalk => t.no_such_talk.into(),
        Problem::NoSuchTemplate => t.no_such_template.into(),
        Problem::NoSuchRound => t.no_such_round.into(),
        Problem::ShippedTemplate => t.shipped_template.into(),
        Problem::TemplateTitle => t.template_title.into(),
        Problem::Question => t.question.into(),
        Problem::Scale => t.scale.into(),
        Problem::TemplateTooLarge => t.template_too_large.into(),
        Problem::EmptyTemplate => t.empty_template.into(),
        Problem::NoSuchItem => t.no_such_item.into(),
        Problem::RoundDates => t.round_dates.into(),
        Problem::RoundTooLarge => t.round_too_large.into(),
        Problem::TextTooLong => t.text_too_long.into(),
        Problem::InvalidAnswer => t.invalid_answer.into(),
        Problem::IllegalMove => t.illegal_move.into(),
        Problem::TalkLocked => t.talk_locked.into(),
        Problem::SaveConflict => t.save_conflict.into(),
        Problem::TalkTime => t.talk_time.into(),
        Problem::ManagerNotReady => t.manager_not_ready.into(),
        Problem::CommentNeeded => t.comment_needed.into(),
        Problem::TooManyAddenda => t.too_many_addenda.into(),
        Problem::NoCurrentManager => t.no_current_manager.into(),
        Problem::NotSignedYet => t.not_signed_yet.into(),
        Problem::DuplicateRound => t.duplicate_round.into(),
        Problem::MinPasswordLen => e.min_password_len.into(),
        Problem::BadDate => e.bad_date.into(),
        Problem::UnknownAction => e.unknown_action.into(),
        Problem::OwnAccount => e.own_account.into(),
        Problem::NoSuchAccount => e.no_such_account.into(),
        Problem::DuplicateEmail => e.duplicate_email.into(),
        Problem::BadLanguage => e.bad_language.into(),
        Problem::BadTimeZone => e.bad_time_zone.into(),
        Problem::OrgName => e.org_name.into(),
        Problem::PnrEmpty => e.pnr_empty.into(),
        Problem::PnrCharacters => e.pnr_characters.into(),
        Problem::PnrLength => e.pnr_length.into(),
        Problem::PnrSeparator => e.pnr_separator.into(),
        Problem::PnrPlusWithCentury => e.pnr_plus.into(),
        Problem::PnrMonth => e.pnr_month.into(),
        Problem::PnrDay => e.pnr_day.into(),
        Problem::PnrFuture => e.pnr_future.into(),
        Problem::PnrCheckDigit => e.pnr_check_digit.into(),
        Problem::EmployeeNumber => e.employee_number.into(),
        Problem::Gender => e.gender.into(),
        Problem::UnitName => e.unit_name.into(),
        Problem::UnitCycle => e.unit_cycle.into(),
        Problem::UnitTooDeep => e.unit_too_deep.into(),
        Problem::UnitNotEmpty => e.unit_not_empty.into(),
        Problem::JobTitle => e.job_title.into(),
        Problem::EndBeforeStart => e.end_before_start.into(),
        Problem::Rate => e.rate.into(),
        Problem::Salary => e.salary.into(),
        Problem::OwnManager => e.own_manager.into(),
        Problem::NoSuchEmployment => e.no_such_employment.into(),
        Problem::OwnPerson => e.own_person.into(),
        Problem::ConfirmErase => e.confirm_erase.into(),
        Problem::ErasureMismatch => e.erasure_mismatch.into(),
        Problem::NoSuchReceipt => e.no_such_receipt.into(),
        Problem::RetentionMonths => e.retention_months.into(),
        Problem::AccountTaken => e.account_taken.into(),
        Problem::InvalidEmail => e.invalid_email.into(),
        Problem::InvalidName => e.invalid_name.into(),
        Problem::DuplicatePersonnummer => e.duplicate_personnummer.into(),
        Problem::NoSuchUnit => e.no_such_unit.into(),
        Problem::NoSuchManager => e.no_such_manager.into(),
        Problem::TooManyEvents { max } => (e.too_many_events)(max),
        _ => crate::i18n::words(lang).errors.check_form.into(),
    }
}

#[cfg(not(feature = "ssr"))]
fn page_problem(_: Problem, lang: Lang) -> String {
    crate::i18n::words(lang).errors.check_form.into()
}

/// Only the admin's users page (server-rendered) can be refused for leaving no admin.
#[cfg(feature = "ssr")]
fn last_admin(lang: Lang) -> String {
    crate::i18n::texts(lang).page_errors.last_admin.into()
}

#[cfg(not(feature = "ssr"))]
fn last_admin(lang: Lang) -> String {
    crate::i18n::words(lang).errors.check_form.into()
}

/// Why a password is easy to guess (zxcvbn's warnings, grouped into what a person can act on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakBecause {
    Common,
    Pattern,
    Dates,
    Words,
    Unsaid,
}

impl AppError {
    /// The sentence a person reads, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let w = crate::i18n::words(lang).errors;
        match self {
            AppError::Internal => w.internal.into(),
            AppError::Unreachable => w.unreachable.into(),
            AppError::BadRequest => w.bad_request.into(),
            AppError::NotSignedIn => w.not_signed_in.into(),
            AppError::Forbidden => w.forbidden.into(),
            AppError::InvalidCredentials => w.credentials.into(),
            AppError::Throttled { seconds } => (w.throttled)(*seconds),
            AppError::Busy { seconds } => (w.busy)(*seconds),
            AppError::Invalid(p) => p.message(lang),
            AppError::BadLink => w.bad_link.into(),
            AppError::LastAdmin => last_admin(lang),
            AppError::Unreadable => w.unreadable.into(),
        }
    }

    /// The HTTP status this error is answered with (one mapping for every server function).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Internal | AppError::Unreadable => 500,
            AppError::Unreachable => 502,
            AppError::BadRequest | AppError::Invalid(_) | AppError::BadLink | AppError::LastAdmin => 400,
            AppError::NotSignedIn | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::Throttled { .. } => 429,
            AppError::Busy { .. } => 503,
        }
    }

    /// Seconds for a `Retry-After` header, where the answer has one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled { seconds } | AppError::Busy { seconds } => Some(*seconds),
            _ => None,
        }
    }
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        let w = crate::i18n::words(lang).errors;
        match self {
            Problem::PasswordsDiffer => w.passwords_differ.into(),
            Problem::CurrentPasswordWrong => w.current_password_wrong.into(),
            Problem::PasswordTooShort { min } => (w.password_too_short)(*min),
            Problem::PasswordTooLong { max } => (w.password_too_long)(*max),
            Problem::PasswordWeak(why) => {
                let because = match why {
                    WeakBecause::Common => w.weak_common,
                    WeakBecause::Pattern => w.weak_pattern,
                    WeakBecause::Dates => w.weak_dates,
                    WeakBecause::Words => w.weak_words,
                    WeakBecause::Unsaid => return w.password_weak.into(),
                };
                format!("{} {because}", w.password_weak)
            }
            Problem::PasswordPersonal => w.password_personal.into(),
            Problem::PasswordReused => w.password_reused.into(),
            Problem::CheckForm => w.check_form.into(),
            Problem::NoSuchPerson => w.no_such_person.into(),
            Problem::ManagerCycle => w.manager_cycle.into(),
            Problem::ImportNotClean => w.import_not_clean.into(),
            Problem::ImportFile => w.import_file.into(),
            Problem::ImportChanged => w.import_changed.into(),
            p => page_problem(*p, lang),
        }
    }

    /// The code a plain form's redirect carries; numbers stay behind (the sentence then leaves
    /// them out rather than trust a number from an address).
    fn code(&self) -> &'static str {
        match self {
            Problem::PasswordsDiffer => "passwords_differ",
            Problem::CurrentPasswordWrong => "current_password",
            Problem::PasswordTooShort { .. } => "too_short",
            Problem::PasswordTooLong { .. } => "too_long",
            Problem::PasswordWeak(_) => "weak",
            Problem::PasswordPersonal => "personal",
            Problem::PasswordReused => "reused",
            Problem::MinPasswordLen => "min_len",
            Problem::BadDate => "date",
            Problem::UnknownAction => "action",
            Problem::OwnAccount => "own_account",
            Problem::NoSuchAccount => "no_account",
            Problem::DuplicateEmail => "duplicate_email",
            Problem::InvalidEmail => "email",
            Problem::InvalidName => "name",
            Problem::TooManyEvents { .. } => "too_many",
            Problem::BadLanguage => "language",
            Problem::BadTimeZone => "time_zone",
            Problem::OrgName => "org_name",
            Problem::CheckForm => "check",
            Problem::PnrEmpty => "pnr_empty",
            Problem::PnrCharacters => "pnr_chars",
            Problem::PnrLength => "pnr_length",
            Problem::PnrSeparator => "pnr_separator",
            Problem::PnrPlusWithCentury => "pnr_plus",
            Problem::PnrMonth => "pnr_month",
            Problem::PnrDay => "pnr_day",
            Problem::PnrFuture => "pnr_future",
            Problem::PnrCheckDigit => "pnr_check",
            Problem::DuplicatePersonnummer => "pnr_taken",
            Problem::NoSuchPerson => "no_person",
            Problem::EmployeeNumber => "employee_number",
            Problem::Gender => "gender",
            Problem::UnitName => "unit_name",
            Problem::NoSuchUnit => "no_unit",
            Problem::UnitCycle => "unit_cycle",
            Problem::UnitTooDeep => "unit_deep",
            Problem::UnitNotEmpty => "unit_not_empty",
            Problem::JobTitle => "job_title",
            Problem::EndBeforeStart => "end_before_start",
            Problem::Rate => "rate",
            Problem::Salary => "salary",
            Problem::OwnManager => "own_manager",
            Problem::NoSuchManager => "no_manager",
            Problem::ManagerCycle => "manager_cycle",
            Problem::NoSuchEmployment => "no_employment",
            Problem::OwnPerson => "own_person",
            Problem::ImportNotClean => "import_rows",
            Problem::ImportFile => "import_file",
            Problem::ImportChanged => "import_changed",
            Problem::ConfirmErase => "confirm_erase",
            Problem::ErasureMismatch => "erasure_mismatch",
            Problem::NoSuchReceipt => "no_receipt",
            Problem::RetentionMonths => "retention_months",
            Problem::AccountTaken => "account_taken",
            Problem::NoSuchTalk => "no_talk",
            Problem::NoSuchTemplate => "no_template",
            Problem::NoSuchRound => "no_round",
            Problem::ShippedTemplate => "shipped_template",
            Problem::TemplateTitle => "template_title",
            Problem::Question => "question",
            Problem::Scale => "scale",
            Problem::TemplateTooLarge => "template_size",
            Problem::EmptyTemplate => "template_empty",
            Problem::NoSuchItem => "no_item",
            Problem::RoundDates => "round_dates",
            Problem::RoundTooLarge => "round_size",
            Problem::TextTooLong => "text_long",
            Problem::InvalidAnswer => "answer",
            Problem::IllegalMove => "talk_state",
            Problem::TalkLocked => "talk_locked",
            Problem::SaveConflict => "conflict",
            Problem::TalkTime => "talk_time",
            Problem::ManagerNotReady => "manager_not_ready",
            Problem::CommentNeeded => "comment_needed",
            Problem::TooManyAddenda => "addenda",
            Problem::NoCurrentManager => "no_current_manager",
            Problem::NotSignedYet => "not_signed",
            Problem::DuplicateRound => "duplicate_round",
        }
    }

    /// The number a sentence needs (a length, a count), for the wire form only.
    fn number(&self) -> Option<u32> {
        match self {
            Problem::PasswordTooShort { min } => Some(*min),
            Problem::PasswordTooLong { max } => Some(*max),
            Problem::TooManyEvents { max } => Some(*max),
            _ => None,
        }
    }

    /// From a server's answer, which may carry the number and the reason a password is weak.
    fn from_wire(code: &str, n: Option<u32>, weak: Option<&str>) -> Self {
        match (code, n) {
            ("too_short", Some(min)) => Problem::PasswordTooShort { min },
            ("too_long", Some(max)) => Problem::PasswordTooLong { max },
            ("too_many", Some(max)) => Problem::TooManyEvents { max },
            ("weak", _) => Problem::PasswordWeak(match weak {
                Some("common") => WeakBecause::Common,
                Some("pattern") => WeakBecause::Pattern,
                Some("dates") => WeakBecause::Dates,
                Some("words") => WeakBecause::Words,
                _ => WeakBecause::Unsaid,
            }),
            _ => Self::from_code(code),
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            "passwords_differ" => Problem::PasswordsDiffer,
            "current_password" => Problem::CurrentPasswordWrong,
            "weak" => Problem::PasswordWeak(WeakBecause::Unsaid),
            "personal" => Problem::PasswordPersonal,
            "reused" => Problem::PasswordReused,
            "min_len" => Problem::MinPasswordLen,
            "date" => Problem::BadDate,
            "action" => Problem::UnknownAction,
            "own_account" => Problem::OwnAccount,
            "no_account" => Problem::NoSuchAccount,
            "duplicate_email" => Problem::DuplicateEmail,
            "email" => Problem::InvalidEmail,
            "name" => Problem::InvalidName,
            "language" => Problem::BadLanguage,
            "time_zone" => Problem::BadTimeZone,
            "org_name" => Problem::OrgName,
            "pnr_empty" => Problem::PnrEmpty,
            "pnr_chars" => Problem::PnrCharacters,
            "pnr_length" => Problem::PnrLength,
            "pnr_separator" => Problem::PnrSeparator,
            "pnr_plus" => Problem::PnrPlusWithCentury,
            "pnr_month" => Problem::PnrMonth,
            "pnr_day" => Problem::PnrDay,
            "pnr_future" => Problem::PnrFuture,
            "pnr_check" => Problem::PnrCheckDigit,
            "pnr_taken" => Problem::DuplicatePersonnummer,
            "no_person" => Problem::NoSuchPerson,
            "employee_number" => Problem::EmployeeNumber,
            "gender" => Problem::Gender,
            "unit_name" => Problem::UnitName,
            "no_unit" => Problem::NoSuchUnit,
            "unit_cycle" => Problem::UnitCycle,
            "unit_deep" => Problem::UnitTooDeep,
            "unit_not_empty" => Problem::UnitNotEmpty,
            "job_title" => Problem::JobTitle,
            "end_before_start" => Problem::EndBeforeStart,
            "rate" => Problem::Rate,
            "salary" => Problem::Salary,
            "own_manager" => Problem::OwnManager,
            "no_manager" => Problem::NoSuchManager,
            "manager_cycle" => Problem::ManagerCycle,
            "no_employment" => Problem::NoSuchEmployment,
            "own_person" => Problem::OwnPerson,
            "import_rows" => Problem::ImportNotClean,
            "import_file" => Problem::ImportFile,
            "import_changed" => Problem::ImportChanged,
            "confirm_erase" => Problem::ConfirmErase,
            "erasure_mismatch" => Problem::ErasureMismatch,
            "no_receipt" => Problem::NoSuchReceipt,
            "retention_months" => Problem::RetentionMonths,
            "account_taken" => Problem::AccountTaken,
            "no_talk" => Problem::NoSuchTalk,
            "no_template" => Problem::NoSuchTemplate,
            "no_round" => Problem::NoSuchRound,
            "shipped_template" => Problem::ShippedTemplate,
            "template_title" => Problem::TemplateTitle,
            "question" => Problem::Question,
            "scale" => Problem::Scale,
            "template_size" => Problem::TemplateTooLarge,
            "template_empty" => Problem::EmptyTemplate,
            "no_item" => Problem::NoSuchItem,
            "round_dates" => Problem::RoundDates,
            "round_size" => Problem::RoundTooLarge,
            "text_long" => Problem::TextTooLong,
            "answer" => Problem::InvalidAnswer,
            "talk_state" => Problem::IllegalMove,
            "talk_locked" => Problem::TalkLocked,
            "conflict" => Problem::SaveConflict,
            "talk_time" => Problem::TalkTime,
            "manager_not_ready" => Problem::ManagerNotReady,
            "comment_needed" => Problem::CommentNeeded,
            "addenda" => Problem::TooManyAddenda,
            "no_current_manager" => Problem::NoCurrentManager,
            "not_signed" => Problem::NotSignedYet,
            "duplicate_round" => Problem::DuplicateRound,
            // A length or a count would be a number from the address: the general sentence.
            _ => Problem::CheckForm,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AppError {}

impl AppError {
    /// This error as a query string for the redirect that answers a plain form post.
    pub fn to_query(&self) -> String {
        let code = match self {
            AppError::Internal | AppError::Unreachable => "internal",
            AppError::BadRequest => "bad_request",
            AppError::NotSignedIn => "signed_out",
            AppError::Forbidden => "forbidden",
            AppError::InvalidCredentials => "credentials",
            AppError::Throttled { seconds } => return format!("error=throttled&wait={seconds}"),
            AppError::Busy { seconds } => return format!("error=busy&wait={seconds}"),
            AppError::Invalid(p) => return format!("error=invalid&why={}", p.code()),
            AppError::BadLink => "bad_link",
            AppError::LastAdmin => "last_admin",
            AppError::Unreadable => "unreadable",
        };
        format!("error={code}")
    }

    /// The error a redirect's query names; `None` for anything not one of ours.
    pub fn from_query(code: &str, wait: Option<&str>, why: Option<&str>) -> Option<Self> {
        let wait = || wait.and_then(|w| w.parse::<u64>().ok()).map(|s| s.min(3600));
        Some(match code {
            "internal" => AppError::Internal,
            "bad_request" => AppError::BadRequest,
            "signed_out" => AppError::NotSignedIn,
            "forbidden" => AppError::Forbidden,
            "credentials" => AppError::InvalidCredentials,
            "throttled" => AppError::Throttled { seconds: wait()? },
            "busy" => AppError::Busy { seconds: wait()? },
            "invalid" => AppError::Invalid(Problem::from_code(why.unwrap_or_default())),
            "bad_link" => AppError::BadLink,
            "last_admin" => AppError::LastAdmin,
            "unreadable" => AppError::Unreadable,
            _ => return None,
        })
    }
}

/// [`AppError`] as it crosses the wire: `error=invalid&why=too_short&n=14`.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireError(String);

impl From<AppError> for WireError {
    fn from(e: AppError) -> Self {
        let mut s = e.to_query();
        if let AppError::Invalid(p) = &e {
            if let Some(n) = p.number() {
                s.push_str(&format!("&n={n}"));
            }
            if let Problem::PasswordWeak(w) = p {
                let why = match w {
                    WeakBecause::Common => "common",
                    WeakBecause::Pattern => "pattern",
                    WeakBecause::Dates => "dates",
                    WeakBecause::Words => "words",
                    WeakBecause::Unsaid => "unsaid",
                };
                s.push_str(&format!("&weak={why}"));
            }
        }
        WireError(s)
    }
}

impl From<WireError> for AppError {
    fn from(w: WireError) -> Self {
        let param = |k: &str| w.0.split('&').find_map(|kv| kv.strip_prefix(k).and_then(|r| r.strip_prefix('=')));
        let Some(code) = param("error") else { return AppError::Internal };
        if code == "invalid" {
            let n = param("n").and_then(|n| n.parse().ok());
            return AppError::Invalid(Problem::from_wire(param("why").unwrap_or_default(), n, param("weak")));
        }
        AppError::from_query(code, param("wait"), None).unwrap_or(AppError::Internal)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Serialization(_) => {
                AppError::BadRequest
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_carries_codes_that_map_back_and_nothing_else() {
        for e in [
            AppError::InvalidCredentials,
            AppError::Throttled { seconds: 30 },
            AppError::Busy { seconds: 1 },
            AppError::BadLink,
            AppError::LastAdmin,
            AppError::NotSignedIn,
            AppError::Invalid(Problem::PasswordsDiffer),
            AppError::Invalid(Problem::OwnAccount),
        ] {
            let q = e.to_query();
            let param = |k: &str| q.split('&').find_map(|kv| kv.strip_prefix(k).and_then(|r| r.strip_prefix('=')));
            let code = param("error").expect("code");
            assert_eq!(AppError::from_query(code, param("wait"), param("why")), Some(e.clone()), "{q}");
        }
        // Numbers never come back from an address; a made-up code or wait shows nothing (or a
        // bounded wait).
        let short = AppError::Invalid(Problem::PasswordTooShort { min: 14 });
        assert_eq!(short.to_query(), "error=invalid&why=too_short");
        assert_eq!(
            AppError::from_query("invalid", None, Some("too_short")),
            Some(AppError::Invalid(Problem::CheckForm))
        );
        assert_eq!(
            AppError::from_query("invalid", None, Some("<script>")),
            Some(AppError::Invalid(Problem::CheckForm))
        );
        assert_eq!(AppError::from_query("<script>", None, None), None);
        assert_eq!(AppError::from_query("throttled", Some("soon"), None), None);
        assert_eq!(
            AppError::from_query("throttled", Some("99999999"), None),
            Some(AppError::Throttled { seconds: 3600 })
        );
    }

    #[test]
    fn every_error_reads_in_both_languages_and_differently() {
        let all = [
            AppError::Internal,
            AppError::Unreachable,
            AppError::BadRequest,
            AppError::NotSignedIn,
            AppError::Forbidden,
            AppError::InvalidCredentials,
            AppError::Throttled { seconds: 5 },
            AppError::Busy { seconds: 5 },
            AppError::BadLink,
            AppError::LastAdmin,
            AppError::Invalid(Problem::PasswordTooShort { min: 14 }),
            AppError::Invalid(Problem::PasswordWeak(WeakBecause::Dates)),
            AppError::Invalid(Problem::TooManyEvents { max: 100_000 }),
            AppError::Invalid(Problem::CheckForm),
            AppError::Unreadable,
            AppError::Invalid(Problem::PnrEmpty),
            AppError::Invalid(Problem::PnrCharacters),
            AppError::Invalid(Problem::PnrLength),
            AppError::Invalid(Problem::PnrSeparator),
            AppError::Invalid(Problem::PnrPlusWithCentury),
            AppError::Invalid(Problem::PnrMonth),
            AppError::Invalid(Problem::PnrDay),
            AppError::Invalid(Problem::PnrFuture),
            AppError::Invalid(Problem::PnrCheckDigit),
            AppError::Invalid(Problem::DuplicatePersonnummer),
            AppError::Invalid(Problem::NoSuchPerson),
            AppError::Invalid(Problem::EmployeeNumber),
            AppError::Invalid(Problem::Gender),
            AppError::Invalid(Problem::UnitName),
            AppError::Invalid(Problem::NoSuchUnit),
            AppError::Invalid(Problem::UnitCycle),
            AppError::Invalid(Problem::UnitTooDeep),
            AppError::Invalid(Problem::UnitNotEmpty),
            AppError::Invalid(Problem::JobTitle),
            AppError::Invalid(Problem::EndBeforeStart),
            AppError::Invalid(Problem::Rate),
            AppError::Invalid(Problem::Salary),
            AppError::Invalid(Problem::OwnManager),
            AppError::Invalid(Problem::NoSuchManager),
            AppError::Invalid(Problem::ManagerCycle),
            AppError::Invalid(Problem::NoSuchEmployment),
            AppError::Invalid(Problem::OwnPerson),
            AppError::Invalid(Problem::ImportNotClean),
            AppError::Invalid(Problem::ImportFile),
            AppError::Invalid(Problem::ImportChanged),
            AppError::Invalid(Problem::ConfirmErase),
            AppError::Invalid(Problem::ErasureMismatch),
            AppError::Invalid(Problem::NoSuchReceipt),
            AppError::Invalid(Problem::RetentionMonths),
            AppError::Invalid(Problem::AccountTaken),
            AppError::Invalid(Problem::NoSuchTalk),
            AppError::Invalid(Problem::NoSuchTemplate),
            AppError::Invalid(Problem::NoSuchRound),
            AppError::Invalid(Problem::ShippedTemplate),
            AppError::Invalid(Problem::TemplateTitle),
            AppError::Invalid(Problem::Question),
            AppError::Invalid(Problem::Scale),
            AppError::Invalid(Problem::TemplateTooLarge),
            AppError::Invalid(Problem::EmptyTemplate),
            AppError::Invalid(Problem::NoSuchItem),
            AppError::Invalid(Problem::RoundDates),
            AppError::Invalid(Problem::RoundTooLarge),
            AppError::Invalid(Problem::TextTooLong),
            AppError::Invalid(Problem::InvalidAnswer),
            AppError::Invalid(Problem::IllegalMove),
            AppError::Invalid(Problem::TalkLocked),
            AppError::Invalid(Problem::SaveConflict),
            AppError::Invalid(Problem::TalkTime),
            AppError::Invalid(Problem::ManagerNotReady),
            AppError::Invalid(Problem::CommentNeeded),
            AppError::Invalid(Problem::TooManyAddenda),
            AppError::Invalid(Problem::NoCurrentManager),
            AppError::Invalid(Problem::NotSignedYet),
            AppError::Invalid(Problem::DuplicateRound),
        ];
        for e in all.clone() {
            let q = e.to_query();
            let param = |k: &str| q.split('&').find_map(|kv| kv.strip_prefix(k).and_then(|r| r.strip_prefix('=')));
            let back = AppError::from_query(param("error").expect("code"), param("wait"), param("why"));
            if !matches!(
                e,
                AppError::Invalid(
                    Problem::PasswordTooShort { .. } | Problem::PasswordWeak(_) | Problem::TooManyEvents { .. }
                ) | AppError::Unreachable
            ) {
                assert_eq!(back, Some(e.clone()), "{q} does not come back");
            }
        }
        for e in all {
            let (sv, en) = (e.message(Lang::Sv), e.message(Lang::En));
            assert!(!sv.is_empty() && !en.is_empty());
            assert_ne!(sv, en, "{e:?} is not translated");
        }
        assert!(AppError::Throttled { seconds: 42 }.message(Lang::Sv).contains("42"));
        assert!(AppError::Invalid(Problem::PasswordTooShort { min: 14 }).message(Lang::En).contains("14"));
    }

    #[test]
    fn transport_failures_read_as_unreachable_not_as_server_faults() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("dns".into()));
        assert_eq!(e, AppError::Unreachable);
        assert!(e.to_string().contains("connection"));
    }

    #[test]
    fn bad_arguments_are_a_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(e, AppError::BadRequest);
    }

    #[test]
    fn internal_errors_leak_no_detail() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("secret path /var/lib/x".into()));
        assert!(!e.to_string().contains("/var/lib"));
    }

    #[test]
    fn only_internal_faults_are_500() {
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Invalid(Problem::BadDate).status(), 400);
        assert_eq!(AppError::BadLink.status(), 400);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::Throttled { seconds: 2 }.status(), 429);
        assert_eq!(AppError::Busy { seconds: 1 }.status(), 503);
        assert_eq!(AppError::Busy { seconds: 1 }.retry_after(), Some(1));
    }

    #[test]
    fn round_trips_as_json() {
        for e in [
            AppError::BadRequest,
            AppError::Busy { seconds: 3 },
            AppError::Invalid(Problem::PasswordTooShort { min: 24 }),
            AppError::Invalid(Problem::TooManyEvents { max: 100_000 }),
            AppError::Invalid(Problem::PasswordWeak(WeakBecause::Dates)),
            AppError::Invalid(Problem::BadTimeZone),
        ] {
            let bytes = e.ser();
            assert_eq!(AppError::de(bytes), e);
        }
        assert_eq!(AppError::de(r#""error=nonsense""#.into()), AppError::Internal);
        // Not even a string: the answer could not be read.
        assert_eq!(AppError::de("{}".into()), AppError::Unreachable);
    }
}
