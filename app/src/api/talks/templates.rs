use leptos::prelude::*;

use crate::{
    error::AppError,
    model::talks::{RoundRow, TemplateRow},
};

/// The organisation's talk templates, the two ready ones first (added in the organisation's
/// language the first time an admin looks). Admins only.
#[server(endpoint = "talks/templates")]
pub async fn list_templates() -> Result<Vec<TemplateRow>, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        organisation,
        talks::templates,
    };
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let lang =
        organisation::profile(&tenant).await.map_err(crate::api::internal)?.map(|p| p.language).unwrap_or_default();
    templates::ensure_shipped(&tenant, &SystemClock, lang).await.map_err(super::talk_error)?;
    templates::list(&tenant).await.map_err(super::talk_error)
}

/// The rounds rolled out, newest first, with how many talks are completed. Admins only.
#[server(endpoint = "talks/rounds")]
pub async fn list_rounds() -> Result<Vec<RoundRow>, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        talks::rounds,
    };
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    rounds::list(&tenant).await.map_err(super::talk_error)
}
