use leptos::prelude::*;

use crate::error::AppError;

/// Disables (every session ends at once) or enables an account. Admins only, not themselves.
#[server(endpoint = "admin/set_user_enabled")]
pub async fn set_user_enabled(user_id: String, enabled: bool) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, users, Role},
        clock::SystemClock,
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
        let user = super::super::other_account(&tenant, &admin, &user_id).await?;
        users::set_enabled(&tenant, &SystemClock, admin.actor(), &user, enabled)
            .await
            .map_err(super::super::last_admin_or_internal)
    };
    super::super::answer_form(result.await, "/admin/users", "enabled")
}
