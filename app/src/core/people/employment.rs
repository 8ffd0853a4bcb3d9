//! Employments: a person in a unit, with a job title, a manager (a person), dates, an employment
//! rate and a monthly salary. The manager is who the reporting line follows.
use super::{access::below_of, new_id, PeopleError};
use crate::{
    core::{
        clock::Clock,
        logbook::{self, Action, Actor, Event, Id, Origin, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::format::parse_iso_date,
};

/// The highest monthly salary accepted: 10 000 000 kr, far above any, so a slip of the keyboard
/// (an extra zero or three) is caught.
pub const MAX_MONTHLY_SALARY_ORE: i64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentInput {
    pub unit_id: String,
    pub job_title: String,
    pub manager_person_id: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
    pub rate_bp: i64,
    pub monthly_salary_ore: i64,
}

pub(crate) fn valid_title(title: &str) -> Result<String, PeopleError> {
    let t = title.trim();
    let len = t.chars().count();
    if len == 0 || len > 100 || t.chars().any(char::is_control) {
        return Err(PeopleError::InvalidJobTitle);
    }
    Ok(t.to_string())
}

/// Checks an employment on its own (not against the database).
pub(crate) fn check(input: &EmploymentInput) -> Result<EmploymentInput, PeopleError> {
    let job_title = valid_title(&input.job_title)?;
    parse_iso_date(&input.start_date).ok_or(PeopleError::InvalidDate)?;
    let end_date = input.end_date.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    if let Some(end) = &end_date {
        parse_iso_date(end).ok_or(PeopleError::InvalidDate)?;
        if end.as_str() < input.start_date.as_str() {
            return Err(PeopleError::EndBeforeStart);
        }
    }
    if !(1..=10_000).contains(&input.rate_bp) {
        return Err(PeopleError::InvalidRate);
    }
    if !(0..=MAX_MONTHLY_SALARY_ORE).contains(&input.monthly_salary_ore) {
        return Err(PeopleError::InvalidSalary);
    }
    Ok(EmploymentInput { job_title, end_date, ..input.clone() })
}

/// The manager must be another registered person and must not report to `person` (that would
/// make the reporting line a circle). Checked inside the write's transaction after its logbook
/// append, which takes the logbook head's lock first: two edits of the register run one after
/// the other, so two at once cannot close a circle between them.
async fn check_manager(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    person: &str,
    manager: Option<&str>,
    today: &str,
) -> Result<(), PeopleError> {
    let Some(manager) = manager else { return Ok(()) };
    if manager == person {
        return Err(PeopleError::OwnManager);
    }
    let (found,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM persons WHERE id = $1").bind(manager).fetch_one(&mut **tx).await?;
    if found == 0 {
        return Err(PeopleError::NoSuchManager);
    }
    if below_of(tx, person, today).await?.contains(manager) {
        return Err(PeopleError::ManagerCycle);
    }
    Ok(())
}

fn employment_id(id: &str) -> Result<Id, PeopleError> {
    Id::parse(id).map_err(|_| PeopleError::NoSuchEmployment)
}

fn unit_or(e: sqlx::Error) -> PeopleError {
    // A foreign key that does not hold can only be the unit here (person and manager are checked).
    match e.as_database_error() {
        Some(d) if d.is_foreign_key_violation() => PeopleError::NoSuchUnit,
        _ => PeopleError::Db(e),
    }
}

/// Adds an employment to `person`; returns its id.
pub async fn add(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    person: &str,
    input: &EmploymentInput,
) -> Result<String, PeopleError> {
    let input = check(input)?;
    let today = crate::model::format::iso_date(clock.now_ms() / 1000);
    let id = new_id()?;
    let mut tx = tenant.db().pool().begin().await?;
    let event = Event::new(actor, Action::EmploymentCreated, Outcome::Success)
        .target(TargetType::Employment, employment_id(&id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    check_manager(&mut tx, person, input.manager_person_id.as_deref(), &today).await?;
    insert(&mut tx, clock, person, &id, &input).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    clock: &dyn Clock,
    person: &str,
    id: &str,
    input: &EmploymentInput,
) -> Result<(), PeopleError> {
    sqlx::query(
        "INSERT INTO employments (id, person_id, unit_id, job_title, manager_person_id, start_date, end_date, \
         rate_bp, monthly_salary_ore, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id)
    .bind(person)
    .bind(&input.unit_id)
    .bind(&input.job_title)
    .bind(&input.manager_person_id)
    .bind(&input.start_date)
    .bind(&input.end_date)
    .bind(input.rate_bp)
    .bind(input.monthly_salary_ore)
    .bind(clock.now_ms())
    .execute(&mut **tx)
    .await
    .map_err(unit_or)?;
    Ok(())
}

/// The person an employment belongs to (for the guard).
pub async fn owner(tenant: &Tenant, id: &str) -> Result<String, PeopleError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT person_id FROM employments WHERE id = $1")
        .bind(id)
        .fetch_optional(tenant.db().pool())
        .await?;
    row.map(|(p,)| p).ok_or(PeopleError::NoSuchEmployment)
}

pub async fn change(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
    input: &EmploymentInput,
) -> Result<(), PeopleError> {
    let input = check(input)?;
    let person = owner(tenant, id).await?;
    let today = crate::model::format::iso_date(clock.now_ms() / 1000);
    let mut tx = tenant.db().pool().begin().await?;
    let event = Event::new(actor, Action::EmploymentChanged, Outcome::Success)
        .target(TargetType::Employment, employment_id(id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    check_manager(&mut tx, &person, input.manager_person_id.as_deref(), &today).await?;
    update(&mut tx, clock, id, &input).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn update(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    clock: &dyn Clock,
    id: &str,
    input: &EmploymentInput,
) -> Result<(), PeopleError> {
    let done = sqlx::query(
        "UPDATE employments SET unit_id = $1, job_title = $2, manager_person_id = $3, start_date = $4, \
         end_date = $5, rate_bp = $6, monthly_salary_ore = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&input.unit_id)
    .bind(&input.job_title)
    .bind(&input.manager_person_id)
    .bind(&input.start_date)
    .bind(&input.end_date)
    .bind(input.rate_bp)
    .bind(input.monthly_salary_ore)
    .bind(clock.now_ms())
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(unit_or)?;
    if done.rows_affected() != 1 {
        return Err(PeopleError::NoSuchEmployment);
    }
    Ok(())
}

pub async fn delete(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
) -> Result<(), PeopleError> {
    let mut tx = tenant.db().pool().begin().await?;
    let done = sqlx::query("DELETE FROM employments WHERE id = $1").bind(id).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(PeopleError::NoSuchEmployment);
    }
    let event = Event::new(actor, Action::EmploymentDeleted, Outcome::Success)
        .target(TargetType::Employment, employment_id(id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(())
}
