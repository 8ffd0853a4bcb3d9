//! The people register's server functions: the list and search, a person's record, its edits,
//! the org-unit tree, employments and the CSV import. Each authorizes through the one guard
//! (`api::require`, `api::require_person`) before it touches the register.
mod add_employment;
mod change_employment;
mod change_unit;
mod create_person;
mod create_unit;
mod delete_employment;
mod delete_unit;
mod erase_person;
mod find_person;
mod import_people;
mod link_account;
mod list_people;
mod manager_choices;
mod org_units;
mod person_detail;
mod reveal_personnummer;
mod search_people;
mod update_person;
pub use add_employment::*;
pub use change_employment::*;
pub use change_unit::*;
pub use create_person::*;
pub use create_unit::*;
pub use delete_employment::*;
pub use delete_unit::*;
pub use erase_person::*;
pub use find_person::*;
pub use import_people::*;
pub use link_account::*;
pub use list_people::*;
pub use manager_choices::*;
pub use org_units::*;
pub use person_detail::*;
pub use reveal_personnummer::*;
pub use search_people::*;
pub use update_person::*;

/// The cookie that carries a people-list name search across the redirect and the pages after
/// it (sealed, for this account and session only): names stay out of addresses and logs.
pub const SEARCH_COOKIE: &str = "samtal_people_search";
/// How long a name search stays in force.
pub const SEARCH_MAX_AGE: i64 = 30 * 60;

#[cfg(feature = "ssr")]
pub(crate) use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use crate::{
        core::people::PeopleError,
        error::{AppError, Problem},
        model::personnummer::PersonnummerError,
    };

    /// A personnummer typed to confirm an erasure or an export: required, and a valid one.
    pub(crate) fn confirming_personnummer(typed: &str) -> Result<crate::model::personnummer::Personnummer, AppError> {
        use crate::{
            core::clock::{Clock, SystemClock},
            model::personnummer::{Day, Personnummer},
        };
        if typed.trim().is_empty() {
            return Err(AppError::Invalid(Problem::ConfirmErase));
        }
        let today = Day::from_unix(SystemClock.now_ms() / 1000);
        Personnummer::parse(typed, today).map_err(|e| AppError::Invalid(pnr_problem(e)))
    }

    pub(crate) fn pnr_problem(e: PersonnummerError) -> Problem {
        match e {
            PersonnummerError::Empty => Problem::PnrEmpty,
            PersonnummerError::Characters => Problem::PnrCharacters,
            PersonnummerError::Length => Problem::PnrLength,
            PersonnummerError::Separator => Problem::PnrSeparator,
            PersonnummerError::PlusWithCentury => Problem::PnrPlusWithCentury,
            PersonnummerError::Month => Problem::PnrMonth,
            PersonnummerError::Day => Problem::PnrDay,
            PersonnummerError::Future => Problem::PnrFuture,
            PersonnummerError::CheckDigit => Problem::PnrCheckDigit,
        }
    }

    /// The register's refusals in words; its faults as internal errors (logged, never shown).
    pub(crate) fn people_error(e: PeopleError) -> AppError {
        use PeopleError as E;
        let p = match e {
            E::DuplicatePersonnummer => Problem::DuplicatePersonnummer,
            E::InvalidName => Problem::InvalidName,
            E::InvalidEmail => Problem::InvalidEmail,
            E::InvalidEmployeeNumber => Problem::EmployeeNumber,
            E::NoSuchPerson => Problem::NoSuchPerson,
            E::InvalidUnitName => Problem::UnitName,
            E::NoSuchUnit => Problem::NoSuchUnit,
            E::UnitCycle => Problem::UnitCycle,
            E::UnitTooDeep => Problem::UnitTooDeep,
            E::UnitNotEmpty => Problem::UnitNotEmpty,
            E::InvalidJobTitle => Problem::JobTitle,
            E::InvalidDate => Problem::BadDate,
            E::EndBeforeStart => Problem::EndBeforeStart,
            E::InvalidRate => Problem::Rate,
            E::InvalidSalary => Problem::Salary,
            E::OwnManager => Problem::OwnManager,
            E::NoSuchManager => Problem::NoSuchManager,
            E::ManagerCycle => Problem::ManagerCycle,
            E::NoSuchEmployment => Problem::NoSuchEmployment,
            E::ImportNotClean => Problem::ImportNotClean,
            E::ImportTooLarge => Problem::ImportFile,
            E::AccountTaken => Problem::AccountTaken,
            E::NoSuchAccount => Problem::NoSuchAccount,
            E::Crypto(c) if c.is_unreadable() => return AppError::Unreadable,
            other => return super::super::internal(other),
        };
        AppError::Invalid(p)
    }

    /// Today (UTC) as `YYYY-MM-DD`, for what "current" means in the register.
    pub(crate) fn today() -> String {
        use crate::core::clock::{Clock, SystemClock};
        crate::model::format::iso_date(SystemClock.now_ms() / 1000)
    }

    /// A person's id, or "no such person".
    pub(crate) fn checked_id(id: &str) -> Result<&str, AppError> {
        crate::api::checked_id(id, Problem::NoSuchPerson)
    }

    /// An employment as a form sends it, checked into the register's terms.
    pub(crate) fn employment_input(
        unit_id: String,
        job_title: String,
        manager_id: Option<String>,
        start_date: String,
        end_date: Option<String>,
        rate: &str,
        monthly_salary: &str,
    ) -> Result<crate::core::people::employment::EmploymentInput, AppError> {
        use crate::model::format::{parse_percent, parse_sek};
        Ok(crate::core::people::employment::EmploymentInput {
            unit_id,
            job_title,
            manager_person_id: blank_to_none(manager_id),
            start_date: start_date.trim().to_string(),
            end_date: blank_to_none(end_date),
            rate_bp: parse_percent(rate).ok_or(AppError::Invalid(Problem::Rate))?,
            monthly_salary_ore: parse_sek(monthly_salary).ok_or(AppError::Invalid(Problem::Salary))?,
        })
    }

    pub(crate) fn blank_to_none(s: Option<String>) -> Option<String> {
        s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }

    pub(crate) fn gender_choice(g: Option<String>) -> Result<Option<crate::core::people::Gender>, AppError> {
        match blank_to_none(g) {
            None => Ok(None),
            Some(g) => crate::core::people::Gender::parse(&g).map(Some).ok_or(AppError::Invalid(Problem::Gender)),
        }
    }

    /// The unread sealed values this request shows: when one cannot be opened, it is logged
    /// (ids only) and the page says so in words.
    pub(crate) async fn log_unreadable(
        tenant: &crate::core::tenancy::Tenant,
        user: &crate::core::auth::users::User,
        id: &str,
    ) {
        use crate::core::{clock::SystemClock, crypto, logbook};
        if let Ok(id) = logbook::Id::parse(id) {
            if let Err(e) =
                crypto::record_unreadable(tenant, &SystemClock, user.actor(), logbook::TargetType::Person, id).await
            {
                tracing::error!(error = %e, "could not log an unreadable field");
            }
        }
    }
}
