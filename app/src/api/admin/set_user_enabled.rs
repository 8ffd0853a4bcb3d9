use leptos::prelude::*;

use crate::error::AppError;

/// Disables (every session ends at once) or enables an account. Admins only, not themselves.
#[server(endpoint = "admin/set_user_enabled")]
pub async fn set_user_enabled(user_id: String, enabled: bool) -> Result<(), AppError> {
    use crate::core::{auth::{guard::Need, users, Role}, clock::SystemClock};
    let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
    if admin.id == user_id {
        return Err(AppError::Invalid("You cannot disable your own account.".into()));
    }
    let user = users::by_id(&tenant, &user_id).await.map_err(super::super::internal)?
        .ok_or_else(|| AppError::Invalid("There is no such account.".into()))?;
    users::set_enabled(&tenant, &SystemClock, admin.actor(), &user, enabled).await.map_err(super::super::internal)
}
