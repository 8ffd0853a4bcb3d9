//! The erasure ledger, in the catalog: one row per erasure, with the person's id, the blind
//! index of their personnummer and the signed receipt. A tenant's database can be restored from
//! an earlier backup; the catalog's ledger is not rolled back with it, so [`super::replay`]
//! can erase again whoever the restored database brings back.
use super::{GdprError, Receipt};
use crate::core::tenancy::catalog::Catalog;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub person_id: String,
    pub pnr_index: String,
    pub erased_at: i64,
    pub receipt: String,
}

type Row = (String, String, String, i64, String);

fn entry((id, person_id, pnr_index, erased_at, receipt): Row) -> Entry {
    Entry { id, person_id, pnr_index, erased_at, receipt }
}

const COLUMNS: &str = "id, person_id, pnr_index, erased_at, receipt";

/// Records an erasure before its transaction commits (see [`super::erase`] for why).
pub async fn record(catalog: &Catalog, tenant: &str, r: &Receipt, erased_at: i64) -> Result<(), GdprError> {
    sqlx::query(
        "INSERT INTO erasure_ledger (id, tenant, person_id, pnr_index, erased_at, receipt) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&r.id)
    .bind(tenant)
    .bind(&r.person_id)
    .bind(&r.personnummer_index)
    .bind(erased_at)
    .bind(r.to_json())
    .execute(catalog.db().pool())
    .await
    .map_err(GdprError::Ledger)?;
    Ok(())
}

/// Takes back an entry whose erasure did not commit.
pub async fn forget(catalog: &Catalog, tenant: &str, id: &str) -> Result<(), GdprError> {
    sqlx::query("DELETE FROM erasure_ledger WHERE tenant = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(catalog.db().pool())
        .await
        .map_err(GdprError::Ledger)?;
    Ok(())
}

/// The tenant's erasures, oldest first.
pub async fn list(catalog: &Catalog, tenant: &str) -> Result<Vec<Entry>, GdprError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM erasure_ledger WHERE tenant = $1 ORDER BY erased_at, id"))
            .bind(tenant)
            .fetch_all(catalog.db().pool())
            .await
            .map_err(GdprError::Ledger)?;
    Ok(rows.into_iter().map(entry).collect())
}

/// One erasure by its receipt's id.
pub async fn get(catalog: &Catalog, tenant: &str, id: &str) -> Result<Entry, GdprError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM erasure_ledger WHERE tenant = $1 AND id = $2"))
            .bind(tenant)
            .bind(id)
            .fetch_optional(catalog.db().pool())
            .await
            .map_err(GdprError::Ledger)?;
    row.map(entry).ok_or(GdprError::NoSuchReceipt)
}

/// The erasures of the person whose personnummer has this blind index, oldest first.
pub async fn by_index(catalog: &Catalog, tenant: &str, pnr_index: &str) -> Result<Vec<Entry>, GdprError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM erasure_ledger WHERE tenant = $1 AND pnr_index = $2 ORDER BY erased_at, id"
    ))
    .bind(tenant)
    .bind(pnr_index)
    .fetch_all(catalog.db().pool())
    .await
    .map_err(GdprError::Ledger)?;
    Ok(rows.into_iter().map(entry).collect())
}

/// The newest `limit` erasures, newest first (what a page lists).
pub async fn recent(catalog: &Catalog, tenant: &str, limit: usize) -> Result<Vec<Entry>, GdprError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM erasure_ledger WHERE tenant = $1 ORDER BY erased_at DESC, id DESC LIMIT {limit}"
    ))
    .bind(tenant)
    .fetch_all(catalog.db().pool())
    .await
    .map_err(GdprError::Ledger)?;
    Ok(rows.into_iter().map(entry).collect())
}

/// How many erasures the tenant has.
pub async fn count(catalog: &Catalog, tenant: &str) -> Result<i64, GdprError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM erasure_ledger WHERE tenant = $1")
        .bind(tenant)
        .fetch_one(catalog.db().pool())
        .await
        .map_err(GdprError::Ledger)?;
    Ok(n)
}
