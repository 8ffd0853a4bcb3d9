//! GDPR rights' server functions: what the chain holds about a person, erasure with a receipt,
//! the ledger's receipts. Admins only, through the one guard.
mod erasure_preview;
mod erasures;
mod receipt_file;
pub use erasure_preview::*;
pub use erasures::*;
pub use receipt_file::*;

#[cfg(feature = "ssr")]
pub(crate) use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use crate::{
        core::gdpr::{GdprError, Receipt},
        error::{AppError, Problem},
        model::gdpr::ErasureView,
    };

    pub(crate) fn gdpr_error(e: GdprError) -> AppError {
        match e {
            GdprError::NoSuchPerson => AppError::Invalid(Problem::NoSuchPerson),
            GdprError::ConfirmationMismatch => AppError::Invalid(Problem::ErasureMismatch),
            GdprError::NoSuchReceipt | GdprError::NotAReceipt => AppError::Invalid(Problem::NoSuchReceipt),
            GdprError::People(p) => crate::api::people::people_error(p),
            GdprError::Crypto(c) if c.is_unreadable() => AppError::Unreadable,
            other => crate::api::internal(other),
        }
    }

    pub(crate) fn view_of(r: &Receipt, erased_at_ms: i64, genuine: bool) -> ErasureView {
        ErasureView {
            id: r.id.clone(),
            erased_at: r.erased_at.clone(),
            erased_at_ms,
            erased_by: r.erased_by.clone(),
            reason: r.reason.clone(),
            personnummer_index: r.personnummer_index.clone(),
            erased: r.erased.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            kept: r.kept.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            genuine,
        }
    }
}
