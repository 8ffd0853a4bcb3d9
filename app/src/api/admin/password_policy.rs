use leptos::prelude::*;

use crate::error::AppError;

/// The organisation's minimum password length. Admins only.
#[server(endpoint = "admin/password_policy")]
pub async fn password_policy() -> Result<u32, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        organisation,
    };
    let (tenant, _) = super::super::require(Need::Role(Role::Admin)).await?;
    let n = organisation::min_password_len(&tenant).await.map_err(super::super::internal)?;
    u32::try_from(n).map_err(super::super::internal)
}
