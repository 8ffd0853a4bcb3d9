//! Retention (GDPR Art. 5(1)(e)): the organisation keeps a person's data for a set number of
//! months after their last employment ends (default 24). Who is past it is listed for the
//! admin; if the organisation turns automatic erasure on, the daily job erases them, each with a
//! receipt (`reason: retention`, by the system). The check is made again inside each erasure's
//! transaction, so someone employed again meanwhile is kept.
use serde::{Deserialize, Serialize};

use super::GdprError;
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
    tenancy::{catalog::Catalog, Tenant},
};

pub const DEFAULT_MONTHS: i64 = 24;
/// Ten years: longer than any Swedish rule asks an employer to keep employment records.
pub const MAX_MONTHS: i64 = 120;
/// The most people one listing shows, and one daily run erases (the rest the next day).
pub const MAX_DUE: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub months: i64,
    pub auto_erase: bool,
}

pub async fn settings(tenant: &Tenant) -> Result<Settings, GdprError> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT retention_months, auto_erase FROM organisation WHERE id = 1")
        .fetch_optional(tenant.db().pool())
        .await?;
    Ok(row
        .map(|(months, auto)| Settings { months, auto_erase: auto != 0 })
        .unwrap_or(Settings { months: DEFAULT_MONTHS, auto_erase: false }))
}

/// Sets them and logs it, in one transaction; months outside 1..=[`MAX_MONTHS`] are refused.
pub async fn set(tenant: &Tenant, clock: &dyn Clock, actor: Actor, s: Settings) -> Result<(), GdprError> {
    if !(1..=MAX_MONTHS).contains(&s.months) {
        return Err(GdprError::RetentionMonths);
    }
    let mut tx = tenant.db().pool().begin().await?;
    let event = Event::new(actor, Action::OrganisationSettingsChanged, Outcome::Success)
        .target(TargetType::Organisation, Id::from_seq(1));
    logbook::append(&mut tx, tenant, clock, &event).await?;
    sqlx::query("UPDATE organisation SET retention_months = $1, auto_erase = $2 WHERE id = 1")
        .bind(s.months)
        .bind(i64::from(s.auto_erase))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `YYYY-MM-DD` `months` months before `date` (the day kept where the month has it, else the
/// month's last day).
pub fn months_before(date: &str, months: i64) -> Option<String> {
    let (y, rest) = date.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let total = y * 12 + (m - 1) - months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let last = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some(format!("{y:04}-{m:02}-{:02}", d.min(last)))
}

/// Someone past the retention period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub person_id: String,
    pub name: String,
    /// The last employment's end date.
    pub ended: String,
    /// Linked to an active admin account: listed, never erased automatically (an organisation
    /// must not lose its admins to a job).
    pub admin: bool,
}

/// Whose every employment ended before `cutoff` (none current or to come on `today`). One
/// condition, used by the listing and again inside each erasure.
const DUE_WHERE: &str = "HAVING SUM(CASE WHEN e.end_date IS NULL OR e.end_date >= $1 THEN 1 ELSE 0 END) = 0 \
     AND MAX(e.end_date) < $2";

/// Who is past the retention period on `today` (oldest first, at most [`MAX_DUE`]).
pub async fn due(tenant: &Tenant, today: &str) -> Result<Vec<Due>, GdprError> {
    let s = settings(tenant).await?;
    let cutoff = months_before(today, s.months).ok_or(GdprError::RetentionMonths)?;
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT p.id, p.given_name, p.family_name, MAX(e.end_date), \
         (SELECT COUNT(*) FROM users u WHERE u.person_id = p.id AND u.role = 'admin' AND u.status = 'active') \
         FROM persons p JOIN employments e ON e.person_id = p.id GROUP BY p.id, p.given_name, p.family_name \
         {DUE_WHERE} ORDER BY MAX(e.end_date), p.id LIMIT {MAX_DUE}"
    ))
    .bind(today)
    .bind(&cutoff)
    .fetch_all(tenant.db().pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(person_id, given, family, ended, admins)| Due {
            person_id,
            name: format!("{given} {family}"),
            ended,
            admin: admins > 0,
        })
        .collect())
}

/// Inside an erasure's transaction: whether `person_id` is still past the period and not an
/// active admin (either may have changed since the listing).
pub(super) async fn still_due(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    person_id: &str,
    today: &str,
    cutoff: &str,
) -> Result<bool, GdprError> {
    let row: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT p.id FROM persons p JOIN employments e ON e.person_id = p.id WHERE p.id = $3 AND NOT EXISTS \
         (SELECT 1 FROM users u WHERE u.person_id = p.id AND u.role = 'admin' AND u.status = 'active') \
         GROUP BY p.id {DUE_WHERE}"
    ))
    .bind(today)
    .bind(cutoff)
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// The daily run for one organisation: with automatic erasure on, erases everyone past the
/// period (not admins), each with a receipt; returns how many. Off: nothing.
pub async fn run(tenant: &Tenant, catalog: &Catalog, clock: &dyn Clock, today: &str) -> Result<usize, GdprError> {
    let s = settings(tenant).await?;
    if !s.auto_erase {
        return Ok(0);
    }
    let cutoff = months_before(today, s.months).ok_or(GdprError::RetentionMonths)?;
    let mut erased = 0;
    for d in due(tenant, today).await?.into_iter().filter(|d| !d.admin) {
        match super::erase::erase_past_retention(tenant, catalog, clock, &d.person_id, today, &cutoff).await {
            Ok(_) => erased += 1,
            // Employed again, made an admin, or erased by someone else meanwhile.
            Err(GdprError::NoSuchPerson | GdprError::NotDue) => {}
            // One person's fault (an unreadable record, say) must not stop everyone else's
            // erasure every day: logged by id, tried again tomorrow.
            Err(e) => {
                tracing::error!(tenant = %tenant.slug(), person = %d.person_id, error = %e, "retention: erasure failed")
            }
        }
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::months_before;

    #[test]
    fn months_are_counted_back_on_the_calendar() {
        assert_eq!(months_before("2026-12-04", 24).as_deref(), Some("2024-12-04"));
        assert_eq!(months_before("2026-03-31", 1).as_deref(), Some("2026-02-28"));
        assert_eq!(months_before("2024-03-31", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(months_before("2026-01-15", 13).as_deref(), Some("2024-12-15"));
        assert_eq!(months_before("garbage", 1), None);
    }
}
