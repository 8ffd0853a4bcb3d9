use leptos::prelude::*;

use crate::{error::AppError, model::auth::Role};

/// Gives an account another role; its sessions end. Admins only, and not on themselves (an
/// organisation must not lose its last admin by accident).
#[server(endpoint = "admin/change_role")]
pub async fn change_role(user_id: String, role: Role) -> Result<(), AppError> {
    use crate::core::{auth::{guard::Need, users, Role as R}, clock::SystemClock};
    let (tenant, admin) = super::super::require(Need::Role(R::Admin)).await?;
    if admin.id == user_id {
        return Err(AppError::Invalid("You cannot change your own role.".into()));
    }
    let user = users::by_id(&tenant, &user_id).await.map_err(super::super::internal)?
        .ok_or_else(|| AppError::Invalid("There is no such account.".into()))?;
    users::set_role(&tenant, &SystemClock, admin.actor(), &user, role).await.map_err(super::super::internal)
}
