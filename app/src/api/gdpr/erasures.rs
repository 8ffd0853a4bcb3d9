use leptos::prelude::*;

use crate::{
    error::AppError,
    model::gdpr::{ErasureRow, ErasureView},
};

/// The most erasures the ledger's page lists.
pub const MAX_LISTED: usize = 500;

/// The organisation's erasures, newest first (ids, times and who; nothing about the person),
/// at most [`MAX_LISTED`]. Admins only.
#[server(endpoint = "gdpr/erasures")]
pub async fn list_erasures() -> Result<Vec<ErasureRow>, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        gdpr::{ledger, Receipt},
    };
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let state = crate::api::state()?;
    let entries =
        ledger::recent(state.tenancy.catalog(), tenant.slug().as_str(), MAX_LISTED).await.map_err(super::gdpr_error)?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let (by, reason) =
                serde_json::from_str::<Receipt>(&e.receipt).map(|r| (r.erased_by, r.reason)).unwrap_or_default();
            ErasureRow { id: e.id, erased_at_ms: e.erased_at, erased_by: by, reason }
        })
        .collect())
}

/// One erasure's receipt, checked against the organisation's key. Admins only.
#[server(endpoint = "gdpr/erasure")]
pub async fn erasure_detail(receipt_id: String) -> Result<ErasureView, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        gdpr::{ledger, Receipt},
    };
    let id = crate::api::checked_id(&receipt_id, crate::error::Problem::NoSuchReceipt)?;
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let state = crate::api::state()?;
    let slug = tenant.slug().as_str();
    let e = ledger::get(state.tenancy.catalog(), slug, id).await.map_err(super::gdpr_error)?;
    match Receipt::verify(&tenant, slug, &e.receipt) {
        Ok(r) => Ok(super::view_of(&r, e.erased_at, true)),
        Err(_) => {
            let r: Receipt = serde_json::from_str(&e.receipt).map_err(crate::api::internal)?;
            tracing::error!(receipt = %e.id, "a stored erasure receipt does not verify");
            Ok(super::view_of(&r, e.erased_at, false))
        }
    }
}
