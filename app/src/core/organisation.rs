//! The organisation's profile, stored in the tenant's own database.
use sqlx::{Any, Transaction};

use crate::model::lang::Lang;

use crate::core::{
    clock::{now_ms, Clock},
    db::DbError,
    logbook::{self, Action, Actor, Event, Id, LogbookError, Outcome, TargetType},
    tenancy::Tenant,
};

#[derive(Debug, thiserror::Error)]
pub enum OrganisationError {
    #[error("the name must be 1 to 200 characters without control characters")]
    Name,
    #[error("the minimum password length must be 12 to 64 characters")]
    MinPasswordLen,
    #[error("not a time zone this build knows")]
    TimeZone,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Logbook(#[from] LogbookError),
}

/// Renames the organisation and logs it, in one transaction: no rename without its event.
pub async fn rename(tenant: &Tenant, actor: Actor, clock: &dyn Clock, name: &str) -> Result<(), OrganisationError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(OrganisationError::Name);
    }
    let mut tx = tenant.db().pool().begin().await.map_err(DbError::from)?;
    set_name_in(&mut tx, name).await?;
    let event = Event::new(actor, Action::OrganisationRenamed, Outcome::Success)
        .target(TargetType::Organisation, Id::from_seq(1));
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// The organisation's time zone when none is set (and when a stored name is not a zone).
pub const DEFAULT_TIME_ZONE: &str = "Europe/Stockholm";

/// What every page's frame shows, in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// An IANA name; [`DEFAULT_TIME_ZONE`] when unset.
    pub time_zone: String,
    pub language: Lang,
}

pub async fn profile(tenant: &Tenant) -> Result<Option<Profile>, DbError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT name, time_zone, language FROM organisation WHERE id = 1")
            .fetch_optional(tenant.db().pool())
            .await?;
    Ok(row.map(|(name, time_zone, language)| Profile {
        name,
        time_zone,
        language: Lang::parse(&language).unwrap_or_default(),
    }))
}

/// The organisation's time zone ([`DEFAULT_TIME_ZONE`] when none is set).
pub async fn time_zone(tenant: &Tenant) -> Result<String, DbError> {
    Ok(profile(tenant).await?.map(|p| p.time_zone).unwrap_or_else(|| DEFAULT_TIME_ZONE.into()))
}

/// Whether `zone` is a time zone this build knows (its own copy of the IANA database).
pub fn is_time_zone(zone: &str) -> bool {
    zone.len() <= 64 && jiff::tz::db().get(zone).is_ok()
}

/// The zones an admin can pick from: the IANA database's `Area/City` names, sorted.
pub fn time_zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.to_string())
        .filter(|n| {
            n == "UTC"
                || [
                    "Africa/",
                    "America/",
                    "Antarctica/",
                    "Asia/",
                    "Atlantic/",
                    "Australia/",
                    "Europe/",
                    "Indian/",
                    "Pacific/",
                ]
                .iter()
                .any(|area| n.starts_with(area))
        })
        .collect();
    zones.sort();
    zones
}

/// Sets the default language and the time zone and logs it, in one transaction.
pub async fn set_settings(
    tenant: &Tenant,
    actor: Actor,
    clock: &dyn Clock,
    language: Lang,
    time_zone: &str,
) -> Result<(), OrganisationError> {
    if !is_time_zone(time_zone) {
        return Err(OrganisationError::TimeZone);
    }
    let mut tx = tenant.db().pool().begin().await.map_err(DbError::from)?;
    sqlx::query("UPDATE organisation SET language = $1, time_zone = $2 WHERE id = 1")
        .bind(language.code())
        .bind(time_zone)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    let event = Event::new(actor, Action::OrganisationSettingsChanged, Outcome::Success)
        .target(TargetType::Organisation, Id::from_seq(1));
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Every page's frame reads the profile; it changes a few times a year. Kept per process for a
/// few seconds so a page costs no query for it: a change made here shows at once (the setter
/// forgets the entry), one made by another process or the CLI within [`ProfileCache::TTL`].
/// Bounded: at most [`ProfileCache::MAX`] organisations, emptied when full.
#[derive(Debug, Default)]
pub struct ProfileCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, Profile)>>,
    /// Bumped by every `forget`: a read that began before a change must not store what it read.
    generation: std::sync::atomic::AtomicU64,
}

impl ProfileCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(5);
    pub const MAX: usize = 4096;

    /// The profile of `tenant`, from memory when it is fresh, else from its database.
    pub async fn get(&self, tenant: &Tenant) -> Result<Option<Profile>, DbError> {
        let slug = tenant.slug().as_str();
        if let Some((at, p)) = self.lock().get(slug) {
            if at.elapsed() < Self::TTL {
                return Ok(Some(p.clone()));
            }
        }
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let profile = profile(tenant).await?;
        if let Some(p) = &profile {
            let mut entries = self.lock();
            if self.generation.load(std::sync::atomic::Ordering::SeqCst) != generation {
                return Ok(profile);
            }
            if entries.len() >= Self::MAX {
                entries.clear();
            }
            entries.insert(slug.to_string(), (std::time::Instant::now(), p.clone()));
        }
        Ok(profile)
    }

    /// Drops what is kept for `tenant`, after a change.
    pub fn forget(&self, tenant: &Tenant) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        entries.remove(tenant.slug().as_str());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (std::time::Instant, Profile)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub async fn name(tenant: &Tenant) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisation WHERE id = 1").fetch_optional(tenant.db().pool()).await?)
}

/// Sets the name inside the caller's transaction (which also logs it).
pub async fn set_name_in(tx: &mut Transaction<'static, Any>, name: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO organisation (id, name, created_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    )
    .bind(name)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The longest minimum an admin may set: the policy's maximum length is 128, and a minimum
/// above 64 would mostly lock people out of the password managers' defaults.
pub const MAX_MIN_PASSWORD_LEN: usize = 64;

/// The organisation's minimum password length (never below the product floor of 12).
pub async fn min_password_len(tenant: &Tenant) -> Result<usize, DbError> {
    let n: Option<i64> = sqlx::query_scalar("SELECT min_password_len FROM organisation WHERE id = 1")
        .fetch_optional(tenant.db().pool())
        .await?;
    let floor = crate::model::auth::MIN_PASSWORD_LEN;
    Ok(n.map_or(floor, |n| usize::try_from(n).unwrap_or(floor)).max(floor))
}

/// Sets the minimum password length (12–64) and logs it in one transaction. Existing passwords
/// stay valid; the new minimum applies to the next password anyone sets.
pub async fn set_min_password_len(
    tenant: &Tenant,
    actor: Actor,
    clock: &dyn Clock,
    len: usize,
) -> Result<(), OrganisationError> {
    if !(crate::model::auth::MIN_PASSWORD_LEN..=MAX_MIN_PASSWORD_LEN).contains(&len) {
        return Err(OrganisationError::MinPasswordLen);
    }
    let mut tx = tenant.db().pool().begin().await.map_err(DbError::from)?;
    let n = i64::try_from(len).map_err(|_| OrganisationError::MinPasswordLen)?;
    sqlx::query("UPDATE organisation SET min_password_len = $1 WHERE id = 1")
        .bind(n)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    let event = Event::new(actor, Action::PasswordPolicyChanged, Outcome::Success)
        .target(TargetType::Organisation, Id::from_seq(1));
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
