//! Erasure (GDPR Art. 17): one transaction deletes the person and, through the person chain
//! (ON DELETE CASCADE), everything about them — employments, talks and their texts, private
//! notes, the account with its sessions and links — and keeps for the pay statistics only an
//! anonymous remnant (gender, ten-year birth band, and per employment the unit, months, rate
//! and salary). The logbook keeps its events; the person's id in them resolves to no one.
//!
//! The ledger entry is written to the catalog just before the tenant's transaction commits, and
//! taken back if the commit fails. A crash between the two leaves an entry for an erasure that
//! did not happen: the next replay completes it, which is what the admin asked for. The other
//! order could leave a committed erasure unrecorded, and a restore would bring the person back.
use sqlx::{Any, Transaction};

use super::{holdings::holdings_on, ledger, new_id, receipt, GdprError, Holdings, Receipt};
use crate::{
    core::{
        clock::Clock,
        crypto::{self, Sealed},
        logbook::{self, Action, Actor, Event, Id, Origin, Outcome, TargetType},
        people::{self, PNR},
        tenancy::{catalog::Catalog, Tenant},
    },
    model::personnummer::Personnummer,
};

fn log_id(id: &str) -> Result<Id, GdprError> {
    Id::parse(id).map_err(|_| GdprError::NoSuchPerson)
}

/// The first year of the ten-year band `year` is in.
pub fn birth_band(year: u16) -> i64 {
    i64::from(year / 10 * 10)
}

/// Erases `person_id`, confirmed by their personnummer typed again (its blind index must be the
/// person's), and returns the signed receipt, which is also in the ledger.
pub async fn erase(
    tenant: &Tenant,
    catalog: &Catalog,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    person_id: &str,
    typed: &Personnummer,
) -> Result<Receipt, GdprError> {
    let index = people::pnr_index(tenant, clock, typed).await?;
    let event = Event::new(actor.clone(), Action::PersonErased, Outcome::Success)
        .target(TargetType::Person, log_id(person_id)?)
        .origin(origin.clone());
    let mut tx = tenant.db().pool().begin().await?;
    // First, so the write lock is taken before anything is read (as every writer does).
    logbook::append(&mut tx, tenant, clock, &event).await?;
    let row: Option<(String, String)> = sqlx::query_as("SELECT pnr_index, gender FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (stored, gender) = row.ok_or(GdprError::NoSuchPerson)?;
    if stored != index {
        drop(tx);
        return Err(super::wrong_number(tenant, clock, actor, origin, Action::PersonErased, person_id).await);
    }
    let gone = Gone { person_id, gender: &gender, birth_year: typed.year(), index, reason: "request" };
    finish(tenant, catalog, clock, tx, &actor, gone).await
}

/// The retention job's erasure of someone past the period (by the system, `reason:
/// retention`): checked again inside the transaction, so someone employed again meanwhile is
/// kept ([`GdprError::NotDue`]).
pub(super) async fn erase_past_retention(
    tenant: &Tenant,
    catalog: &Catalog,
    clock: &dyn Clock,
    person_id: &str,
    today: &str,
    cutoff: &str,
) -> Result<Receipt, GdprError> {
    let row: Option<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT pnr_index, gender, pnr_sealed FROM persons WHERE id = $1")
            .bind(person_id)
            .fetch_optional(tenant.db().pool())
            .await?;
    let (index, gender, sealed) = row.ok_or(GdprError::NoSuchPerson)?;
    let pnr: Personnummer = crypto::open(tenant, PNR.at(person_id), &Sealed::from_stored(sealed)).await?;
    let event = Event::new(Actor::System, Action::PersonErased, Outcome::Success)
        .target(TargetType::Person, log_id(person_id)?);
    let mut tx = tenant.db().pool().begin().await?;
    logbook::append(&mut tx, tenant, clock, &event).await?;
    if !super::retention::still_due(&mut tx, person_id, today, cutoff).await? {
        return Err(GdprError::NotDue);
    }
    let gone = Gone { person_id, gender: &gender, birth_year: pnr.year(), index, reason: "retention" };
    finish(tenant, catalog, clock, tx, &Actor::System, gone).await
}

/// Who is being erased, and why.
struct Gone<'a> {
    person_id: &'a str,
    gender: &'a str,
    birth_year: u16,
    index: String,
    reason: &'static str,
}

/// The rest of an erasure, inside `tx` (its event already appended): the remnant, the delete,
/// the receipt into the ledger, the commit.
async fn finish(
    tenant: &Tenant,
    catalog: &Catalog,
    clock: &dyn Clock,
    mut tx: Transaction<'static, Any>,
    actor: &Actor,
    gone: Gone<'_>,
) -> Result<Receipt, GdprError> {
    let held = erase_in(&mut tx, gone.person_id, gone.gender, gone.birth_year).await?;
    let now = clock.now_ms();
    let mut r = Receipt {
        kind: receipt::KIND.into(),
        version: receipt::VERSION,
        id: new_id()?,
        organisation: tenant.slug().as_str().to_string(),
        erased_at: receipt::rfc3339(now),
        erased_by: actor.encode(),
        reason: gone.reason.into(),
        person_id: gone.person_id.to_string(),
        personnummer_index: gone.index,
        erased: held.erased().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        kept: held.kept().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        mac: None,
    };
    r.sign(tenant)?;
    let slug = tenant.slug().as_str();
    ledger::record(catalog, slug, &r, now).await?;
    if let Err(e) = tx.commit().await {
        // A failed COMMIT can still have committed (a connection lost on its way back): the
        // entry is taken back only when the person is certainly still there.
        let still: Result<Option<(String,)>, _> = sqlx::query_as("SELECT id FROM persons WHERE id = $1")
            .bind(gone.person_id)
            .fetch_optional(tenant.db().pool())
            .await;
        if matches!(still, Ok(Some(_))) {
            if let Err(undo) = ledger::forget(catalog, slug, &r.id).await {
                tracing::error!(error = %undo, receipt = %r.id, "an erasure did not commit and its ledger entry stays; the next replay completes it");
            }
        }
        return Err(e.into());
    }
    Ok(r)
}

/// Inside the erasure's transaction: counts what is held, keeps the remnant, deletes the person.
async fn erase_in(
    tx: &mut Transaction<'static, Any>,
    person_id: &str,
    gender: &str,
    birth_year: u16,
) -> Result<Holdings, GdprError> {
    let held = holdings_on(&mut *tx, person_id).await?;
    let employments: Vec<(String, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT unit_id, start_date, end_date, rate_bp, monthly_salary_ore FROM employments \
         WHERE person_id = $1 ORDER BY start_date, id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    // Someone never employed leaves nothing for the pay statistics, so nothing stays.
    if !employments.is_empty() {
        let remnant = new_id()?;
        sqlx::query("INSERT INTO person_remnants (id, gender, birth_band) VALUES ($1, $2, $3)")
            .bind(&remnant)
            .bind(gender)
            .bind(birth_band(birth_year))
            .execute(&mut **tx)
            .await?;
        for (unit, start, end, rate, salary) in employments {
            sqlx::query(
                "INSERT INTO remnant_employments (id, remnant_id, unit_id, start_month, end_month, rate_bp, \
                 monthly_salary_ore) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id()?)
            .bind(&remnant)
            .bind(unit)
            .bind(month(&start))
            .bind(end.as_deref().map(month))
            .bind(rate)
            .bind(salary)
            .execute(&mut **tx)
            .await?;
        }
    }
    let done = sqlx::query("DELETE FROM persons WHERE id = $1").bind(person_id).execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        return Err(GdprError::NoSuchPerson);
    }
    Ok(held)
}

/// `YYYY-MM` of a `YYYY-MM-DD` date.
fn month(date: &str) -> String {
    date.get(..7).unwrap_or(date).to_string()
}

/// What a replay found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Erasures in the ledger.
    pub recorded: usize,
    /// Of them, the persons this database still held, erased again now.
    pub erased_again: Vec<String>,
}

/// Erases again every person the ledger lists as erased that this database still holds — as
/// after a restore from a backup taken before their erasure. By person id, never by
/// personnummer: someone erased and registered again later is a new person with a new id, and a
/// backup taken after that holds them rightly. Each re-erasure is logged as done by the system.
pub async fn replay(tenant: &Tenant, catalog: &Catalog, clock: &dyn Clock) -> Result<Replayed, GdprError> {
    let entries = ledger::list(catalog, tenant.slug().as_str()).await?;
    let mut out = Replayed { recorded: entries.len(), erased_again: Vec::new() };
    for e in entries {
        let row: Option<(String, Vec<u8>)> = sqlx::query_as("SELECT gender, pnr_sealed FROM persons WHERE id = $1")
            .bind(&e.person_id)
            .fetch_optional(tenant.db().pool())
            .await?;
        let Some((gender, sealed)) = row else { continue };
        let pnr: Personnummer = crypto::open(tenant, PNR.at(&e.person_id), &Sealed::from_stored(sealed)).await?;
        let event = Event::new(Actor::System, Action::PersonErasureReplayed, Outcome::Success)
            .target(TargetType::Person, log_id(&e.person_id)?);
        let mut tx = tenant.db().pool().begin().await?;
        logbook::append(&mut tx, tenant, clock, &event).await?;
        erase_in(&mut tx, &e.person_id, &gender, pnr.year()).await?;
        tx.commit().await?;
        out.erased_again.push(e.person_id);
    }
    Ok(out)
}
