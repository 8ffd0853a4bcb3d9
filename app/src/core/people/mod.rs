//! The people register: one person record per human being, found by personnummer, which is
//! stored only sealed (envelope encryption) beside its blind index. Everything Samtal holds
//! about a person hangs off this record (ON DELETE CASCADE), so one delete reaches it all.
pub mod access;
pub mod demo;
pub mod employment;
pub mod import;
pub mod org;
pub mod register;

use crate::{
    core::{
        clock::Clock,
        crypto::{self, blind_index, CryptoError, Field, Sealed},
        logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::personnummer::{LegalGender, Personnummer},
};

/// The sealed personnummer column.
pub const PNR: Field = Field { table: "persons", column: "pnr_sealed", id_column: "id" };
/// What the blind index of a personnummer is made as.
const PNR_KIND: &str = "personnummer";

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    #[error("logbook: {0}")]
    Logbook(#[from] logbook::LogbookError),
    #[error("a person with this personal identity number is already registered")]
    DuplicatePersonnummer,
    #[error("a name must be 1 to 100 characters without control characters")]
    InvalidName,
    #[error("that is not a valid e-mail address")]
    InvalidEmail,
    #[error("an employee number is up to 32 letters, digits, - or _")]
    InvalidEmployeeNumber,
    #[error("no such person")]
    NoSuchPerson,
    #[error("a unit's name must be 1 to 100 characters without control characters")]
    InvalidUnitName,
    #[error("no such unit")]
    NoSuchUnit,
    #[error("a unit cannot be placed under itself or one of its own units")]
    UnitCycle,
    #[error("units can be nested at most 32 levels deep")]
    UnitTooDeep,
    #[error("the unit still has units or employments")]
    UnitNotEmpty,
    #[error("a job title must be 1 to 100 characters without control characters")]
    InvalidJobTitle,
    #[error("a date must be a real date written YYYY-MM-DD")]
    InvalidDate,
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("the employment rate must be above 0 and at most 100 %")]
    InvalidRate,
    #[error("the monthly salary must be between 0 and 10 000 000 kr")]
    InvalidSalary,
    #[error("a person cannot be their own manager")]
    OwnManager,
    #[error("the manager is not in the register")]
    NoSuchManager,
    #[error("the manager reports to this person, which would make a circle")]
    ManagerCycle,
    #[error("no such employment")]
    NoSuchEmployment,
    #[error("the file has rows with problems; nothing was imported")]
    ImportNotClean,
    #[error("the file is larger than 4 MB")]
    ImportTooLarge,
    #[error("another account is already linked to this person")]
    AccountTaken,
    #[error("no such account")]
    NoSuchAccount,
    #[error("the operating system's random source failed")]
    Random,
}

/// Gender as the pay-equity survey needs it: from the personnummer unless set by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
    Other,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "female" => Some(Gender::Female),
            "male" => Some(Gender::Male),
            "other" => Some(Gender::Other),
            _ => None,
        }
    }
}

impl From<LegalGender> for Gender {
    fn from(g: LegalGender) -> Self {
        match g {
            LegalGender::Female => Gender::Female,
            LegalGender::Male => Gender::Male,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub personnummer: Personnummer,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    /// `None`: as the personnummer says.
    pub gender: Option<Gender>,
    pub employee_number: Option<String>,
}

pub(crate) fn valid_name(name: &str) -> Result<String, PeopleError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 || len > 100 || name.chars().any(char::is_control) {
        return Err(PeopleError::InvalidName);
    }
    Ok(name.to_string())
}

pub(crate) fn valid_email(email: Option<&str>) -> Result<Option<String>, PeopleError> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) => {
            let ok = e.len() <= 254
                && e.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
                && !e.chars().any(|c| c.is_whitespace() || c.is_control());
            if ok {
                Ok(Some(e.to_string()))
            } else {
                Err(PeopleError::InvalidEmail)
            }
        }
    }
}

/// An employee number as the payroll system writes it: up to 32 letters, digits, `-` or `_`.
pub(crate) fn valid_employee_number(n: Option<&str>) -> Result<Option<String>, PeopleError> {
    match n.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(n) if n.len() <= 32 && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
            Ok(Some(n.to_string()))
        }
        Some(_) => Err(PeopleError::InvalidEmployeeNumber),
    }
}

/// What the list sorts and searches by: "family given", lower-cased (Unicode, so Å and å meet).
pub(crate) fn name_key(given: &str, family: &str) -> String {
    format!("{} {}", family.to_lowercase(), given.to_lowercase())
}

pub(crate) fn new_id() -> Result<String, PeopleError> {
    crate::core::ids::random_id().map_err(|_| PeopleError::Random)
}

/// The blind index of a personnummer in this tenant.
pub async fn pnr_index(tenant: &Tenant, clock: &dyn Clock, pnr: &Personnummer) -> Result<String, PeopleError> {
    Ok(blind_index(tenant, clock, PNR_KIND, &pnr.digits()).await?)
}

/// A new person's row, checked and sealed.
pub(crate) struct PersonRow<'a> {
    pub id: &'a str,
    pub sealed: Sealed<Personnummer>,
    pub index: &'a str,
    pub given: &'a str,
    pub family: &'a str,
    pub email: Option<&'a str>,
    pub number: Option<&'a str>,
    /// `None`: as the personnummer says.
    pub gender: Option<Gender>,
    pub pnr: &'a Personnummer,
    pub now: i64,
}

/// Inserts a person inside `tx` (the one place that writes a `persons` row); a personnummer
/// already registered is [`PeopleError::DuplicatePersonnummer`].
pub(crate) async fn insert_person(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    row: PersonRow<'_>,
) -> Result<(), PeopleError> {
    let (gender, source) = match row.gender {
        Some(g) => (g, "manual"),
        None => (Gender::from(row.pnr.legal_gender()), "personnummer"),
    };
    let inserted = sqlx::query(
        "INSERT INTO persons (id, pnr_sealed, pnr_index, given_name, family_name, name_key, email, gender, \
         gender_source, employee_number, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(row.id)
    .bind(row.sealed.into_bytes())
    .bind(row.index)
    .bind(row.given)
    .bind(row.family)
    .bind(name_key(row.given, row.family))
    .bind(row.email)
    .bind(gender.as_str())
    .bind(source)
    .bind(row.number)
    .bind(row.now)
    .execute(&mut **tx)
    .await;
    match inserted {
        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
            Err(PeopleError::DuplicatePersonnummer)
        }
        other => other.map(|_| ()).map_err(PeopleError::Db),
    }
}

/// Registers a person; logged (ids only). Returns the new person's id.
pub async fn create(tenant: &Tenant, clock: &dyn Clock, actor: Actor, new: &NewPerson) -> Result<String, PeopleError> {
    let given = valid_name(&new.given_name)?;
    let family = valid_name(&new.family_name)?;
    let email = valid_email(new.email.as_deref())?;
    let number = valid_employee_number(new.employee_number.as_deref())?;
    let id = new_id()?;
    let index = pnr_index(tenant, clock, &new.personnummer).await?;
    let sealed: Sealed<Personnummer> = crypto::seal(tenant, clock, PNR.at(&id), &new.personnummer).await?;
    let row = PersonRow {
        id: &id,
        sealed,
        index: &index,
        given: &given,
        family: &family,
        email: email.as_deref(),
        number: number.as_deref(),
        gender: new.gender,
        pnr: &new.personnummer,
        now: clock.now_ms(),
    };
    let mut tx = tenant.db().pool().begin().await?;
    insert_person(&mut tx, row).await?;
    let event = Event::new(actor, Action::PersonCreated, Outcome::Success).target(TargetType::Person, person_id(&id)?);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) fn person_id(id: &str) -> Result<Id, PeopleError> {
    Id::parse(id).map_err(|_| PeopleError::NoSuchPerson)
}

/// The id of the person with this personnummer, by its blind index: no decryption, no scan.
pub async fn find_by_personnummer(
    tenant: &Tenant,
    clock: &dyn Clock,
    pnr: &Personnummer,
) -> Result<Option<String>, PeopleError> {
    let index = pnr_index(tenant, clock, pnr).await?;
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE pnr_index = $1")
        .bind(index)
        .fetch_optional(tenant.db().pool())
        .await?;
    Ok(row.map(|(id,)| id))
}

/// A person's personnummer, decrypted (for the pages that may show it, masked or revealed).
pub async fn personnummer(tenant: &Tenant, id: &str) -> Result<Personnummer, PeopleError> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT pnr_sealed FROM persons WHERE id = $1")
        .bind(id)
        .fetch_optional(tenant.db().pool())
        .await?;
    let (bytes,) = row.ok_or(PeopleError::NoSuchPerson)?;
    Ok(crypto::open(tenant, PNR.at(id), &Sealed::from_stored(bytes)).await?)
}
