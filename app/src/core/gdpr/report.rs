//! The records of processing (GDPR Art. 30) for one organisation, as facts Samtal can state
//! about itself: the categories of personal data it holds with their counts, the retention
//! settings, and the keys in use (purposes, versions and states — never a value).
use super::{ledger, retention, GdprError};
use crate::core::{
    crypto::{self, KeyInfo},
    tenancy::{catalog::Catalog, Tenant},
};

#[derive(Debug, Clone)]
pub struct Report {
    pub organisation: String,
    /// (category, what it holds, how many rows)
    pub categories: Vec<(&'static str, &'static str, i64)>,
    pub persons: i64,
    pub employed: i64,
    pub erasures: i64,
    pub retention: retention::Settings,
    pub oldest_event_ms: Option<i64>,
    pub keys: Vec<KeyInfo>,
    /// The logbook's key: pinned in the database (after a master-key rotation) or derived.
    pub logbook_key_pinned: bool,
}

async fn count(tenant: &Tenant, sql: &str) -> Result<i64, GdprError> {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(tenant.db().pool()).await?;
    Ok(n)
}

pub async fn report(tenant: &Tenant, catalog: &Catalog, today: &str) -> Result<Report, GdprError> {
    let mut categories = Vec::new();
    for (name, what, sql) in [
        (
            "identity",
            "personnummer (encrypted, with a keyed blind index), name, e-mail, employee number, gender",
            "SELECT COUNT(*) FROM persons",
        ),
        (
            "employment",
            "unit, job title, manager, dates, employment rate, monthly salary",
            "SELECT COUNT(*) FROM employments",
        ),
        (
            "accounts",
            "e-mail, display name, role, Argon2id password hash, earlier hashes",
            "SELECT COUNT(*) FROM users",
        ),
        ("sessions", "times, IP address, browser (the cookie only as a SHA-256)", "SELECT COUNT(*) FROM sessions"),
        ("talks", "salary and development talks: status, times, round", "SELECT COUNT(*) FROM talks"),
        (
            "talk texts",
            "preparations with self- and manager assessments, notes, agreed actions, comments (encrypted)",
            "SELECT COUNT(*) FROM talk_texts",
        ),
        (
            "private notes",
            "a manager's own notes on a talk (encrypted, for that manager only)",
            "SELECT COUNT(*) FROM talk_private_notes",
        ),
        (
            "addenda",
            "corrections after sign-off, with author and time (encrypted)",
            "SELECT COUNT(*) FROM talk_addenda",
        ),
        ("logbook", "who did what and when: ids, IP address, browser; never content", "SELECT COUNT(*) FROM logbook"),
        (
            "pay statistics remnants",
            "of erased persons: gender, ten-year birth band, unit, months, rate, salary; no identifier",
            "SELECT COUNT(*) FROM remnant_employments",
        ),
    ] {
        categories.push((name, what, count(tenant, sql).await?));
    }
    let persons = categories[0].2;
    let employed = {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT person_id) FROM employments WHERE start_date <= $1 AND (end_date IS NULL OR end_date >= $1)",
        )
        .bind(today)
        .fetch_one(tenant.db().pool())
        .await?;
        n
    };
    let (oldest,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(at_ms) FROM logbook").fetch_one(tenant.db().pool()).await?;
    let keys = crypto::list_keys(tenant.db()).await?;
    let logbook_key_pinned = keys.iter().any(|k| k.purpose == "logbook");
    Ok(Report {
        organisation: tenant.slug().as_str().to_string(),
        categories,
        persons,
        employed,
        erasures: ledger::count(catalog, tenant.slug().as_str()).await?,
        retention: retention::settings(tenant).await?,
        oldest_event_ms: oldest,
        keys,
        logbook_key_pinned,
    })
}
