use leptos::prelude::*;

use crate::{error::AppError, model::gdpr::ErasureCounts};

/// What erasing a person would delete and keep, as counts per kind, never the content. Admins
/// only.
#[server(endpoint = "gdpr/preview")]
pub async fn erasure_preview(person_id: String) -> Result<ErasureCounts, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            gdpr,
        },
        error::Problem,
    };
    let id = crate::api::checked_id(&person_id, Problem::NoSuchPerson)?;
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let held = gdpr::holdings(&tenant, id).await.map_err(super::gdpr_error)?;
    let owned = |v: Vec<(&'static str, i64)>| v.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    Ok(ErasureCounts { erased: owned(held.erased()), kept: owned(held.kept()) })
}
